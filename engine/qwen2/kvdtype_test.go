package qwen2_test

import (
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/conformance"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
)

// The CPU backend keeps its KV cache in float32: asking for bf16 there is
// refused with a sentence naming the backend, and caches stay F32-sized.
// (A bf16 cache on CUDA is checked by engine/cuda's parity tests.)
func TestKVCacheDTypeOnCPU(t *testing.T) {
	m := conformance.TinyModel(t, qwen2.F32)
	err := m.SetKVCacheDType(backend.BF16)
	if err == nil || !strings.Contains(err.Error(), "cpu backend keeps the KV cache in f32") {
		t.Fatalf("bf16 KV cache on the CPU: error %v, want a refusal naming the backend", err)
	}
	if err := m.SetKVCacheDType(backend.F32); err != nil {
		t.Fatal(err)
	}
	c, err := m.NewCache(10)
	if err != nil {
		t.Fatal(err)
	}
	if want := 2 * m.Config.NumHiddenLayers * 10 * m.Config.KVDim() * 4; c.Bytes() != want {
		t.Errorf("cache of 10 positions: %d bytes, want %d", c.Bytes(), want)
	}
}
