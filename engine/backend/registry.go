package backend

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Kind is what sort of device a Device is.
type Kind string

const (
	KindCPU        Kind = "cpu"        // the host processor
	KindDiscrete   Kind = "discrete"   // a graphics card with its own memory
	KindIntegrated Kind = "integrated" // a GPU sharing the host's memory
	KindVirtual    Kind = "virtual"    // a GPU passed through a hypervisor
	KindSoftware   Kind = "software"   // a GPU API implemented on the CPU (Mesa lavapipe)
)

// Device is one device a backend can run on, as a probe reports it.
type Device struct {
	Backend string // registry name: "cpu", "vulkan", "cuda", "metal"
	Index   int    // the N of "vulkan:N", in the backend's own order
	Name    string // e.g. "NVIDIA GeForce RTX 4090", "AMD EPYC 7B13, 2 threads"
	Kind    Kind
	Driver  string // driver and API version, as a person reads them
	Memory  int64  // device memory in bytes (for the CPU: RAM); 0 when unknown
}

// String is the one-line form doctor and the dashboard show.
func (d Device) String() string {
	s := fmt.Sprintf("%s:%d %s (%s", d.Backend, d.Index, d.Name, d.Kind)
	if d.Driver != "" {
		s += ", " + d.Driver
	}
	if d.Memory > 0 {
		s += fmt.Sprintf(", %.1f GiB", float64(d.Memory)/(1<<30))
	}
	return s + ")"
}

// Probe lists the devices a backend can use on this computer. When there are
// none it returns an error whose text says why in a sentence a user
// understands ("no Vulkan loader (libvulkan.so.1) is installed").
type Probe func() ([]Device, error)

// Open starts a backend on one of the devices its probe returned.
type Open func(d Device) (Backend, error)

// The probe order of "auto": the fastest kind of backend first, the CPU last
// (it always works). A backend that is not built (no file registers it) is
// simply absent from the order.
var probeOrder = []string{"cuda", "metal", "vulkan", "cpu"}

// Registry holds the backends built into this program. Backends register in
// the Default registry from their packages' init functions.
type Registry struct {
	mu    sync.Mutex
	byKey map[string]entry
}

type entry struct {
	probe Probe
	open  Open
}

// Default is the registry backends register with.
var Default = &Registry{}

