package swarm

// Limits bound what a node accepts from peers. They exist because every
// byte here comes from strangers on the internet: a bound on each field keeps
// memory per round predictable and makes oversized input cheap to reject.
type Limits struct {
	// MaxMessageBytes caps one encoded envelope (rollout + key + signature).
	MaxMessageBytes int
	// MaxQuestionBytes caps Rollout.Question.
	MaxQuestionBytes int
	// MaxAnswers caps len(Rollout.Answers).
	MaxAnswers int
	// MaxAnswerBytes caps each answer.
	MaxAnswerBytes int
	// MaxMetaEntries caps len(Rollout.Meta); keys are capped at 64 bytes.
	MaxMetaEntries int
	// MaxMetaValueBytes caps each Meta value.
	MaxMetaValueBytes int
	// MaxTaskBytes caps Rollout.Task.
	MaxTaskBytes int
	// MaxPerPeerRound caps how many rollouts one author may publish in one
	// round; more is treated as flooding.
	MaxPerPeerRound int
	// MaxRoundBytes caps the envelopes stored for one round from all
	// authors together, bounding memory even against many fake identities.
	MaxRoundBytes int
	// RoundWindow is how far (in rounds) a message may be from the node's
	// current round and still be accepted: [current-RoundWindow,
	// current+RoundWindow]. Zero means the default, 1.
	RoundWindow uint64
	// RatePerSec and RateBurst bound how many gossip messages per second one
	// directly connected peer may forward to us (token bucket).
	RatePerSec float64
	RateBurst  int
}

// DefaultLimits fit rl-swarm's payloads (2 questions x a few completions of
// code or math per round) with a wide safety margin.
func DefaultLimits() Limits {
	return Limits{
		MaxMessageBytes:   1 << 20,
		MaxQuestionBytes:  64 << 10,
		MaxAnswers:        64,
		MaxAnswerBytes:    256 << 10,
		MaxMetaEntries:    32,
		MaxMetaValueBytes: 4 << 10,
		MaxTaskBytes:      128,
		MaxPerPeerRound:   32,
		MaxRoundBytes:     256 << 20,
		RoundWindow:       1,
		RatePerSec:        50,
		RateBurst:         200,
	}
}

// withDefaults fills zero fields from DefaultLimits so callers can override
// only what they care about.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxMessageBytes <= 0 {
		l.MaxMessageBytes = d.MaxMessageBytes
	}
	if l.MaxQuestionBytes <= 0 {
		l.MaxQuestionBytes = d.MaxQuestionBytes
	}
	if l.MaxAnswers <= 0 {
		l.MaxAnswers = d.MaxAnswers
	}
	if l.MaxAnswerBytes <= 0 {
		l.MaxAnswerBytes = d.MaxAnswerBytes
	}
	if l.MaxMetaEntries <= 0 {
		l.MaxMetaEntries = d.MaxMetaEntries
	}
	if l.MaxMetaValueBytes <= 0 {
		l.MaxMetaValueBytes = d.MaxMetaValueBytes
	}
	if l.MaxTaskBytes <= 0 {
		l.MaxTaskBytes = d.MaxTaskBytes
	}
	if l.MaxPerPeerRound <= 0 {
		l.MaxPerPeerRound = d.MaxPerPeerRound
	}
	if l.MaxRoundBytes <= 0 {
		l.MaxRoundBytes = d.MaxRoundBytes
	}
	if l.RoundWindow == 0 {
		l.RoundWindow = d.RoundWindow
	}
	if l.RatePerSec <= 0 {
		l.RatePerSec = d.RatePerSec
	}
	if l.RateBurst <= 0 {
		l.RateBurst = d.RateBurst
	}
	return l
}

// maxMetaKeyBytes caps each Meta key.
const maxMetaKeyBytes = 64
