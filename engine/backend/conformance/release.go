package conformance

import (
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
)

// RunCachesReleased checks that rollouts and scoring give their KV caches'
// device memory back: a GPU frees a buffer only when told (there is no
// garbage collector for device memory), so a node that rolls out every
// round would otherwise grow by a round's caches each time until the
// device runs out. Memory in use after Generate and ScoreContinuation
// must be what it was before, for each KV cache type the backend offers.
func RunCachesReleased(t *testing.T, open func(t *testing.T) backend.Backend) {
	m := TinyModel(t, qwen2.F32)
	be := open(t)
	if err := m.UseBackend(be); err != nil {
		t.Fatal(err)
	}
	dts := []backend.DType{backend.F32}
	if k, ok := be.(backend.KVCacheDTypes); ok {
		dts = k.KVDTypes()
	}
	prompt := testPrompt(m.Config.VocabSize)
	for _, dt := range dts {
		if err := m.SetKVCacheDType(dt); err != nil {
			t.Fatal(err)
		}
		var before int64
		for round := range 4 {
			if round == 1 {
				// Round 0 warmed what the backend keeps for reuse
				// (scratch, staging), which is not what this counts.
				before = be.Memory().InUse
			}
			_, st, err := m.Generate(prompt, qwen2.GenerateOptions{N: 3, MaxNew: 6, Temperature: 1, Seed: uint64(round)})
			if err != nil {
				t.Fatal(err)
			}
			if st.KVCacheBytes == 0 {
				t.Fatal("a rollout reports no KV cache")
			}
			if _, err := m.ScoreContinuation(prompt, []int{1, 2, 3, 4}); err != nil {
				t.Fatal(err)
			}
			if got := be.Memory().InUse; round > 0 && got != before {
				t.Fatalf("%v KV cache, round %d: %d bytes in use after a rollout and a score, %d before (%+d)", dt, round, got, before, got-before)
			}
		}
	}
}
