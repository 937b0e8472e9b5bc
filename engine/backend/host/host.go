// Package host is the CPU backend: backend.Backend over engine/cpu's
// kernels, with buffers that are ordinary Go slices. Ops run immediately on
// the caller's goroutine (fanning out over engine/cpu's worker pool), so the
// batch scope is empty and Download of a host buffer is a copy; code that
// wants to skip even that copy (the logits of a decode step) asks
// backend.HostMemory for the slice itself.
//
// It is also the reference the GPU backends are checked against op by op:
// each op here is the code the Qwen2 model ran directly before the backend
// existed, moved, not rewritten, so the model's numbers did not change.
package host

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/cpu"
	"github.com/swarmdesk/swarmdesk/engine/sample"
)

func init() {
	backend.Register("cpu", Probe, func(backend.Device) (backend.Backend, error) { return New(), nil })
}

// Probe reports the one CPU device: always present.
func Probe() ([]backend.Device, error) {
	return []backend.Device{{
		Backend: "cpu",
		Name:    fmt.Sprintf("CPU (%s, %d threads)", runtime.GOARCH, cpu.Threads()),
		Kind:    backend.KindCPU,
		Driver:  "engine/cpu " + cpu.KernelName() + " kernels",
		Memory:  int64(totalMemory()),
	}}, nil
}

// buf is a host buffer: F32 in f, BF16/F16 bit patterns in h.
type buf struct {
	dt backend.DType
	f  []float32
	h  []uint16
}

func (b *buf) DType() backend.DType { return b.dt }
func (b *buf) Len() int {
	if b.dt == backend.F32 {
		return len(b.f)
	}
	return len(b.h)
}

// Wrap views a float32 slice as a buffer without copying: how weights
// already in memory (a safetensors mapping, a trainer's gradient vector)
// enter the backend. The slice must outlive every use of the view.
func Wrap(f []float32) backend.View { return backend.View{Buf: &buf{dt: backend.F32, f: f}, N: len(f)} }

// WrapBF16 views bfloat16 bit patterns as a BF16 buffer without copying.
func WrapBF16(h []uint16) backend.View {
	return backend.View{Buf: &buf{dt: backend.BF16, h: h}, N: len(h)}
}

// Backend is the CPU backend. The zero value is not usable; call New.
type Backend struct {
	mu    sync.Mutex
	inUse int64
	pack  []float32 // top-level GEMM packing scratch, grown on demand
	blk   []float32 // the LM head's logits block (lmhead.go)
}

// New returns a CPU backend.
func New() *Backend { return &Backend{} }

var _ backend.Backend = (*Backend)(nil)
var _ backend.HostMemory = (*Backend)(nil)

func (b *Backend) Device() backend.Device {
	d, _ := Probe()
	return d[0]
}

func (b *Backend) Close() error { return nil }

func (b *Backend) Alloc(dt backend.DType, n int) (backend.Buffer, error) {
	if n < 0 {
		return nil, fmt.Errorf("cpu backend: allocate %d elements: negative size", n)
	}
	bf := &buf{dt: dt}
	switch dt {
	case backend.F32:
		bf.f = make([]float32, n)
	case backend.BF16, backend.F16:
		bf.h = make([]uint16, n)
	default:
		return nil, fmt.Errorf("cpu backend: allocate %v: unknown dtype", dt)
	}
	bytes := int64(n * dt.Size())
	b.mu.Lock()
	b.inUse += bytes
	b.mu.Unlock()
	// The garbage collector frees host buffers, Free or not (a dropped KV
	// cache is never freed explicitly), so the count drops when it does.
	runtime.AddCleanup(bf, b.release, bytes)
	return bf, nil
}

func (b *Backend) release(bytes int64) {
	b.mu.Lock()
	b.inUse -= bytes
	b.mu.Unlock()
}

// Free drops the backend's reference to x's memory; the garbage collector
// reclaims it (and Memory stops counting it) once nothing else holds it.
// Wrapped slices stay the caller's.
func (b *Backend) Free(x backend.Buffer) {
	if bf, ok := x.(*buf); ok {
		bf.f, bf.h = nil, nil
	}
}

func (b *Backend) Memory() backend.Memory {
	b.mu.Lock()
	defer b.mu.Unlock()
	t := int64(totalMemory())
	return backend.Memory{InUse: b.inUse, Total: t, Available: int64(availableMemory())}
}

// Host returns the float32 slice behind an F32 view (no copy).
func (b *Backend) Host(v backend.View) []float32 { return f32(v) }

// f32 is the slice behind an F32 view, nil for the nil view.
func f32(v backend.View) []float32 {
	if v.Buf == nil {
		return nil
	}
	bf := v.Buf.(*buf)
	if bf.dt != backend.F32 {
		panic(fmt.Sprintf("cpu backend: a %v view used where f32 is required", bf.dt))
	}
	return bf.f[v.Off : v.Off+v.N : v.Off+v.N]
}

// bits is the slice behind a BF16/F16 view.
func bits(v backend.View) []uint16 {
	bf := v.Buf.(*buf)
	return bf.h[v.Off : v.Off+v.N : v.Off+v.N]
}

func dtype(v backend.View) backend.DType { return v.Buf.(*buf).dt }

func (b *Backend) Upload(dst backend.View, src []float32) error {
	if len(src) != dst.N {
		return fmt.Errorf("cpu backend: upload %d values into a %d-element view", len(src), dst.N)
	}
	switch dtype(dst) {
	case backend.F32:
		copy(f32(dst), src)
	case backend.BF16:
		h := bits(dst)
		for i, x := range src {
			h[i] = cpu.F32ToBF16(x)
		}
	case backend.F16:
		h := bits(dst)
		for i, x := range src {
			h[i] = f32ToF16(x)
		}
	}
	return nil
}

func (b *Backend) UploadBF16(dst backend.View, src []uint16) error {
	if len(src) != dst.N {
		return fmt.Errorf("cpu backend: upload %d values into a %d-element view", len(src), dst.N)
	}
	switch dtype(dst) {
	case backend.BF16:
		copy(bits(dst), src)
	case backend.F32:
		f := f32(dst)
		for i, x := range src {
			f[i] = cpu.BF16ToF32(x)
		}
	default:
		h := bits(dst)
		for i, x := range src {
			h[i] = f32ToF16(cpu.BF16ToF32(x))
		}
	}
	return nil
}

func (b *Backend) Download(dst []float32, src backend.View) error {
	if len(dst) != src.N {
		return fmt.Errorf("cpu backend: download a %d-element view into %d values", src.N, len(dst))
	}
	switch dtype(src) {
	case backend.F32:
		copy(dst, f32(src))
	case backend.BF16:
		for i, x := range bits(src) {
			dst[i] = cpu.BF16ToF32(x)
		}
	default:
		for i, x := range bits(src) {
			dst[i] = f16ToF32(x)
		}
	}
	return nil
}

// Begin and Flush: CPU ops have already run when they return.
func (b *Backend) Begin()       {}
func (b *Backend) Flush() error { return nil }

// scratch returns n floats of the backend's GEMM packing scratch.
func (b *Backend) scratch(n int) []float32 {
	if cap(b.pack) < n {
		b.pack = make([]float32, n)
	}
	return b.pack[:n]
}

func (b *Backend) Sample(dst []sample.Result, logits backend.View, vocab int, s []*sample.Sampler) error {
	return sample.Rows(dst, f32(logits), vocab, s)
}
