package vulkan

import (
	"errors"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/conformance"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
)

// openBackend opens the Vulkan backend for one test (skipping without
// Vulkan) and closes it at the test's end.
func openBackend(t *testing.T) backend.Backend {
	t.Helper()
	device(t) // skips without Vulkan
	vb, err := NewBackend(Options{Index: -1, AllowCPU: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { vb.Close() })
	return vb
}

// The parity suite every device backend runs (engine/backend/conformance):
// every backend.Backend op against the CPU backend, and a whole tiny Qwen2
// (prefill and decode logits against the CPU and the float64 reference,
// sampled rollouts against the CPU). Training on the device has its own,
// stricter tests in train_test.go.
func TestBackendConformance(t *testing.T) {
	conformance.Run(t, openBackend, conformance.Options{})
}

func TestModelOnVulkanMatchesCPUAndReference(t *testing.T) {
	conformance.RunModel(t, openBackend, 1e-5)
}

// A bf16 KV cache (half the memory of batch rollouts): kv_append rounds as
// the CPU rounds, attention (flash prefill and the GEMM path) reads it
// widened and sums in float32; then the whole tiny model over such a cache.
func TestBF16KVCache(t *testing.T) {
	conformance.RunKVCacheDType(t, openBackend, backend.BF16)
}

func TestModelBF16KVCache(t *testing.T) {
	conformance.RunModelKVCache(t, openBackend, backend.BF16)
}

// Rollouts and scoring give their KV caches' device memory back.
func TestCachesReleased(t *testing.T) {
	conformance.RunCachesReleased(t, openBackend)
}

// A KV run whose keys and values differ in type (or have a type no kernel
// reads) is refused with an error that says so, not read as the wrong type.
func TestKVCacheRunTypesMustMatch(t *testing.T) {
	a := backend.Attn{Heads: 2, KVHeads: 1, HeadDim: 16}
	for _, c := range []struct{ k, v backend.DType }{{backend.F32, backend.BF16}, {backend.F16, backend.F16}} {
		be := openBackend(t)
		alloc := func(dt backend.DType, n int) backend.View {
			buf, err := be.Alloc(dt, n)
			if err != nil {
				t.Fatal(err)
			}
			return backend.Whole(buf)
		}
		run := backend.KVRun{K: alloc(c.k, 4*a.KVDim()), V: alloc(c.v, 4*a.KVDim()), Cap: 4, N: 1}
		be.KVAppend(run, alloc(backend.F32, a.QDim()+2*a.KVDim()), []int{0}, 0, a)
		if err := be.Flush(); err == nil || !strings.Contains(err.Error(), "keys and values alike") {
			t.Errorf("k %v, v %v: %v, want a refusal", c.k, c.v, err)
		}
	}
}

func TestBackendRegistryProbe(t *testing.T) {
	device(t)
	t.Setenv("SWARMDESK_VULKAN_SOFTWARE", "")
	devs, err := ProbeDevices()
	for _, d := range devs {
		if d.Kind == backend.KindSoftware {
			t.Fatalf("software device offered without SWARMDESK_VULKAN_SOFTWARE=1: %v", d)
		}
	}
	if len(devs) == 0 && (err == nil || !strings.Contains(err.Error(), "software")) {
		t.Fatalf("no hardware device and no explanation: %v", err)
	}
	t.Setenv("SWARMDESK_VULKAN_SOFTWARE", "1")
	devs, err = ProbeDevices()
	if err != nil || len(devs) == 0 {
		t.Fatalf("with software devices allowed: %v, %v", devs, err)
	}
	for _, d := range devs {
		if d.Backend != "vulkan" || d.Name == "" || d.Driver == "" || d.Memory <= 0 {
			t.Errorf("incomplete device: %+v", d)
		}
	}
	var e *Error
	if _, err := NewBackend(Options{Index: 99}); !errors.As(err, &e) || e.Kind != ErrNoDevice {
		t.Fatalf("vulkan:99: %v", err)
	}
}

// A decode step — the forward pass of every row, then sampling on the
// device — is one queue submission, never one per op: the shared op layer
// records the whole step into one Batch, small host inputs (token ids,
// positions, RoPE tables, uniforms) included.
func TestDecodeStepIsOneSubmission(t *testing.T) {
	be := openBackend(t).(*VKBackend)
	m := conformance.TinyModel(t, qwen2.F32)
	if err := m.UseBackend(be); err != nil {
		t.Fatal(err)
	}
	submits := func(maxNew int) int {
		s0 := be.d.submits
		opt := qwen2.GenerateOptions{N: 2, MaxNew: maxNew, Temperature: 1, TopK: 20, Seed: 3, StopIDs: []int{}}
		if _, _, err := m.Generate([]int{5, 9, 2, 7}, opt); err != nil {
			t.Fatal(err)
		}
		return be.d.submits - s0
	}
	submits(4) // warm up: weights uploaded, pipelines and scratch made
	short, long := submits(4), submits(12)
	if per := float64(long-short) / 8; per != 1 {
		t.Fatalf("%d submissions for 4 new tokens, %d for 12: %.2f per decode step, want 1", short, long, per)
	}
}
