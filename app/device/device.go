// Package device puts the engine on the compute device the user chose
// (config key engine.device): it asks the engine's backend registry, moves
// the model there, and when the chosen device cannot be used (none found,
// the weights do not fit its memory, the copy fails) keeps the model on the
// CPU and says why in a sentence for the log and the window. The node, the
// desktop session and the CLI all go through here, so they choose alike.
package device

import (
	"fmt"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	_ "github.com/swarmdesk/swarmdesk/engine/cuda"  // registers the CUDA backend
	_ "github.com/swarmdesk/swarmdesk/engine/metal" // registers the Metal backend (macOS)
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/train"
	_ "github.com/swarmdesk/swarmdesk/engine/vulkan" // registers the Vulkan backend
)

// Registry is the backend registry Choose and Use consult (tests swap it).
var Registry = backend.Default

// Choice is the device in use and, when it is not the one asked for, why;
// and the KV cache type the model keeps there.
type Choice struct {
	backend.Choice
	Setting string   // engine.device as configured
	KV      KVChoice // engine.kv_cache's outcome on the device in use (Use and Describe)
}

// Choose resolves an engine.device setting without opening anything.
func Choose(setting string) (Choice, error) {
	spec, err := backend.ParseSpec(setting)
	if err != nil {
		return Choice{Setting: setting}, fmt.Errorf("engine.device: %w", err)
	}
	ch, err := Registry.Select(spec)
	return Choice{Choice: ch, Setting: setting}, err
}

// Describe is Choose plus the KV cache type engine.kv_cache gives on the
// chosen device, for `swarmdesk doctor`: a GPU is opened only to ask what
// its backend offers (backend.KVCacheDTypes) and closed again. When it does
// not open, Fallback says so, as Use would.
func Describe(setting, kv string) (Choice, error) {
	if _, err := backend.ParseKVSpec(kv); err != nil {
		return Choice{Setting: setting}, fmt.Errorf("engine.kv_cache: %w", err)
	}
	ch, err := Choose(setting)
	if err != nil {
		return ch, err
	}
	var be backend.Backend
	if ch.Device.Backend != "cpu" {
		if be, err = Registry.Open(ch.Device); err != nil {
			return cpuFallback(ch, kv, err.Error())
		}
		defer be.Close()
	}
	ch.KV, err = ChooseKVCache(kv, ch.Device, be)
	return ch, err
}

// Use moves m to the device setting asks for and makes its KV caches the
// type kv (engine.kv_cache) gives there (Model.SetKVCacheDType). rollouts
// is what will run on it: the answers generated at once and their length,
// the same train.Shape the host's memory plan is made from (a zero Answers
// or SeqLen counts one answer of the model's full context); the device's
// plan counts the chosen cache type. A model stays on the CPU, with f32
// caches (and Fallback says why), when the device is the CPU, cannot be
// opened, or its memory cannot hold the plan; KV.Fallback says why when kv
// asked for a type the device in use does not offer. An error means a bad
// setting or that even the CPU is unavailable.
func Use(m *qwen2.Model, setting, kv string, rollouts train.Shape) (Choice, error) {
	if _, err := backend.ParseKVSpec(kv); err != nil {
		return Choice{Setting: setting}, fmt.Errorf("engine.kv_cache: %w", err)
	}
	ch, err := Choose(setting)
	if err != nil {
		return ch, err
	}
	if ch.Device.Backend == "cpu" {
		return onCPU(m, ch, kv)
	}
	fallback := func(why string) (Choice, error) {
		cpu, err := cpuFallback(ch, kv, why)
		if err != nil {
			return cpu, err
		}
		return onCPU(m, cpu, kv)
	}
	be, err := Registry.Open(ch.Device)
	if err != nil {
		return fallback(err.Error())
	}
	if ch.KV, err = ChooseKVCache(kv, ch.Device, be); err != nil {
		_ = be.Close()
		return ch, err
	}
	rollouts.KVCache = ch.KV.DType
	need := DeviceNeed(m, rollouts)
	if free := be.Memory().Available; free > 0 && need > free {
		_ = be.Close()
		return fallback(fmt.Sprintf("the model needs about %s of device memory (with %s KV caches) and %s is free", gib(need), ch.KV.DType, gib(free)))
	}
	if err := m.UseBackend(be); err != nil {
		_ = be.Close()
		return fallback(err.Error())
	}
	if err := m.SetKVCacheDType(ch.KV.DType); err != nil { // the backend offered it above; keep running on f32 if not
		_ = m.SetKVCacheDType(backend.F32)
		ch.KV.DType, ch.KV.Fallback = backend.F32, fmt.Sprintf("the KV caches are f32: %v; set engine.kv_cache to f32", err)
		ch.KV.Reason = "f32: " + err.Error()
	}
	return ch, nil
}

// cpuFallback is the CPU in place of ch's device, which cannot be used
// for why.
func cpuFallback(ch Choice, kv, why string) (Choice, error) {
	cpu, err := Choose("cpu")
	if err != nil {
		return ch, err
	}
	cpu.Setting = ch.Setting
	cpu.Fallback = fmt.Sprintf("%s cannot be used: %s; using the CPU instead", ch.Device.Name, why)
	cpu.KV, err = ChooseKVCache(kv, cpu.Device, nil)
	return cpu, err
}

// onCPU keeps m where it is (the CPU) with the KV cache type kv gives there.
func onCPU(m *qwen2.Model, ch Choice, kv string) (Choice, error) {
	var err error
	if ch.KV, err = ChooseKVCache(kv, ch.Device, m.Backend()); err != nil {
		return ch, err
	}
	return ch, m.SetKVCacheDType(ch.KV.DType)
}

func gib(b int64) string { return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30)) }

// DeviceNeed is the device memory a model needs for rollouts: its weights as
// loaded plus the KV caches (of the type rollouts.KVCache) and forward
// scratch of the answers generated at once, from the planner the host uses
// (train.Shape.Need), so a GPU is
// planned by the same rules as the computer's memory. Training is not
// counted: a trainer made for a model on a device (engine/train.New) moves
// the gradient and optimizer state there when they fit in what is left, and
// otherwise trains on the CPU and says why (Trainer.DeviceFallback).
func DeviceNeed(m *qwen2.Model, rollouts train.Shape) int64 {
	rollouts.Model = m.Config
	if rollouts.Answers <= 0 {
		rollouts.Answers = 1
	}
	if rollouts.SeqLen <= 0 {
		rollouts.SeqLen = m.Config.MaxPositionEmbeddings
	}
	n := rollouts.Need(train.ModeRollouts, 0)
	return int64(4*len(m.Params.F32)+2*len(m.Params.BF16)) + n.Inference
}
