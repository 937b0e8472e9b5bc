package gpu

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/sample"
)

// Device sampling (the sample kernel, engine/vulkan/shaders/sample.comp)
// for every GPU backend: which draws the kernel may take, its inputs, and
// its outputs read back. Kept here, exported, so the Vulkan backend's own
// op layer and this one share the rules until Vulkan runs on this layer.
//
// Each row's uniform comes from its own seeded sampler (Sampler.Uniform),
// so the streams advance exactly as on the CPU. Greedy, temperature-only
// and top-k draws pick the CPU sampler's token unless the draw lands within
// float32 rounding of a boundary of the cumulative distribution (the device
// accumulates in float32, the CPU in float64); top-k with top-p too (both
// walk the kept tokens in descending order), with the same float32
// tolerance at the nucleus edge. Top-p without top-k takes the host path:
// the CPU sampler walks that nucleus in its own (binned, partly id) order,
// which the kernel does not reproduce, so the same uniform would pick
// another token of the same distribution. Rows must share one Params (one
// Generate call's samplers); mixed rows take the host path too.

// SampleKernel runs an API's sampling kernel for len(u) rows with the
// arguments a and the rows' uniforms u, and returns its outputs as
// ReadSample reads them.
type SampleKernel func(a SampleArgs, u []float32) (tokens, logprobs, status []byte, err error)

// SampleRows is backend.Backend's Sample for every GPU backend: it checks
// the request, plans the draw (PlanSample), runs the device kernel through
// run and reads its outputs, or, for the draws the kernel does not
// reproduce, downloads the rows with download and runs the rows' samplers
// on the host. Each API supplies only run (its buffers and launch); the
// rules live here once.
func SampleRows(dst []sample.Result, logits backend.View, vocab int, s []*sample.Sampler,
	download func([]float32, backend.View) error, run SampleKernel) error {
	B := len(s)
	if B == 0 {
		return nil
	}
	if len(dst) < B {
		return fmt.Errorf("sample: %d results for %d rows", len(dst), B)
	}
	if vocab <= 0 || logits.N < B*vocab {
		return fmt.Errorf("sample: %d rows of %d logits from a %d-element view", B, vocab, logits.N)
	}
	args, u, onDevice, err := PlanSample(s, vocab)
	if err != nil {
		return err
	}
	if !onDevice {
		return SampleOnHost(dst, logits, vocab, s, download)
	}
	tok, lp, st, err := run(args, u)
	if err != nil {
		return err
	}
	if len(tok) < 4*B || len(lp) < 8*B || len(st) < 4*B {
		return fmt.Errorf("sample: the kernel returned %d, %d and %d bytes for %d rows", len(tok), len(lp), len(st), B)
	}
	return ReadSample(dst[:B], tok, lp, st, s[0].Params().Greedy())
}

// SampleOnHost downloads the rows and runs the rows' own seeded samplers
// on the host.
func SampleOnHost(dst []sample.Result, logits backend.View, vocab int, s []*sample.Sampler, download func([]float32, backend.View) error) error {
	l := make([]float32, len(s)*vocab)
	if err := download(l, logits.Slice(0, len(l))); err != nil {
		return err
	}
	return sample.Rows(dst, l, vocab, s)
}

// PlanSample returns the kernel's arguments and the rows' uniforms (one
// per row, drawn from the samplers, which advances them) for a draw over
// vocab logits per row, or onDevice false when the rows must be sampled on
// the host (then no sampler has advanced).
func PlanSample(s []*sample.Sampler, vocab int) (a SampleArgs, u []float32, onDevice bool, err error) {
	p := s[0].Params()
	for _, x := range s[1:] {
		if x.Params() != p {
			return a, nil, false, nil
		}
	}
	if topK := p.TopK > 0 && p.TopK < vocab; !p.Greedy() && p.TopP > 0 && p.TopP < 1 && !topK {
		return a, nil, false, nil
	}
	if err := p.Validate(); err != nil {
		return a, nil, false, err
	}
	u = make([]float32, len(s))
	if !p.Greedy() {
		for i, x := range s {
			u[i] = float32(x.Uniform())
		}
	}
	a = SampleArgs{Temperature: p.Temperature, TopK: p.TopK, TopP: p.TopP}
	if a.TopK >= vocab {
		a.TopK = 0
	}
	return a, u, true, nil
}

// ReadSample fills dst from the kernel's outputs (little-endian bytes:
// tokens and status one uint32 per row, logprobs two float32 per row);
// greedy draws report LogProb 0 as the CPU sampler does.
func ReadSample(dst []sample.Result, tokens, logprobs, status []byte, greedy bool) error {
	le := binary.LittleEndian
	for i := range dst {
		if le.Uint32(status[4*i:]) != 0 {
			return fmt.Errorf("sample row %d: the logits hold NaN or infinity (a broken forward pass)", i)
		}
		dst[i] = sample.Result{Token: int(le.Uint32(tokens[4*i:])),
			LogProb:    math.Float32frombits(le.Uint32(logprobs[8*i:])),
			RawLogProb: math.Float32frombits(le.Uint32(logprobs[8*i+4:]))}
		if greedy {
			dst[i].LogProb = 0
		}
	}
	return nil
}
