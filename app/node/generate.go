package node

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/swarmdesk/swarmdesk/app/stats"
	"github.com/swarmdesk/swarmdesk/app/swarm"
	"github.com/swarmdesk/swarmdesk/app/tasks"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/tokenizer"
	"github.com/swarmdesk/swarmdesk/engine/train"
)

// Meta keys of a published rollout. The question is a pure function of (task, seed, level), so
// a receiver regenerates it instead of trusting the text; "finish" says which answers ended
// with the stop token, so the receiver can train on them as complete answers.
const (
	metaSeed   = "seed"
	metaLevel  = "level"
	metaFinish = "finish"
)

// ownGroup is one of the node's questions with its sampled answers and their rewards.
type ownGroup struct {
	q       tasks.Question
	prompt  []int
	comps   []qwen2.Completion
	texts   []string
	stopped []bool
	rewards []tasks.Reward
}

// seedFor derives every random choice of a round from (round, peer ID): a replayed round (after
// a crash) draws the same questions and samples the same answers, and no two peers draw alike.
func seedFor(round uint64, peerID, what string, i int) uint64 {
	h := sha256.Sum256(fmt.Appendf(nil, "swarmdesk/node/%s/%d/%d/%s", what, round, i, peerID))
	return binary.LittleEndian.Uint64(h[:8])
}

// questions draws the round's questions.
func (n *Node) questions(round uint64) ([]tasks.Question, error) {
	qs, err := tasks.Draw(n.cfg.Mix, seedFor(round, n.deps.PeerID, "questions", 0), n.cfg.Questions, n.cfg.Level)
	if err != nil {
		return nil, fmt.Errorf("round %d: %w", round, err)
	}
	return qs, nil
}

// promptTokens is the model input for a question: ChatML with the tasks' system prompt. Only
// locally generated question text goes in, so a peer cannot inject special tokens here.
func (n *Node) promptTokens(q tasks.Question) []int {
	return n.deps.Tokenizer.Encode(tokenizer.ChatML([]tokenizer.Message{
		{Role: "system", Content: tasks.SystemPrompt},
		{Role: "user", Content: q.Prompt},
	}, true))
}

// generateAll answers the round's questions, one Generate call per question; a pause takes
// hold between questions.
func (n *Node) generateAll(ctx context.Context, w *roundWork) error {
	qs, err := n.questions(w.round)
	if err != nil {
		return err
	}
	done := n.phase(w, PhaseGenerate)
	defer done()
	var genTime time.Duration
	genTokens, answers := 0, 0
	var sum, fmtSum, corSum float64
	byTask := map[string][]float64{}
	for i, q := range qs {
		if err := n.safePoint(ctx, StateRunning); err != nil {
			return err
		}
		if i == 0 || i == len(qs)/2 {
			n.faultPoint(ctx, w.round, PhaseGenerate, fmt.Sprintf("question %d of %d", i+1, len(qs)))
		}
		t0 := time.Now()
		g, err := n.answer(w.round, i, q)
		genTime += time.Since(t0)
		if err != nil {
			n.problem(fmt.Errorf("round %d question %d (%s): %w", w.round, i+1, q.Task, err))
			continue
		}
		w.own = append(w.own, g)
		for j, r := range g.rewards {
			sum += r.Total
			fmtSum += r.Format
			corSum += r.Correct
			byTask[q.Task] = append(byTask[q.Task], r.Total)
			genTokens += len(g.comps[j].Tokens)
			answers++
		}
	}
	w.m.Questions, w.m.Answers = len(w.own), answers
	if answers > 0 {
		a := float64(answers)
		w.m.Reward, w.m.Format, w.m.Correct = sum/a, fmtSum/a, corSum/a
		w.m.AnswerTokens = float64(genTokens) / a
	}
	if s := genTime.Seconds(); s > 0 {
		w.m.GenTokPerS = float64(genTokens) / s
	}
	w.m.RewardByTask = map[string]float64{}
	for t, rs := range byTask {
		w.m.RewardByTask[t] = stats.Mean(rs)
	}
	return nil
}

// answer samples Config.Answers answers to q and scores them.
func (n *Node) answer(round uint64, i int, q tasks.Question) (*ownGroup, error) {
	prompt := n.promptTokens(q)
	if limit := n.deps.Model.Config.MaxPositionEmbeddings; len(prompt)+n.cfg.MaxNewTokens > limit {
		return nil, fmt.Errorf("the prompt (%d tokens) plus training.max_new_tokens (%d) exceed the model's context of %d tokens; lower training.max_new_tokens",
			len(prompt), n.cfg.MaxNewTokens, limit)
	}
	comps, _, err := n.deps.Model.Generate(prompt, qwen2.GenerateOptions{
		N: n.cfg.Answers, MaxNew: n.cfg.MaxNewTokens, Temperature: n.cfg.Temperature,
		Seed: seedFor(round, n.deps.PeerID, "answers", i), StopIDs: n.stops,
	})
	if err != nil {
		return nil, err
	}
	g := &ownGroup{q: q, prompt: prompt, comps: comps}
	for _, c := range comps {
		toks := c.Tokens
		stop := c.Finish == "stop"
		if stop && len(toks) > 0 {
			toks = toks[:len(toks)-1] // the stop token is not text
		}
		text := n.decode(toks)
		g.texts = append(g.texts, text)
		g.stopped = append(g.stopped, stop)
		g.rewards = append(g.rewards, tasks.Score(q, text))
	}
	return g, nil
}

// decode turns answer tokens into text. Ids the tokenizer does not know (a model's padded
// vocabulary) are left out; invalid UTF-8 cannot occur (Decode substitutes U+FFFD).
func (n *Node) decode(ids []int) string {
	tok := n.deps.Tokenizer
	s, err := tok.Decode(ids)
	if err != nil {
		known := make([]int, 0, len(ids))
		for _, id := range ids {
			if _, err := tok.Decode([]int{id}); err == nil {
				known = append(known, id)
			}
		}
		s, _ = tok.Decode(known)
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// rollout is what the node shares for this group.
func (g *ownGroup) rollout(round uint64) swarm.Rollout {
	fin := make([]string, len(g.stopped))
	for i, s := range g.stopped {
		fin[i] = "length"
		if s {
			fin[i] = "stop"
		}
	}
	return swarm.Rollout{
		Round: round, Task: g.q.Task, Question: g.q.Prompt, BatchID: g.batchID(),
		Answers: append([]string(nil), g.texts...),
		Meta: map[string]string{
			metaSeed:   strconv.FormatUint(g.q.Seed, 10),
			metaLevel:  strconv.Itoa(g.q.Level),
			metaFinish: strings.Join(fin, ","),
		},
	}
}

func (g *ownGroup) batchID() string { return swarm.BatchID(g.q.Prompt) }

// group is the GRPO group of the node's own answers, with the log-probs they were sampled with.
func (g *ownGroup) group() train.Group {
	tg := train.Group{Prompt: g.prompt}
	for i, c := range g.comps {
		tg.Answers = append(tg.Answers, train.Answer{Tokens: c.Tokens, LogProbs: c.LogProbs, Reward: g.rewards[i].Total})
	}
	return tg
}

// shuffled returns a copy of s in an order drawn from seed.
func shuffled[T any](s []T, seed uint64) []T {
	out := append([]T(nil), s...)
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// round3 keeps log lines short.
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
