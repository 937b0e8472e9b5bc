package models

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/swarmdesk/swarmdesk/app/tasks"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/safetensors"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
	"github.com/swarmdesk/swarmdesk/engine/tokenizer"
	"github.com/swarmdesk/swarmdesk/engine/train"
)

// DemoName is the model.name of the built-in demo model: a tiny Qwen2-architecture model and
// tokenizer that swarmdesk makes itself, so a fresh install trains — and shows a reward that
// rises within minutes — with no download and no internet. It learns one task,
// tasks.NextDigit. A folder that happens to be called "demo" is still reachable as ./demo.
const DemoName = "demo"

// IsDemo reports whether a model.name setting means the built-in demo model.
func IsDemo(name string) bool { return strings.EqualFold(strings.TrimSpace(name), DemoName) }

// Demo is how the demo model's rounds are shaped, for the round loop (app/session applies it):
// short rounds, many one-digit questions, and a learning rate a model of 0.3 MB wants. With
// these its mean reward climbs from about 0.4 to about 0.9 within 30 rounds (TestDemoLearns),
// i.e. within minutes, where a real model on the real tasks shows a flat line for hours.
var Demo = struct {
	RoundSeconds                     int // rounds of a swarm this computer runs for the demo
	Questions, Answers, MaxNewTokens int
	LR                               float64
}{RoundSeconds: 10, Questions: 32, Answers: 8, MaxNewTokens: 6, LR: 1.5e-3}

// demoVersion names the demo's folder in the cache. Change it whenever anything below changes
// what is written (shape, vocabulary, lessons, the task's wording), so old copies are not reused.
const demoVersion = "demo-model-v1"

// The demo vocabulary: a small byte-level BPE vocabulary (tokenizer.TinyJSON; its last three
// ids are <|endoftext|>, <|im_start|>, <|im_end|>) plus a few added tokens for the text the demo
// always shows the model — the answer tags, the system prompt and the two halves of the
// question around its digit — the way a real vocabulary holds frequent words whole. A prompt is
// then about twenty tokens, which the tiny model attends over easily; any other text still
// encodes byte by byte.
const demoBPEVocab = 300

var demoAdded = []string{"<answer>", "</answer>", tasks.SystemPrompt, tasks.NextDigitBefore, tasks.NextDigitAfter,
	copyBefore, copyAfter}

// The copy lesson's question around its digit (see teachFormat).
const (
	copyBefore = "Repeat the digit "
	copyAfter  = ". Put the digit inside <answer></answer>."
)

// demoShape is the model: 2 layers of width 64, tied embeddings, about 0.3 MB of float32.
var demoShape = testmodel.Tiny{Layers: 2, Hidden: 64, Heads: 4, KVHeads: 2, HeadDim: 16, FFN: 128,
	Vocab: demoBPEVocab + 7, MaxPos: 256, EOSID: demoBPEVocab - 1, LogitScale: 0.5}

// demoSeed draws the demo's random starting weights and its format lessons.
const demoSeed = 7

// EnsureDemo makes sure the demo model is in dir's demo folder (cacheDir/demo-model-v1) and
// returns that folder. The first call writes it — random weights, then a few seconds of lessons
// in the answer format (see teachFormat) — and later calls find it. report, if set, gets a
// sentence per stage.
func EnsureDemo(cacheDir string, report func(string)) (string, error) {
	dir := filepath.Join(cacheDir, demoVersion)
	if _, err := os.Stat(filepath.Join(dir, "model.safetensors")); err == nil {
		return dir, nil
	}
	if report == nil {
		report = func(string) {}
	}
	report("making the built-in demo model (once, a few seconds)")
	tmp := dir + ".tmp"
	_ = os.RemoveAll(tmp)
	if err := writeDemo(tmp); err != nil {
		_ = os.RemoveAll(tmp)
		return "", fmt.Errorf("make the demo model in %s: %w (check the folder is writable)", tmp, err)
	}
	_ = os.RemoveAll(dir)
	if err := os.Rename(tmp, dir); err != nil {
		return "", fmt.Errorf("make the demo model: %w", err)
	}
	return dir, nil
}

// writeDemo writes the tokenizer, the random model, and then the model after its lessons.
func writeDemo(dir string) error {
	if err := testmodel.Write(dir, demoShape, demoSeed); err != nil {
		return err
	}
	tokJSON, err := demoTokenizerJSON()
	if err != nil {
		return err
	}
	tokPath := filepath.Join(dir, "tokenizer.json")
	if err := os.WriteFile(tokPath, tokJSON, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", tokPath, err)
	}
	tok, err := tokenizer.Parse(tokJSON)
	if err != nil {
		return fmt.Errorf("the demo tokenizer: %w", err)
	}
	m, err := qwen2.Load(dir, qwen2.LoadOptions{WeightDType: qwen2.F32})
	if err != nil {
		return err
	}
	if err := teachFormat(m, tok); err != nil {
		return err
	}
	return saveWeights(filepath.Join(dir, "model.safetensors"), m)
}

