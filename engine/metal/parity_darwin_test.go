//go:build darwin

package metal

import (
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/conformance"
)

// The parity suite every device backend runs (engine/backend/conformance):
// every op forward and backward against the CPU backend, a tiny model's
// prefill and decode logits against the CPU and the float64 reference,
// sampled rollouts, a GRPO step, and a bf16 KV cache (its ops, then the
// whole model over it).
func TestParitySuiteOnMetal(t *testing.T) {
	open := func(t *testing.T) backend.Backend {
		d := device(t)
		d.Close() // device() opened one to check; the backend opens its own
		be, err := NewBackend()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { be.Close() })
		return be
	}
	conformance.Run(t, open, conformance.Options{})
	t.Run("Model", func(t *testing.T) { conformance.RunModel(t, open, 1e-5) })
	t.Run("GRPOStep", func(t *testing.T) { conformance.RunGRPOStep(t, open) })
	t.Run("BF16Tape", func(t *testing.T) { conformance.RunBF16Tape(t, open, false) }) // Metal counts page-rounded buffers
	// A bf16 KV cache: the ops over it, then the whole model.
	t.Run("BF16KVCache", func(t *testing.T) { conformance.RunKVCacheDType(t, open, backend.BF16) })
	t.Run("ModelBF16KVCache", func(t *testing.T) { conformance.RunModelKVCache(t, open, backend.BF16) })
	t.Run("CachesReleased", func(t *testing.T) { conformance.RunCachesReleased(t, open) })
}

func TestBackendRegistryProbe(t *testing.T) {
	device(t)
	devs, err := ProbeDevices()
	if err != nil || len(devs) != 1 {
		t.Fatalf("probe: %v, %v", devs, err)
	}
	d := devs[0]
	if d.Backend != "metal" || d.Name == "" || d.Driver == "" || d.Memory <= 0 {
		t.Errorf("incomplete device: %+v", d)
	}
	t.Logf("%v", d)
}
