package swarm

import (
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/libp2p/go-libp2p/core/peer"
)

// Rollout is what one node shares for one question in one round, mirroring
// rl-swarm's Payload: the question, this node's answers (completions) and
// metadata. Peers recompute rewards themselves, so no rewards travel here.
type Rollout struct {
	// Round is the coordinator round this rollout belongs to.
	Round uint64
	// Task names the environment/dataset (e.g. "mbpp", "gsm8k").
	Task string
	// Question is the prompt the answers respond to.
	Question string
	// BatchID is the lower-case md5 hex of Question, as genrl computes it;
	// use BatchID(question) to fill it.
	BatchID string
	// Answers are the node's completions for Question.
	Answers []string
	// Meta carries small extra fields (e.g. "answer", "tests", "dataset").
	Meta map[string]string
	// PeerID is the author's libp2p peer ID; Publish fills it in.
	PeerID string
}

// BatchID returns genrl's batch id for a question: md5 hex of its UTF-8 bytes.
func BatchID(question string) string {
	sum := md5.Sum([]byte(question))
	return hex.EncodeToString(sum[:])
}

// errSchema marks rollouts that decode but break the schema rules.
var errSchema = errors.New("rollout schema")

// validate checks a rollout against the limits and the schema rules every
// receiver enforces, so that a bad rollout is caught before it is signed or
// stored.
func (r *Rollout) validate(l Limits) error {
	switch {
	case r.Task == "" || len(r.Task) > l.MaxTaskBytes:
		return fmt.Errorf("%w: task must be 1..%d bytes, got %d", errSchema, l.MaxTaskBytes, len(r.Task))
	case len(r.Question) > l.MaxQuestionBytes:
		return fmt.Errorf("%w: question is %d bytes, limit %d", errSchema, len(r.Question), l.MaxQuestionBytes)
	case r.BatchID != BatchID(r.Question):
		return fmt.Errorf("%w: batch id %q is not md5(question)", errSchema, r.BatchID)
	case len(r.Answers) == 0 || len(r.Answers) > l.MaxAnswers:
		return fmt.Errorf("%w: need 1..%d answers, got %d", errSchema, l.MaxAnswers, len(r.Answers))
	case len(r.Meta) > l.MaxMetaEntries:
		return fmt.Errorf("%w: %d meta entries, limit %d", errSchema, len(r.Meta), l.MaxMetaEntries)
	}
	if !utf8.ValidString(r.Task) || !utf8.ValidString(r.Question) {
		return fmt.Errorf("%w: task and question must be UTF-8", errSchema)
	}
	for i, a := range r.Answers {
		if len(a) > l.MaxAnswerBytes {
			return fmt.Errorf("%w: answer %d is %d bytes, limit %d", errSchema, i, len(a), l.MaxAnswerBytes)
		}
		if !utf8.ValidString(a) {
			return fmt.Errorf("%w: answer %d is not UTF-8", errSchema, i)
		}
	}
	for k, v := range r.Meta {
		if k == "" || len(k) > maxMetaKeyBytes || len(v) > l.MaxMetaValueBytes {
			return fmt.Errorf("%w: meta %q: key 1..%d bytes, value <= %d bytes", errSchema, k, maxMetaKeyBytes, l.MaxMetaValueBytes)
		}
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return fmt.Errorf("%w: meta %q is not UTF-8", errSchema, k)
		}
	}
	if _, err := peer.Decode(r.PeerID); err != nil {
		return fmt.Errorf("%w: peer id %q: %v", errSchema, r.PeerID, err)
	}
	return nil
}

// clone returns a deep copy so callers can never alias stored state.
func (r Rollout) clone() Rollout {
	c := r
	c.Answers = append([]string(nil), r.Answers...)
	if r.Meta != nil {
		c.Meta = make(map[string]string, len(r.Meta))
		for k, v := range r.Meta {
			c.Meta[k] = v
		}
	}
	return c
}
