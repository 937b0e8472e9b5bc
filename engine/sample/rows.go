package sample

import "fmt"

// Rows draws one token per row of logits (len(s) rows of vocab values):
// row i with s[i], into dst[i]. It is the host's draw for a batch, shared by
// the CPU backend and by GPU backends for the rows their device kernel
// cannot take.
func Rows(dst []Result, logits []float32, vocab int, s []*Sampler) error {
	if len(dst) < len(s) || len(logits) < len(s)*vocab {
		return fmt.Errorf("sample: %d rows of %d logits into %d results from %d values", len(s), vocab, len(dst), len(logits))
	}
	for i, sm := range s {
		r, err := sm.Sample(logits[i*vocab : (i+1)*vocab])
		if err != nil {
			return fmt.Errorf("sample row %d: %w", i, err)
		}
		dst[i] = r
	}
	return nil
}
