package device

import (
	"errors"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/host"
	"github.com/swarmdesk/swarmdesk/engine/train"
)

// kvTypes is a backend as ChooseKVCache sees it: only what it offers.
type kvTypes []backend.DType

func (k kvTypes) KVDTypes() []backend.DType { return k }

func TestChooseKVCache(t *testing.T) {
	cpu := backend.Device{Backend: "cpu", Name: "CPU"}
	vk := backend.Device{Backend: "vulkan", Name: "Test GPU"}
	cuda := backend.Device{Backend: "cuda", Name: "Test H100"}
	withBF16 := kvTypes{backend.F32, backend.BF16}
	for _, tc := range []struct {
		name     string
		setting  string
		dev      backend.Device
		be       any
		want     backend.DType
		reason   string // part of Reason
		fallback string // part of Fallback ("" = none)
		bad      bool
	}{
		{name: "auto on the cpu", setting: "auto", dev: cpu, be: host.New(), want: backend.F32, reason: "the CPU keeps the KV cache in f32"},
		{name: "auto with no device open", setting: "auto", dev: cpu, be: nil, want: backend.F32, reason: "f32 (engine.kv_cache = auto)"},
		{name: "auto on a gpu with bf16", setting: "auto", dev: cuda, be: withBF16, want: backend.BF16, reason: "the CUDA backend offers a bf16 KV cache"},
		{name: "auto on a gpu without bf16", setting: "auto", dev: vk, be: kvTypes{backend.F32}, want: backend.F32, reason: "the Vulkan backend keeps the KV cache in f32 only"},
		{name: "auto on a gpu that says nothing", setting: "auto", dev: vk, be: struct{}{}, want: backend.F32, reason: "the Vulkan backend keeps the KV cache in f32 only"},
		{name: "auto: a cpu backend offering bf16 keeps f32", setting: "auto", dev: cpu, be: withBF16, want: backend.F32, reason: "bf16 is used on a GPU"},
		{name: "f32 on a gpu with bf16", setting: "f32", dev: cuda, be: withBF16, want: backend.F32, reason: "engine.kv_cache = f32"},
		{name: "bf16 on a gpu with bf16", setting: "bf16", dev: cuda, be: withBF16, want: backend.BF16, reason: "engine.kv_cache = bf16"},
		{name: "bf16 on the cpu", setting: "bf16", dev: cpu, be: host.New(), want: backend.F32, reason: "the CPU backend keeps the KV cache in f32 only",
			fallback: "engine.kv_cache is bf16, but the CPU backend keeps the KV cache in f32 only, so the KV caches are f32 (twice the memory); set engine.kv_cache to auto or f32"},
		{name: "bf16 on a gpu without bf16", setting: "bf16", dev: vk, be: kvTypes{backend.F32}, want: backend.F32, reason: "f32 only",
			fallback: "the Vulkan backend keeps the KV cache in f32 only"},
		{name: "a bad setting", setting: "f16", dev: cuda, be: withBF16, bad: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch, err := ChooseKVCache(tc.setting, tc.dev, tc.be)
			if tc.bad {
				if !errors.Is(err, backend.ErrBadKVSpec) || !strings.Contains(err.Error(), "engine.kv_cache") {
					t.Fatalf("setting %q: %v, want an error naming engine.kv_cache", tc.setting, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ch.DType != tc.want || !strings.Contains(ch.Reason, tc.reason) {
				t.Errorf("chose %v (%q), want %v saying %q", ch.DType, ch.Reason, tc.want, tc.reason)
			}
			if tc.fallback == "" && ch.Fallback != "" || !strings.Contains(ch.Fallback, tc.fallback) {
				t.Errorf("fallback %q, want one containing %q", ch.Fallback, tc.fallback)
			}
			if ch.Setting != tc.setting || ch.Short() != tc.want.String()+" KV cache" {
				t.Errorf("setting %q short %q", ch.Setting, ch.Short())
			}
		})
	}
}

// kvGPU is the CPU backend posing as a GPU that keeps KV caches in bf16:
// enough for Use to choose and apply the type (the host kernels do not
// read bf16 caches, so the model is not run on it).
type kvGPU struct {
	gpu
	kvTypes
}

// testRegistry has the CPU and one Vulkan device whose backend open returns.
func testRegistry(t *testing.T, free int64, open func() (backend.Backend, error)) {
	t.Helper()
	saved := Registry
	t.Cleanup(func() { Registry = saved })
	Registry = &backend.Registry{}
	Registry.Register("cpu", host.Probe, func(backend.Device) (backend.Backend, error) { return host.New(), nil })
	Registry.Register("vulkan", func() ([]backend.Device, error) {
		return []backend.Device{{Name: "Test GPU", Kind: backend.KindDiscrete, Memory: free}}, nil
	}, func(backend.Device) (backend.Backend, error) { return open() })
}

// Use applies engine.kv_cache: the model's caches have the chosen type, an
// explicit bf16 the device in use does not offer is said in a sentence and
// the model runs on with f32 caches, and a bad setting is an error.
func TestUseKVCache(t *testing.T) {
	for _, tc := range []struct {
		name     string
		device   string
		kv       string
		offers   bool // the GPU offers a bf16 cache
		backend  string
		want     backend.DType
		fallback string
	}{
		{name: "cpu auto", device: "cpu", kv: "auto", backend: "cpu", want: backend.F32},
		{name: "cpu f32", device: "cpu", kv: "f32", backend: "cpu", want: backend.F32},
		{name: "cpu bf16", device: "cpu", kv: "bf16", backend: "cpu", want: backend.F32,
			fallback: "engine.kv_cache is bf16, but the CPU backend keeps the KV cache in f32 only"},
		{name: "gpu auto with bf16", device: "vulkan", kv: "auto", offers: true, backend: "vulkan", want: backend.BF16},
		{name: "gpu bf16 with bf16", device: "vulkan", kv: "bf16", offers: true, backend: "vulkan", want: backend.BF16},
		{name: "gpu f32 with bf16", device: "vulkan", kv: "f32", offers: true, backend: "vulkan", want: backend.F32},
		{name: "gpu auto without bf16", device: "vulkan", kv: "auto", backend: "vulkan", want: backend.F32},
		{name: "gpu bf16 without bf16", device: "vulkan", kv: "bf16", backend: "vulkan", want: backend.F32,
			fallback: "the Vulkan backend keeps the KV cache in f32 only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			testRegistry(t, 1<<30, func() (backend.Backend, error) {
				g := gpu{Backend: host.New(), free: 1 << 30}
				if tc.offers {
					return kvGPU{gpu: g, kvTypes: kvTypes{backend.F32, backend.BF16}}, nil
				}
				return g, nil
			})
			m := tinyModel(t)
			ch, err := Use(m, tc.device, tc.kv, train.Shape{Answers: 2, SeqLen: 32})
			if err != nil {
				t.Fatal(err)
			}
			if ch.Device.Backend != tc.backend || ch.Fallback != "" {
				t.Fatalf("on %s (%q), want %s", ch.Device.Backend, ch.Fallback, tc.backend)
			}
			if ch.KV.DType != tc.want || ch.KV.Setting != tc.kv {
				t.Errorf("KV cache %v for engine.kv_cache = %q (%s), want %v", ch.KV.DType, ch.KV.Setting, ch.KV.Reason, tc.want)
			}
			if tc.fallback == "" && ch.KV.Fallback != "" || !strings.Contains(ch.KV.Fallback, tc.fallback) {
				t.Errorf("KV fallback %q, want one containing %q", ch.KV.Fallback, tc.fallback)
			}
			// The model's caches really have the chosen type: bf16 ones are half the bytes.
			c, err := m.NewCache(4)
			if err != nil {
				t.Fatal(err)
			}
			f32 := 2 * m.Config.NumHiddenLayers * 4 * m.Config.KVDim() * 4
			if want := f32 * tc.want.Size() / 4; c.Bytes() != want {
				t.Errorf("a cache of 4 positions holds %d bytes, want %d (%v)", c.Bytes(), want, tc.want)
			}
			if tc.want == backend.F32 { // the model runs on
				if _, err := m.Prefill(c, []int{1, 2, 3}); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
	t.Run("a bad setting", func(t *testing.T) {
		testRegistry(t, 1<<30, func() (backend.Backend, error) { return gpu{Backend: host.New(), free: 1 << 30}, nil })
		m := tinyModel(t)
		if _, err := Use(m, "vulkan", "fp8", train.Shape{}); !errors.Is(err, backend.ErrBadKVSpec) || !strings.Contains(err.Error(), "engine.kv_cache") {
			t.Fatalf("engine.kv_cache = fp8: %v, want an error naming the key", err)
		}
		if _, onGPU := m.Backend().(gpu); onGPU {
			t.Fatal("a bad engine.kv_cache moved the model to the device")
		}
	})
}

// The device plan counts the KV cache type the device will hold: a GPU
// with room for the answers' bf16 caches but not their f32 ones keeps the
// model with a bf16 cache (auto) and sends it to the CPU with f32 (saying
// which type it counted).
func TestUsePlansTheKVCacheType(t *testing.T) {
	m := tinyModel(t)
	rollouts := train.Shape{Answers: 64, SeqLen: 512}
	f32, bf16 := rollouts, rollouts
	bf16.KVCache = backend.BF16
	needF32, needBF16 := DeviceNeed(m, f32), DeviceNeed(m, bf16)
	kv := int64(64*512) * int64(2*m.Config.NumHiddenLayers*m.Config.KVDim()) * 4
	if needF32-needBF16 != kv/2 {
		t.Fatalf("bf16 caches plan %d bytes less than f32, want exactly half the KV bytes (%d)", needF32-needBF16, kv/2)
	}
	free := needBF16 + 1
	for _, tc := range []struct {
		kv       string
		backend  string
		want     backend.DType
		fallback string
	}{
		{kv: "auto", backend: "vulkan", want: backend.BF16},
		{kv: "bf16", backend: "vulkan", want: backend.BF16},
		{kv: "f32", backend: "cpu", want: backend.F32, fallback: "with f32 KV caches"},
	} {
		t.Run(tc.kv, func(t *testing.T) {
			testRegistry(t, free, func() (backend.Backend, error) {
				return kvGPU{gpu: gpu{Backend: host.New(), free: free}, kvTypes: kvTypes{backend.F32, backend.BF16}}, nil
			})
			ch, err := Use(tinyModel(t), "vulkan", tc.kv, rollouts)
			if err != nil {
				t.Fatal(err)
			}
			if ch.Device.Backend != tc.backend || ch.KV.DType != tc.want {
				t.Errorf("%d bytes free, engine.kv_cache = %s: on %s with %v (%q), want %s with %v", free, tc.kv, ch.Device.Backend, ch.KV.DType, ch.Fallback, tc.backend, tc.want)
			}
			if tc.fallback == "" && ch.Fallback != "" || !strings.Contains(ch.Fallback, tc.fallback) {
				t.Errorf("fallback %q, want one containing %q", ch.Fallback, tc.fallback)
			}
		})
	}
}

// Describe (for `swarmdesk doctor`) says which KV cache type the chosen
// device would get without moving a model, and why when the device does
// not open.
func TestDescribe(t *testing.T) {
	for _, tc := range []struct {
		name, device, kv string
		open             func() (backend.Backend, error)
		backend          string
		want             backend.DType
		reason, fallback string
	}{
		{name: "gpu with bf16", device: "auto", kv: "auto", backend: "vulkan", want: backend.BF16, reason: "offers a bf16 KV cache",
			open: func() (backend.Backend, error) {
				return kvGPU{gpu: gpu{Backend: host.New()}, kvTypes: kvTypes{backend.F32, backend.BF16}}, nil
			}},
		{name: "gpu without bf16", device: "auto", kv: "bf16", backend: "vulkan", want: backend.F32, reason: "f32 only",
			open: func() (backend.Backend, error) { return gpu{Backend: host.New()}, nil }},
		{name: "cpu", device: "cpu", kv: "auto", backend: "cpu", want: backend.F32, reason: "the CPU keeps the KV cache in f32",
			open: func() (backend.Backend, error) {
				t.Error("the GPU was opened for engine.device = cpu")
				return nil, errors.New("not to be opened")
			}},
		{name: "gpu does not open", device: "vulkan", kv: "auto", backend: "cpu", want: backend.F32, reason: "the CPU keeps", fallback: "device lost",
			open: func() (backend.Backend, error) { return nil, errors.New("device lost") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			testRegistry(t, 1<<30, tc.open)
			ch, err := Describe(tc.device, tc.kv)
			if err != nil {
				t.Fatal(err)
			}
			if ch.Device.Backend != tc.backend || ch.KV.DType != tc.want || !strings.Contains(ch.KV.Reason, tc.reason) {
				t.Errorf("on %s with %v (%q), want %s with %v saying %q", ch.Device.Backend, ch.KV.DType, ch.KV.Reason, tc.backend, tc.want, tc.reason)
			}
			if tc.fallback == "" && ch.Fallback != "" || !strings.Contains(ch.Fallback, tc.fallback) {
				t.Errorf("fallback %q, want one containing %q", ch.Fallback, tc.fallback)
			}
		})
	}
}
