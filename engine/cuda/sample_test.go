package cuda

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/conformance"
	"github.com/swarmdesk/swarmdesk/engine/backend/gpu"
)

// The device sampling kernel (kernels/sample.cu) against the CPU sampler,
// row by row with the CPU's seeded uniforms, including the draws
// gpu.PlanSample keeps on the host (top-p alone) and invalid rows; the
// whole-model rollouts (Generate, which samples each decode step on the
// device) run in TestParityModel. Skips without a GPU.
func TestSampleKernelMatchesCPU(t *testing.T) {
	b := openOrSkip(t, false)
	conformance.RunSampleKernel(t, func(logits, u []float32, B, V int, a gpu.SampleArgs) ([]uint32, []float32, []uint32, error) {
		buf, err := b.Alloc(backend.F32, len(logits))
		if err != nil {
			return nil, nil, nil, err
		}
		defer b.Free(buf)
		if err := b.Upload(backend.Whole(buf), logits); err != nil {
			return nil, nil, nil, err
		}
		tb, lb, sb, err := b.sampleKernel(backend.Whole(buf), V)(a, u)
		if err != nil {
			return nil, nil, nil, err
		}
		le := binary.LittleEndian
		tok, lp, st := make([]uint32, B), make([]float32, 2*B), make([]uint32, B)
		for i := 0; i < B; i++ {
			tok[i], st[i] = le.Uint32(tb[4*i:]), le.Uint32(sb[4*i:])
			lp[2*i], lp[2*i+1] = math.Float32frombits(le.Uint32(lb[8*i:])), math.Float32frombits(le.Uint32(lb[8*i+4:]))
		}
		return tok, lp, st, nil
	})
}
