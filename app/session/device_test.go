package session

import (
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/app/device"
	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/train"
)

// useDevice applies engine.kv_cache with engine.device, and Device shows
// the outcome: the KV cache type on the device line, and an explicit bf16
// the device in use cannot keep as a note (the node runs on with f32).
func TestUseDeviceKVCache(t *testing.T) {
	for _, tc := range []struct {
		kv       string
		note     string // part of Device().Note ("" = none)
		logs     string
		noteless bool
	}{
		{kv: "auto", logs: "msg=\"KV cache\"", noteless: true},
		{kv: "bf16", note: "engine.kv_cache is bf16, but the CPU backend keeps the KV cache in f32 only", logs: "KV cache: using f32"},
	} {
		t.Run(tc.kv, func(t *testing.T) {
			m := newMachine(t)
			m.vars["SWARMDESK_ENGINE_DEVICE"] = "cpu"
			m.vars["SWARMDESK_ENGINE_KV_CACHE"] = tc.kv
			s := m.session(t)
			model, err := qwen2.Load(tinyModel(t), qwen2.LoadOptions{WeightDType: qwen2.F32})
			if err != nil {
				t.Fatal(err)
			}
			s.useDevice(model, train.Shape{Answers: 2, SeqLen: 32})
			d := s.Device()
			if d.Kind != "CPU" || d.KVCache != "f32 KV cache" {
				t.Errorf("device %q with %q, want the CPU with an f32 KV cache", d.Kind, d.KVCache)
			}
			if tc.noteless && d.Note != "" || !strings.Contains(d.Note, tc.note) {
				t.Errorf("note %q, want one containing %q", d.Note, tc.note)
			}
			if ls := strings.Join(s.Logs(), "\n"); !strings.Contains(ls, tc.logs) {
				t.Errorf("logs lack %q:\n%s", tc.logs, ls)
			}
		})
	}
}

// Device's line for a device choice: the backend's name, the KV cache
// type, and a line each for why the device or the cache type is not the
// one asked for.
func TestDeviceLine(t *testing.T) {
	gpu := backend.Device{Backend: "cuda", Name: "Test H100", Memory: 80 << 30}
	cpuDev := backend.Device{Backend: "cpu", Name: "CPU"}
	for _, tc := range []struct {
		name     string
		ch       *device.Choice
		kind, kv string
		note     string
	}{
		{name: "no model yet", kind: "CPU"},
		{name: "a gpu with bf16", ch: &device.Choice{Choice: backend.Choice{Device: gpu}, KV: device.KVChoice{DType: backend.BF16}},
			kind: "CUDA", kv: "bf16 KV cache"},
		{name: "a gpu without the bf16 asked for", ch: &device.Choice{Choice: backend.Choice{Device: gpu}, KV: device.KVChoice{DType: backend.F32, Fallback: "kv why"}},
			kind: "CUDA", kv: "f32 KV cache", note: "kv why"},
		{name: "the cpu instead of the gpu, and f32", ch: &device.Choice{Choice: backend.Choice{Device: cpuDev, Fallback: "device why"}, KV: device.KVChoice{DType: backend.F32, Fallback: "kv why"}},
			kind: "CPU", kv: "f32 KV cache", note: "device why\nkv why"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newMachine(t).session(t)
			s.mu.Lock()
			s.dev = tc.ch
			s.mu.Unlock()
			d := s.Device()
			if d.Kind != tc.kind || d.KVCache != tc.kv || d.Note != tc.note {
				t.Errorf("device %q, KV %q, note %q; want %q, %q, %q", d.Kind, d.KVCache, d.Note, tc.kind, tc.kv, tc.note)
			}
		})
	}
}