// Register adds backend name (one of cuda, metal, vulkan, cpu) to r.
func (r *Registry) Register(name string, probe Probe, open Open) {
	if !slices.Contains(probeOrder, name) {
		panic(fmt.Sprintf("backend: %q is not a known backend name %v", name, probeOrder))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byKey == nil {
		r.byKey = map[string]entry{}
	}
	r.byKey[name] = entry{probe, open}
}

// Register adds a backend to the Default registry.
func Register(name string, probe Probe, open Open) { Default.Register(name, probe, open) }

// Found is one backend's probe result: its devices, or why it was skipped.
type Found struct {
	Backend string
	Devices []Device
	Skipped string // non-empty when the backend cannot be used, and why
}

// ProbeAll runs every registered backend's probe in probe order. Backends
// that are not built are reported as skipped with that reason, so doctor
// can say "CUDA: not built into this version".
func (r *Registry) ProbeAll() []Found {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Found
	for _, name := range probeOrder {
		e, ok := r.byKey[name]
		if !ok {
			out = append(out, Found{Backend: name, Skipped: "not built into this version of swarmdesk"})
			continue
		}
		devs, err := safeProbe(e.probe)
		switch {
		case err != nil:
			out = append(out, Found{Backend: name, Skipped: err.Error()})
		case len(devs) == 0:
			out = append(out, Found{Backend: name, Skipped: "no device found"})
		default:
			for i := range devs {
				devs[i].Backend = name
			}
			out = append(out, Found{Backend: name, Devices: devs})
		}
	}
	return out
}

// safeProbe turns a panicking probe (a broken driver) into a reason.
func safeProbe(p Probe) (devs []Device, err error) {
	defer func() {
		if r := recover(); r != nil {
			devs, err = nil, fmt.Errorf("its probe crashed: %v", r)
		}
	}()
	return p()
}

// Choice says which device Select picked and why the others were not.
type Choice struct {
	Device Device
	Found  []Found
	// Fallback is set when the requested device could not be used and the
	// CPU was chosen instead: the sentence to show the user.
	Fallback string
}

// Select picks the device spec asks for. "auto" takes the first device in
// probe order (CUDA, Metal, Vulkan, CPU); a named backend takes its first
// (or N-th) device. When the named device cannot be used, Select falls back
// to the CPU and says why in Choice.Fallback; it fails only when the CPU
// itself is missing.
func (r *Registry) Select(spec Spec) (Choice, error) {
	found := r.ProbeAll()
	ch := Choice{Found: found}
	lookup := func(name string) Found {
		for _, f := range found {
			if f.Backend == name {
				return f
			}
		}
		return Found{Backend: name, Skipped: "unknown backend"}
	}
	if spec.Backend == "" { // auto
		for _, f := range found {
			if len(f.Devices) > 0 && f.Backend != "cpu" {
				ch.Device = f.Devices[0]
				return ch, nil
			}
		}
	} else {
		f := lookup(spec.Backend)
		switch {
		case f.Skipped != "":
			ch.Fallback = fmt.Sprintf("%s was requested but cannot be used: %s; using the CPU instead", spec, f.Skipped)
		case spec.Index >= len(f.Devices):
			ch.Fallback = fmt.Sprintf("%s was requested but only %d %s device(s) exist (numbered from 0); using the CPU instead", spec, len(f.Devices), spec.Backend)
		default:
			ch.Device = f.Devices[spec.Index]
			return ch, nil
		}
	}
	c := lookup("cpu")
	if len(c.Devices) == 0 {
		return ch, fmt.Errorf("no compute device: the CPU backend is missing (%s)", c.Skipped)
	}
	ch.Device = c.Devices[0]
	return ch, nil
}

// Open starts the backend for d.
func (r *Registry) Open(d Device) (Backend, error) {
	r.mu.Lock()
	e, ok := r.byKey[d.Backend]
	r.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("open %s: backend not built into this version", d.Backend)
	}
	b, err := e.open(d)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", d, err)
	}
	return b, nil
}

// Spec is a parsed engine.device setting: Backend "" means auto.
type Spec struct {
	Backend string
	Index   int
}

func (s Spec) String() string {
	switch {
	case s.Backend == "":
		return "auto"
	case s.Backend == "cpu" || s.Backend == "metal" || s.Index == 0:
		return s.Backend
	}
	return s.Backend + ":" + strconv.Itoa(s.Index)
}

// ErrBadSpec is wrapped by ParseSpec's errors.
var ErrBadSpec = errors.New("invalid device")

// ParseSpec parses an engine.device value: auto, cpu, vulkan, vulkan:N,
// cuda, cuda:N or metal (case-insensitive, spaces trimmed).
func ParseSpec(s string) (Spec, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	name, idx, hasIdx := strings.Cut(v, ":")
	bad := func(why string) (Spec, error) {
		return Spec{}, fmt.Errorf("%w %q: %s; use auto, cpu, vulkan, vulkan:N, cuda, cuda:N or metal", ErrBadSpec, s, why)
	}
	switch name {
	case "auto", "":
		if hasIdx || name == "" {
			return bad("no device named")
		}
		return Spec{}, nil
	case "cpu", "metal":
		if hasIdx {
			return bad(name + " has no device number")
		}
		return Spec{Backend: name}, nil
	case "vulkan", "cuda":
		if !hasIdx {
			return Spec{Backend: name}, nil
		}
		n, err := strconv.Atoi(idx)
		if err != nil || n < 0 || idx != strconv.Itoa(n) {
			return bad("the device number must be 0, 1, 2, …")
		}
		return Spec{Backend: name, Index: n}, nil
	}
	return bad("unknown backend " + strconv.Quote(name))
}
