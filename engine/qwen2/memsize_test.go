package qwen2_test

import (
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/conformance"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
)

// KVBytesPerToken is what a planner counts per position of a KV cache: it
// must match what NewCache really allocates for an f32 cache (the CPU
// backend's), and a bf16 cache is exactly half of it.
func TestKVBytesPerTokenMatchesCache(t *testing.T) {
	m := conformance.TinyModel(t, qwen2.F32)
	const positions = 10
	c, err := m.NewCache(positions)
	if err != nil {
		t.Fatal(err)
	}
	f32 := qwen2.KVBytesPerToken(m.Config, backend.F32)
	if got := int64(c.Bytes()); got != positions*f32 {
		t.Errorf("f32 cache of %d positions holds %d bytes, KVBytesPerToken says %d each (%d)", positions, got, f32, positions*f32)
	}
	for _, tc := range []struct {
		dt   backend.DType
		want int64
	}{
		{backend.F32, f32},
		{backend.BF16, f32 / 2},
		{backend.F16, f32 / 2},
	} {
		if got := qwen2.KVBytesPerToken(m.Config, tc.dt); got != tc.want {
			t.Errorf("KVBytesPerToken(%v) = %d, want %d", tc.dt, got, tc.want)
		}
	}
}
