package cuda

import (
	"errors"
	"os"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/conformance"
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

// The tiny model with its KV cache in bf16 on the device, the check every
// GPU backend runs (conformance.RunModelKVCache).
func TestParityModelBF16KVCache(t *testing.T) {
	conformance.RunModelKVCache(t, func(t *testing.T) backend.Backend { return openOrSkip(t, false) }, backend.BF16)
}

// Rollouts and scoring give their KV caches' device memory back.
func TestParityCachesReleased(t *testing.T) {
	conformance.RunCachesReleased(t, func(t *testing.T) backend.Backend { return openOrSkip(t, false) })
}
