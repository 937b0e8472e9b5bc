package cuda

import (
	"errors"
	"os"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/conformance"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
)

// The parity suite on a real NVIDIA GPU: every op forward and backward and
// a whole tiny model against the CPU backend. Without a device it skips
// (SWARMDESK_CUDA_REQUIRE_GPU=1, set by scripts/gpu-check.sh, turns the
// skip into a failure).

// openOrSkip opens cuda:0 with tensor cores on or off.
func openOrSkip(t *testing.T, tensorCores bool) *Backend {
	t.Helper()
	b, err := NewBackend(0)
	if err != nil {
		var e *Error
		if os.Getenv("SWARMDESK_CUDA_REQUIRE_GPU") != "1" && errors.As(err, &e) && (e.Kind == ErrNoDriver || e.Kind == ErrNoDevice) {
			t.Skipf("no CUDA device: %s", Explain(err))
		}
		t.Fatalf("open cuda:0: %v", err)
	}
	b.SetTensorCores(tensorCores)
	t.Cleanup(func() { b.Close() })
	return b
}

func TestParityOps(t *testing.T) {
	// fp32 everywhere: the CPU's tolerances.
	t.Run("fp32", func(t *testing.T) {
		conformance.Run(t, func(t *testing.T) backend.Backend { return openOrSkip(t, false) }, conformance.Options{})
	})
	// bf16 tensor cores round activations to bf16 in x·Wᵀ with bf16 weights.
	t.Run("tensor-cores", func(t *testing.T) {
		conformance.Run(t, func(t *testing.T) backend.Backend { return openOrSkip(t, true) }, conformance.Options{BF16GemmTol: 2e-2})
	})
}

func TestParityModel(t *testing.T) {
	conformance.RunModel(t, func(t *testing.T) backend.Backend { return openOrSkip(t, false) }, 1e-5)
	// A model on a device trains there (train.New), so the GRPO step is part of the parity.
	t.Run("GRPOStep", func(t *testing.T) {
		conformance.RunGRPOStep(t, func(t *testing.T) backend.Backend { return openOrSkip(t, false) })
	})
	// ...and by default with a bf16 tape.
	t.Run("BF16Tape", func(t *testing.T) {
		conformance.RunBF16Tape(t, func(t *testing.T) backend.Backend { return openOrSkip(t, false) }, true)
	})
}

// A decode step recorded twice with the same shapes replays its graph.
func TestGraphReplay(t *testing.T) {
	b := openOrSkip(t, true)
	x, _ := b.Alloc(backend.F32, 1<<12)
	y, _ := b.Alloc(backend.F32, 1<<12)
	for step := 0; step < 3; step++ {
		b.Begin()
		for i := 0; i < graphMinOps; i++ {
			b.Add(backend.Whole(y), backend.Whole(x), backend.Whole(y))
		}
		if err := b.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	if c, r := b.GraphStats(); c != 1 || r != 2 {
		t.Fatalf("captures %d, replays %d; want 1 and 2", c, r)
	}
}

// A bf16 KV cache (half the memory of batch-64 rollouts): keys and values
// rounded as the CPU rounds them, attention over them in float32.
func TestParityBF16KVCache(t *testing.T) {
	conformance.RunKVCacheDType(t, func(t *testing.T) backend.Backend { return openOrSkip(t, false) }, backend.BF16)
}

// The tiny model with its KV cache in bf16 on the device: prefill and
// decode logits against the CPU model's float32 cache within the bf16
// tolerance, and the cache at half the bytes.
func TestParityModelBF16KVCache(t *testing.T) {
	cpuM, devM := conformance.TinyModel(t, qwen2.F32), conformance.TinyModel(t, qwen2.F32)
	if err := devM.UseBackend(openOrSkip(t, false)); err != nil {
		t.Fatal(err)
	}
	if err := devM.SetKVCacheDType(backend.BF16); err != nil {
		t.Fatal(err)
	}
	V := cpuM.Config.VocabSize
	prompt := make([]int, 20)
	for i := range prompt {
		prompt[i] = (i*7919 + 13) % V
	}
	dc, err := devM.NewCache(len(prompt) + 8)
	if err != nil {
		t.Fatal(err)
	}
	cc, err := cpuM.NewCache(len(prompt) + 8)
	if err != nil {
		t.Fatal(err)
	}
	if dc.Bytes()*2 != cc.Bytes() {
		t.Fatalf("bf16 cache %d bytes, f32 cache %d", dc.Bytes(), cc.Bytes())
	}
	got, err := devM.PrefillAll(dc, prompt)
	if err != nil {
		t.Fatal(err)
	}
	got = append([]float32(nil), got...)
	want, err := cpuM.PrefillAll(cc, prompt)
	if err != nil {
		t.Fatal(err)
	}
	if d := conformance.MaxRel(got, conformance.F64(want)); d > 2e-2 {
		t.Fatalf("prefill over a bf16 KV cache: %.3g from the CPU", d)
	}
	tok := prompt[len(prompt)-1]
	for step := 0; step < 6; step++ {
		wl, err := cpuM.Decode([]*qwen2.KVCache{cc}, []int{tok})
		if err != nil {
			t.Fatal(err)
		}
		gl, err := devM.Decode([]*qwen2.KVCache{dc}, []int{tok})
		if err != nil {
			t.Fatal(err)
		}
		if d := conformance.MaxRel(gl, conformance.F64(wl)); d > 2e-2 {
			t.Fatalf("decode step %d over a bf16 KV cache: %.3g from the CPU", step, d)
		}
		tok = (tok*31 + 7) % V
	}
}
