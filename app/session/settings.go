package session

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/swarmdesk/swarmdesk/app/config"
	"github.com/swarmdesk/swarmdesk/app/device"
	"github.com/swarmdesk/swarmdesk/engine/cpu"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/train"
	"github.com/swarmdesk/swarmdesk/platform"
)

// liveKeys take effect without restarting the node; every other key waits for the next start.
var liveKeys = map[string]bool{
	"resources.threads":      true, // the engine's worker pool is resized between operations
	"desktop.theme":          true, // the window applies it
	"desktop.start_at_login": true, // only the login item changes
}

// SaveSetting validates one setting, writes config.toml and applies it. A bad value is refused
// with an error naming the key, and nothing is written. restart is true when the running node
// only picks it up on its next start.
func (s *Session) SaveSetting(key, value string) (restart bool, err error) {
	var probe config.Config = s.Config()
	if err := probe.Set(key, value); err != nil {
		return false, err
	}
	if err := probe.Validate(); err != nil {
		return false, err
	}
	if key == "desktop.start_at_login" {
		if err := s.applyAutostart(probe.Desktop.StartAtLogin); err != nil {
			return false, err
		}
	}
	if err := s.editConfig(func(c *config.Config) error { return c.Set(key, value) }); err != nil {
		return false, err
	}
	if key == "resources.threads" {
		device.SetThreads(probe.Resources.Threads)
	}
	s.log.Info("setting saved", "key", key)
	return !liveKeys[key], nil
}

// applyAutostart adds or removes the login item that opens this program.
func (s *Session) applyAutostart(on bool) error {
	if !on {
		return platform.DisableAutostart()
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("desktop.start_at_login: find this program: %w", err)
	}
	return platform.EnableAutostart(exe)
}

// useDevice moves a freshly loaded model to the device engine.device asks
// for, with the KV cache type engine.kv_cache gives there; when that device
// cannot be used the model stays on the CPU, and the reason goes to the log
// and (through Device) to the window, as does a KV cache type asked for that
// the device in use does not offer.
func (s *Session) useDevice(m *qwen2.Model, rollouts train.Shape) {
	eng := s.Config().Engine
	ch, err := device.Use(m, eng.Device, eng.KVCache, rollouts)
	if err != nil {
		s.log.Warn("compute device", "engine.device", eng.Device, "engine.kv_cache", eng.KVCache, "error", err)
		return
	}
	if ch.Fallback != "" {
		s.log.Warn("compute device: using the CPU", "engine.device", eng.Device, "reason", ch.Fallback)
	} else {
		s.log.Info("compute device", "engine.device", eng.Device, "device", ch.Device.String())
	}
	if ch.KV.Fallback != "" {
		s.log.Warn("KV cache: using f32", "engine.kv_cache", eng.KVCache, "reason", ch.KV.Fallback)
	} else {
		s.log.Info("KV cache", "engine.kv_cache", eng.KVCache, "type", ch.KV.DType.String(), "reason", ch.KV.Reason)
	}
	s.mu.Lock()
	s.dev = &ch
	s.mu.Unlock()
}

// Device says what the engine computes on: the device chosen when the node
// started (with the reason when it fell back to the CPU), else the CPU; and
// the KV caches' type once a model is on it.
func (s *Session) Device() Device {
	s.mu.Lock()
	ch := s.dev
	s.mu.Unlock()
	var d Device
	if ch != nil && ch.Device.Backend != "cpu" {
		d = Device{Kind: device.BackendName(ch.Device.Backend), Name: ch.Device.Name, MemoryBytes: uint64(max(ch.Device.Memory, 0))}
	} else {
		d = s.cpuDevice()
	}
	if ch == nil {
		return d
	}
	d.KVCache = ch.KV.Short()
	d.Note = joinLines(ch.Fallback, ch.KV.Fallback)
	return d
}

// joinLines joins the non-empty sentences into one note, a line each.
func joinLines(ss ...string) string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, "\n")
}

// cpuDevice describes the CPU the engine runs on.
func (s *Session) cpuDevice() Device {
	cfg := s.Config()
	threads := cpu.Threads()
	if cfg.Resources.Threads > 0 {
		threads = cfg.Resources.Threads
	}
	name := cpuModel()
	if name == "" {
		name = runtime.GOARCH
	}
	d := Device{Kind: "CPU", Name: fmt.Sprintf("%s, %d threads", name, threads), Threads: threads,
		MemoryBytes: platform.TotalMemory()}
	if mb := cfg.Resources.MemoryLimitMB; mb > 0 {
		d.LimitBytes = uint64(mb) << 20
	} else if l := platform.DefaultMemoryLimit(); l > 0 {
		d.LimitBytes = uint64(l)
	}
	d.Plan = s.MemoryPlan()
	return d
}

// cpuModel is the processor's name where the OS says it (Linux /proc/cpuinfo), else "".
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
