package device

import (
	"fmt"
	"slices"

	"github.com/swarmdesk/swarmdesk/engine/backend"
)

// KVChoice is the element type of the model's KV caches on the device in
// use (config key engine.kv_cache) and why. A bf16 cache halves the memory
// of batch rollouts (attention still sums in fp32), so auto takes it on a
// GPU backend that offers it; the CPU keeps f32.
type KVChoice struct {
	Setting string        // engine.kv_cache as configured
	DType   backend.DType // what the caches hold: F32 or BF16
	// Reason says in a sentence what was chosen and why, for the log and
	// `swarmdesk doctor`.
	Reason string
	// Fallback is set when engine.kv_cache asked for a type the device in
	// use does not offer: what happened and what to do. The caches are f32
	// then and the node runs on (as it does on the CPU when the device asked
	// for cannot be used).
	Fallback string
}

// Short is the cache type as the dashboard's device line shows it.
func (k KVChoice) Short() string { return k.DType.String() + " KV cache" }

// ChooseKVCache decides the KV cache type for a model on dev, whose open
// backend is be: what it offers is asked through backend.KVCacheDTypes
// (be may be nil when no device is open: f32 only). The error is for a
// setting that is not auto, f32 or bf16.
func ChooseKVCache(setting string, dev backend.Device, be any) (KVChoice, error) {
	spec, err := backend.ParseKVSpec(setting)
	if err != nil {
		return KVChoice{Setting: setting}, fmt.Errorf("engine.kv_cache: %w", err)
	}
	ch := KVChoice{Setting: setting, DType: backend.F32}
	name := BackendName(dev.Backend)
	bf16 := offersKV(be, backend.BF16)
	switch {
	case spec.Auto && bf16 && dev.Backend != "cpu":
		ch.DType = backend.BF16
		ch.Reason = fmt.Sprintf("bf16 (engine.kv_cache = auto): the %s backend offers a bf16 KV cache, half the memory of f32 for batch rollouts; attention still sums in fp32", name)
	case spec.Auto && dev.Backend == "cpu":
		ch.Reason = "f32 (engine.kv_cache = auto): the CPU keeps the KV cache in f32; bf16 is used on a GPU backend that offers it"
	case spec.Auto:
		ch.Reason = fmt.Sprintf("f32 (engine.kv_cache = auto): the %s backend keeps the KV cache in f32 only", name)
	case spec.DType == backend.F32:
		ch.Reason = "f32 (engine.kv_cache = f32)"
	case bf16:
		ch.DType = backend.BF16
		ch.Reason = "bf16 (engine.kv_cache = bf16): half the memory of f32 for batch rollouts; attention still sums in fp32"
	default:
		ch.Reason = fmt.Sprintf("f32: engine.kv_cache is bf16, but the %s backend keeps the KV cache in f32 only", name)
		ch.Fallback = fmt.Sprintf("engine.kv_cache is bf16, but the %s backend keeps the KV cache in f32 only, so the KV caches are f32 (twice the memory); "+
			"set engine.kv_cache to auto or f32, or choose a GPU whose backend offers a bf16 cache (engine.device)", name)
	}
	return ch, nil
}

// offersKV reports whether be keeps KV caches as dt (F32: every backend).
func offersKV(be any, dt backend.DType) bool {
	if dt == backend.F32 {
		return true
	}
	k, ok := be.(backend.KVCacheDTypes)
	return ok && slices.Contains(k.KVDTypes(), dt)
}

// backendNames are the engine's backends as the user reads them.
var backendNames = map[string]string{"cpu": "CPU", "vulkan": "Vulkan", "cuda": "CUDA", "metal": "Metal"}

// BackendName is an engine backend's name as the window and the messages
// show it ("vulkan" → "Vulkan"); an unknown one as it is.
func BackendName(b string) string {
	if n, ok := backendNames[b]; ok {
		return n
	}
	return b
}
