package sample

import "slices"

// Finish reasons, as OpenAI-style APIs name them.
const (
	FinishStop   = "stop"   // a stop token (EOS, <|im_end|>) was sampled
	FinishLength = "length" // the max-new-tokens budget ran out
)

// Stop decides when a sequence is complete.
type Stop struct {
	IDs    []int // stop token ids (EOS ids, <|im_end|>); the stop token is kept in the output
	MaxNew int   // maximum number of generated tokens
}

// Check reports whether generation ends after tok, the n-th generated token
// (1-based), and why ("" = keep going).
func (s Stop) Check(tok, n int) string {
	if slices.Contains(s.IDs, tok) {
		return FinishStop
	}
	if n >= s.MaxNew {
		return FinishLength
	}
	return ""
}