// demoTokenizerJSON is TinyJSON's vocabulary with the demo's added tokens after it.
func demoTokenizerJSON() ([]byte, error) {
	raw, err := tokenizer.TinyJSON(demoBPEVocab)
	if err != nil {
		return nil, err
	}
	var f map[string]any
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, err
	}
	added, _ := f["added_tokens"].([]any)
	for i, s := range demoAdded {
		added = append(added, map[string]any{"id": demoBPEVocab + i, "content": s, "single_word": false,
			"lstrip": false, "rstrip": false, "normalized": false, "special": false})
	}
	f["added_tokens"] = added
	return json.MarshalIndent(f, "", " ")
}

// saveWeights writes m's weights as model.safetensors in the Hugging Face layout.
func saveWeights(path string, m *qwen2.Model) error {
	buf := m.Trainable()
	ts := make([]safetensors.Tensor, 0, len(m.Params.Tensors))
	for _, t := range m.Params.Tensors {
		ts = append(ts, safetensors.F32Tensor(t.Name, t.Shape, buf[t.Offset:t.Offset+t.Size]))
	}
	return safetensors.Write(path, ts, map[string]string{"format": "pt"})
}

// PromptTokens is the model input for a question, as the round loop builds it: ChatML with the
// tasks' system prompt.
func PromptTokens(tok *tokenizer.Tokenizer, q tasks.Question) []int {
	return tok.Encode(tokenizer.ChatML([]tokenizer.Message{
		{Role: "system", Content: tasks.SystemPrompt},
		{Role: "user", Content: q.Prompt},
	}, true))
}

// Format lessons. A model with random weights almost never writes "<answer>7</answer>" (one
// chance in tens of millions), so reinforcement learning would have no right answer to reward
// for hours. Before its first round, the demo model is taught the *form* of an answer — the tag,
// one digit, the closing tag, the end — with every digit equally likely, so it starts at about
// one right answer in ten (reward ≈ 0.3) and the swarm's rounds teach it *which* digit. The
// lessons use the same GRPO step as a round: well-formed answers with each digit (reward 1)
// against the model's own samples (reward 1 only if well formed).
const (
	lessonSteps     = 120
	lessonQuestions = 6
	lessonNear      = 2
	lessonLR        = 1e-2
)

func teachFormat(m *qwen2.Model, tok *tokenizer.Tokenizer) error {
	open, ok1 := tok.TokenID("<answer>")
	closeTag, ok2 := tok.TokenID("</answer>")
	eos := tok.EOSIDs()
	if !ok1 || !ok2 || len(eos) == 0 {
		return fmt.Errorf("the demo tokenizer lacks the answer tags or an end token")
	}
	end := eos[0]
	digit := func(d int) int { id, _ := tok.TokenID(fmt.Sprint(d)); return id }
	cfg := train.Config{Optim: train.DefaultOptimConfig(), MicroBatch: 64}
	cfg.Optim.LR = lessonLR
	tr, err := train.New(m, nil, cfg)
	if err != nil {
		return err
	}
	task, _ := tasks.Get(tasks.NextDigit)
	rng := rand.New(rand.NewPCG(demoSeed, 1))
	for range lessonSteps {
		var groups []train.Group
		for range lessonQuestions {
			seed := rng.Uint64()
			q := task.Generate(seed, tasks.MinLevel)
			d := int(q.Answer[0]-'0') + 9 // the question's digit, plus 10 to keep the sums below positive
			var near [][]int
			for k := -lessonNear; k <= lessonNear; k++ {
				near = append(near, []int{open, digit((d + k) % 10), closeTag, end})
			}
			g, err := lessonGroup(m, PromptTokens(tok, q), near, end)
			if err != nil {
				return err
			}
			groups = append(groups, g)
		}
		if _, err := tr.Step(groups); err != nil {
			return fmt.Errorf("demo format lesson: %w", err)
		}
	}
	return nil
}

// lessonGroup is one lesson question: the teacher's answers (reward 1) against an empty answer
// (reward 0), so the step raises the log-probability of each taught answer alike — supervised
// learning, in the GRPO step's terms — and every digit taught stays equally likely.
func lessonGroup(m *qwen2.Model, prompt []int, teach [][]int, end int) (train.Group, error) {
	g := train.Group{Prompt: prompt}
	answers := append(append([][]int(nil), teach...), []int{end})
	seqs := make([]qwen2.Sequence, len(answers))
	for i, a := range answers {
		seqs[i] = qwen2.Sequence{Tokens: append(append([]int(nil), prompt...), a...), Start: len(prompt)}
	}
	lps, err := m.SequenceLogProbs(seqs)
	if err != nil {
		return g, err
	}
	for i, a := range answers {
		r := 1.0
		if i == len(teach) {
			r = 0
		}
		g.Answers = append(g.Answers, train.Answer{Tokens: a, LogProbs: lps[i], Reward: r})
	}
	return g, nil
}
