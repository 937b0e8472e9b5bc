package node

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/swarmdesk/swarmdesk/app/swarm"
	"github.com/swarmdesk/swarmdesk/app/tasks"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/train"
)

// peerGroup is a peer's question group that passed every check, with the question regenerated
// here and every answer scored here.
type peerGroup struct {
	author  string
	q       tasks.Question
	answers []string
	stopped []bool
	rewards []tasks.Reward
	adopted bool
}

func (g *peerGroup) batchID() string { return swarm.BatchID(g.q.Prompt) }

// errRollout marks a peer rollout refused by checkRollout.
var errRollout = errors.New("peer rollout refused")

func refuse(format string, a ...any) error {
	return fmt.Errorf("%w: %s", errRollout, fmt.Sprintf(format, a...))
}

// maxAnswerBytes bounds a peer answer before any work is spent on it: no honest answer of
// MaxNewTokens tokens is longer (a token is at most a few dozen bytes).
func (n *Node) maxAnswerBytes() int { return min(tasks.MaxCompletionBytes, 32*n.cfg.MaxNewTokens) }

// checkRollout verifies a peer's rollout for round. Nothing in it is trusted: the question must
// regenerate exactly from its (task, seed, level) — so the rewards computed here are the true
// ones — the group must have exactly Config.Answers answers (rl-swarm's num_generations; other
// sizes crashed Python peers), and every answer must be valid UTF-8 within the size bound.
// Any other field (a claimed reward, log-probs, a model name) is ignored.
func (n *Node) checkRollout(r swarm.Rollout, round uint64) (*peerGroup, error) {
	switch {
	case r.PeerID == n.deps.PeerID:
		return nil, refuse("own rollout")
	case r.Round != round:
		return nil, refuse("round %d, playing %d", r.Round, round)
	case len(r.Answers) != n.cfg.Answers:
		return nil, refuse("%d answers, want exactly %d", len(r.Answers), n.cfg.Answers)
	}
	t, ok := tasks.Get(r.Task)
	if !ok {
		return nil, refuse("unknown task %.40q", r.Task)
	}
	seedText, levelText := r.Meta[metaSeed], r.Meta[metaLevel]
	if len(seedText) > 20 || len(levelText) > 2 {
		return nil, refuse("malformed seed or level")
	}
	seed, err := strconv.ParseUint(seedText, 10, 64)
	if err != nil {
		return nil, refuse("seed %.24q is not a number", seedText)
	}
	level, err := strconv.Atoi(levelText)
	if err != nil || !tasks.ValidLevel(level) {
		return nil, refuse("level %.8q outside %d..%d", levelText, tasks.MinLevel, tasks.MaxLevel)
	}
	q := t.Generate(seed, level)
	if q.Task != r.Task || q.Level != level || q.Prompt != r.Question {
		return nil, refuse("the question is not what task %s generates for seed %d level %d", r.Task, seed, level)
	}
	stopped, err := parseFinish(r.Meta[metaFinish], len(r.Answers))
	if err != nil {
		return nil, err
	}
	g := &peerGroup{author: r.PeerID, q: q, stopped: stopped}
	limit := n.maxAnswerBytes()
	for i, a := range r.Answers {
		if len(a) > limit {
			return nil, refuse("answer %d is %d bytes, limit %d", i, len(a), limit)
		}
		if !utf8.ValidString(a) {
			return nil, refuse("answer %d is not UTF-8", i)
		}
		g.answers = append(g.answers, a)
		g.rewards = append(g.rewards, tasks.Score(q, a))
	}
	return g, nil
}

// parseFinish reads the "finish" meta: one "stop" or "length" per answer. Missing means
// "length" for all (the answer is trained on without a stop token, which is always safe).
func parseFinish(s string, n int) ([]bool, error) {
	out := make([]bool, n)
	if s == "" {
		return out, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) != n {
		return nil, refuse("finish lists %d answers, the group has %d", len(parts), n)
	}
	for i, p := range parts {
		switch p {
		case "stop":
			out[i] = true
		case "length":
		default:
			return nil, refuse("finish %.12q is neither stop nor length", p)
		}
	}
	return out, nil
}

