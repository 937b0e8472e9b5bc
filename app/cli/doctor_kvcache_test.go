package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/app/config"
	"github.com/swarmdesk/swarmdesk/app/device"
	"github.com/swarmdesk/swarmdesk/app/env"
	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/host"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
)

// bf16GPU is the CPU backend posing as a GPU whose KV caches may be bf16.
type bf16GPU struct{ *host.Backend }

func (bf16GPU) KVDTypes() []backend.DType { return []backend.DType{backend.F32, backend.BF16} }

func TestDoctorKVCache(t *testing.T) {
	saved := device.Registry
	defer func() { device.Registry = saved }()
	for _, tc := range []struct {
		name, device, kv string
		want             []string
		not              string
	}{
		{name: "auto on a gpu with bf16", device: "auto", kv: "auto",
			want: []string{"type      bf16 on vulkan:0 Test GPU (engine.kv_cache = auto)", "why       bf16 (engine.kv_cache = auto): the Vulkan backend offers a bf16 KV cache"},
			not:  "note"},
		{name: "f32 asked for on a gpu with bf16", device: "vulkan", kv: "f32",
			want: []string{"type      f32 on vulkan:0 Test GPU (engine.kv_cache = f32)"}, not: "note"},
		{name: "bf16 asked for on the cpu", device: "cpu", kv: "bf16",
			want: []string{"type      f32 on cpu:0", "note      engine.kv_cache is bf16, but the CPU backend keeps the KV cache in f32 only, so the KV caches are f32 (twice the memory); set engine.kv_cache to auto or f32"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			device.Registry = &backend.Registry{}
			device.Registry.Register("cpu", host.Probe, func(backend.Device) (backend.Backend, error) { return host.New(), nil })
			device.Registry.Register("vulkan", func() ([]backend.Device, error) {
				return []backend.Device{{Name: "Test GPU", Kind: backend.KindDiscrete, Memory: 8 << 30}}, nil
			}, func(backend.Device) (backend.Backend, error) { return bf16GPU{host.New()}, nil })
			e := &env.Setup{Config: config.Default()}
			e.Config.Engine.Device, e.Config.Engine.KVCache = tc.device, tc.kv
			var out bytes.Buffer
			if err := reportKVCache(e, &out); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("doctor lacks %q:\n%s", w, out.String())
				}
			}
			if tc.not != "" && strings.Contains(out.String(), tc.not) {
				t.Errorf("doctor says %q where it should not:\n%s", tc.not, out.String())
			}
		})
	}
}

// Qwen2.5-0.5B: 24 layers, 2 KV heads of 64: 24 KiB a token in f32, 12 in bf16.
func TestKVPlanLine(t *testing.T) {
	c := qwen2.Config{NumHiddenLayers: 24, NumKeyValueHeads: 2, HeadDim: 64}
	for _, tc := range []struct {
		dt   backend.DType
		want string
	}{
		{backend.BF16, "counts bf16 KV caches: 12.0 KiB per token of each answer (f32 would take 24.0 KiB)"},
		{backend.F32, "counts f32 KV caches: 24.0 KiB per token of each answer (bf16 would take 12.0 KiB)"},
	} {
		if got := kvPlanLine(c, tc.dt); !strings.Contains(got, tc.want) {
			t.Errorf("kvPlanLine(%v) = %q, want %q", tc.dt, got, tc.want)
		}
	}
}
