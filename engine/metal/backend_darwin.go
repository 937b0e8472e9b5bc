//go:build darwin

package metal

import (
	"fmt"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/gpu"
)

// The engine backend on Metal is engine/backend/gpu's op layer (the one
// the Vulkan backend's ops come from, run by CI over lavapipe) on this
// package's Device and Batch, through the small adapter below.

// ProbeDevices is the registry probe: the default Metal device, or a
// sentence saying why there is none.
func ProbeDevices() ([]backend.Device, error) {
	info, err := Describe()
	if err != nil {
		return nil, err
	}
	return []backend.Device{toBackendDevice(info)}, nil
}

func openDevice(backend.Device) (backend.Backend, error) { return NewBackend() }

func toBackendDevice(i Info) backend.Device {
	kind := backend.KindIntegrated
	if !i.Unified {
		kind = backend.KindDiscrete
	}
	return backend.Device{Backend: "metal", Name: i.Name, Kind: kind, Driver: i.Driver(), Memory: int64(i.WorkingSet)}
}

// NewBackend opens the default Metal device and returns the engine
// backend on it.
func NewBackend() (*gpu.Backend, error) {
	d, err := Open()
	if err != nil {
		return nil, err
	}
	return NewBackendOn(d)
}

// NewBackendOn returns the engine backend on an open device, which it
// then owns.
func NewBackendOn(d *Device) (*gpu.Backend, error) {
	be, err := gpu.New(gpuDevice{d})
	if err != nil {
		d.Close()
		return nil, err
	}
	return be, nil
}

// gpuDevice is gpu.Device on a Metal Device. All Metal buffers are shared
// storage, so device and host allocations are the same kind.
type gpuDevice struct{ d *Device }

func (g gpuDevice) Alloc(n uint64) (gpu.Buffer, error) { return gpu.Buf(g.d.Alloc(n)) }

func (g gpuDevice) AllocHost(n uint64) (gpu.HostBuffer, error) {
	return gpu.HostBuf(g.d.Alloc(n))
}

func (g gpuDevice) Free(b gpu.Buffer) { b.(*Buffer).Free() }

func (g gpuDevice) Upload(b gpu.Buffer, off uint64, src []byte) error {
	return g.d.Upload(b.(*Buffer), off, src)
}

func (g gpuDevice) Download(b gpu.Buffer, off uint64, dst []byte) error {
	return g.d.Download(b.(*Buffer), off, dst)
}

func (g gpuDevice) NewBatch() (gpu.Batch, error) {
	b, err := g.d.NewBatch()
	if err != nil {
		return nil, err
	}
	return gpuBatch{b}, nil
}

// Memory is the working-set budget macOS advises for this process
// (recommendedMaxWorkingSetSize) and what Metal has allocated: the plan
// before loading (app/device) and every allocation check against it.
func (g gpuDevice) Memory() backend.Memory {
	used, _ := g.d.MemoryInUse()
	total := int64(g.d.Info.WorkingSet)
	return backend.Memory{InUse: int64(used), Total: total, Available: max(0, total-int64(used))}
}

func (g gpuDevice) Info() backend.Device { return toBackendDevice(g.d.Info) }

// SharedMemory: every Metal buffer is shared storage, so Upload is a
// plain host write (gpu.SharedMemory).
func (g gpuDevice) SharedMemory() bool { return true }
func (g gpuDevice) Close() error       { return g.d.Close() }

type gpuBatch struct{ b *Batch }

func (g gpuBatch) Dispatch(name string, bufs []gpu.Buffer, push []byte, x, y, z uint32) {
	mb := make([]*Buffer, len(bufs))
	for i, b := range bufs {
		if b == nil {
			g.b.fail(fmt.Errorf("metal: dispatch %s: buffer %d is missing", name, i))
			return
		}
		mb[i] = b.(*Buffer)
	}
	g.b.Dispatch(name, mb, push, x, y, z)
}

func (g gpuBatch) Copy(dst gpu.Buffer, dstOff uint64, src gpu.Buffer, srcOff, n uint64) {
	g.b.Copy(dst.(*Buffer), dstOff, src.(*Buffer), srcOff, n)
}

func (g gpuBatch) FillRange(b gpu.Buffer, off, n uint64, v uint32) {
	if v>>16 != v&0xffff {
		g.b.fail(fmt.Errorf("metal: fill with a 32-bit pattern whose halves differ (%#x)", v))
		return
	}
	g.b.FillRange(b.(*Buffer), off, n, uint16(v))
}

func (g gpuBatch) Ops() int   { return g.b.Ops() }
func (g gpuBatch) Run() error { return g.b.Run() }
func (g gpuBatch) Release()   { g.b.Release() }