// candidates orders the valid peer groups for adoption (SAPO): a question the node already
// has is skipped; the order is a shuffle seeded by (round, peer ID) — rl-swarm's CodeZero picks
// at random too, so no peer is favoured for its ID — with groups whose answers scored
// differently first (a group whose answers all scored alike has zero advantage and teaches
// nothing), and one group per author before any author's second.
func (n *Node) candidates(round uint64, valid []*peerGroup, have map[string]bool) []*peerGroup {
	sh := shuffled(valid, seedFor(round, n.deps.PeerID, "adopt", 0))
	sort.SliceStable(sh, func(i, j int) bool { return informative(sh[i]) && !informative(sh[j]) })
	taken := map[string]int{}
	seenQ := map[string]bool{}
	var firsts, rest []*peerGroup
	for _, g := range sh {
		id := g.batchID()
		if have[id] || seenQ[id] {
			continue
		}
		seenQ[id] = true
		if taken[g.author] == 0 {
			firsts = append(firsts, g)
		} else {
			rest = append(rest, g)
		}
		taken[g.author]++
	}
	return append(firsts, rest...)
}

// informative reports whether the group's answers earned different rewards.
func informative(g *peerGroup) bool {
	for _, r := range g.rewards[1:] {
		if r.Total != g.rewards[0].Total {
			return true
		}
	}
	return false
}

// maxAdoptTokens bounds an adopted answer after re-tokenisation; the peer's tokenisation may
// differ from the local one, hence the margin over MaxNewTokens.
func (n *Node) maxAdoptTokens() int { return n.cfg.maxAdoptTokens() }

func (c Config) maxAdoptTokens() int { return c.MaxNewTokens + c.MaxNewTokens/2 + 1 }

// adoptedGroup turns a verified peer group into a GRPO group: the prompt is rebuilt locally,
// the answers are re-tokenised without special tokens (so a peer cannot smuggle in control
// tokens), a stop token is appended to answers that ended with one, and the "old policy"
// log-probs are recomputed by the local model — a peer's log-probs are never used.
func (n *Node) adoptedGroup(g *peerGroup) (train.Group, error) {
	prompt := n.promptTokens(g.q)
	ctx := n.deps.Model.Config.MaxPositionEmbeddings
	tg := train.Group{Prompt: prompt}
	seqs := make([]qwen2.Sequence, 0, len(g.answers))
	for i, a := range g.answers {
		toks := n.deps.Tokenizer.EncodeNonSpecial(a)
		if (g.stopped[i] || len(toks) == 0) && n.imEnd >= 0 {
			toks = append(toks, n.imEnd)
		}
		switch {
		case len(toks) == 0:
			return train.Group{}, fmt.Errorf("answer %d is empty", i)
		case len(toks) > n.maxAdoptTokens():
			return train.Group{}, fmt.Errorf("answer %d is %d tokens here, limit %d", i, len(toks), n.maxAdoptTokens())
		case len(prompt)+len(toks) > ctx:
			return train.Group{}, fmt.Errorf("answer %d does not fit the model's context", i)
		}
		for _, id := range toks {
			if id < 0 || id >= n.deps.Model.Config.VocabSize {
				return train.Group{}, fmt.Errorf("answer %d has token %d outside the model's vocabulary", i, id)
			}
		}
		seq := make([]int, 0, len(prompt)+len(toks))
		seqs = append(seqs, qwen2.Sequence{Tokens: append(append(seq, prompt...), toks...), Start: len(prompt)})
		tg.Answers = append(tg.Answers, train.Answer{Tokens: toks, Reward: g.rewards[i].Total})
	}
	lps, err := n.deps.Model.SequenceLogProbs(seqs)
	if err != nil {
		return train.Group{}, fmt.Errorf("recompute log-probs: %w", err)
	}
	if len(lps) != len(tg.Answers) {
		return train.Group{}, fmt.Errorf("recompute log-probs: %d results for %d answers", len(lps), len(tg.Answers))
	}
	for i := range tg.Answers {
		tg.Answers[i].LogProbs = lps[i]
	}
	return tg, nil
}
