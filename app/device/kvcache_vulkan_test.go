package device

import (
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/conformance"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/train"
)

// On a real Vulkan device (Mesa lavapipe on CI), chosen through the real
// registry the way the app chooses: engine.kv_cache = auto gives a bf16 KV
// cache where the Vulkan backend offers one, its caches are half the bytes
// and the model's prefill and decode logits stay within bf16 tolerance of
// the CPU's f32 cache. Where the backend keeps f32 only (before the bf16
// cache reached the Vulkan backend), auto says so, an explicit bf16 is said
// in a sentence, and the test then skips. Without any Vulkan device it
// skips, saying why.
func TestVulkanKVCache(t *testing.T) {
	t.Setenv("SWARMDESK_VULKAN_SOFTWARE", "1") // offer lavapipe, as the tests of engine/vulkan do
	rollouts := train.Shape{Answers: 2, SeqLen: 64}
	m := tinyModel(t)
	ch, err := Use(m, "vulkan", "auto", rollouts)
	if err != nil || ch.Device.Backend != "vulkan" {
		t.Skipf("no usable Vulkan device: %v %s", err, ch.Fallback)
	}
	defer m.Backend().Close()
	t.Logf("on %s: %s", ch.Device, ch.KV.Reason)
	if ch.KV.DType != backend.BF16 {
		if ch.KV.DType != backend.F32 || !strings.Contains(ch.KV.Reason, "the Vulkan backend keeps the KV cache in f32 only") || ch.KV.Fallback != "" {
			t.Fatalf("engine.kv_cache = auto on Vulkan: %v, %q, fallback %q; want f32 saying the backend keeps f32 only", ch.KV.DType, ch.KV.Reason, ch.KV.Fallback)
		}
		m2 := tinyModel(t)
		ch2, err := Use(m2, "vulkan", "bf16", rollouts)
		if err != nil || ch2.Device.Backend != "vulkan" {
			t.Fatalf("engine.kv_cache = bf16 on Vulkan: %v %s", err, ch2.Fallback)
		}
		_ = m2.Backend().Close()
		if ch2.KV.DType != backend.F32 || !strings.Contains(ch2.KV.Fallback, "engine.kv_cache is bf16, but the Vulkan backend keeps the KV cache in f32 only") {
			t.Fatalf("engine.kv_cache = bf16 on Vulkan without it: %v, fallback %q", ch2.KV.DType, ch2.KV.Fallback)
		}
		t.Skip("this Vulkan backend does not offer a bf16 KV cache (backend.KVCacheDTypes); auto keeps f32 and an explicit bf16 says so")
	}

	cpuM := tinyModel(t)
	const positions = 24
	dc, err := m.NewCache(positions)
	if err != nil {
		t.Fatal(err)
	}
	cc, err := cpuM.NewCache(positions)
	if err != nil {
		t.Fatal(err)
	}
	if dc.Bytes()*2 != cc.Bytes() {
		t.Fatalf("the bf16 cache holds %d bytes, want half the f32 cache's %d", dc.Bytes(), cc.Bytes())
	}
	V := m.Config.VocabSize
	prompt := make([]int, 16)
	for i := range prompt {
		prompt[i] = (i*7919 + 13) % V
	}
	const tol = 1e-2 // bf16 keys and values, fp32 sums (lavapipe: about 3e-3)
	got, err := m.Prefill(dc, prompt)
	if err != nil {
		t.Fatal(err)
	}
	got = append([]float32(nil), got...)
	want, err := cpuM.Prefill(cc, prompt)
	if err != nil {
		t.Fatal(err)
	}
	if d := conformance.MaxRel(got, conformance.F64(want)); d > tol {
		t.Fatalf("prefill with a bf16 KV cache on %s: %.3g from the CPU's f32 cache", ch.Device.Name, d)
	}
	tok := prompt[len(prompt)-1]
	for step := range 4 {
		wl, err := cpuM.Decode([]*qwen2.KVCache{cc}, []int{tok})
		if err != nil {
			t.Fatal(err)
		}
		gl, err := m.Decode([]*qwen2.KVCache{dc}, []int{tok})
		if err != nil {
			t.Fatal(err)
		}
		if d := conformance.MaxRel(gl, conformance.F64(wl)); d > tol {
			t.Fatalf("decode step %d with a bf16 KV cache: %.3g from the CPU's f32 cache", step, d)
		}
		tok = (tok*31 + 7) % V
	}
}
