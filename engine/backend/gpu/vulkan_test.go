package gpu_test

import (
	"errors"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/conformance"
	"github.com/swarmdesk/swarmdesk/engine/backend/gpu"
	"github.com/swarmdesk/swarmdesk/engine/vulkan"
)

// The op layer runs here on the Vulkan device (lavapipe in CI) through a
// thin adapter, so the code the Metal backend runs on a Mac — this
// package — passes the parity suite on every CI run. Only the Metal
// device and its MSL compilation are left to the macOS runner.

type vkDevice struct{ d *vulkan.Device }

func (v vkDevice) Alloc(n uint64) (gpu.Buffer, error) {
	b, err := v.d.Alloc(n)
	if err != nil {
		return nil, err
	}
	return b, nil
}

func (v vkDevice) AllocHost(n uint64) (gpu.HostBuffer, error) {
	b, err := v.d.AllocHost(n)
	if err != nil {
		return nil, err
	}
	return b, nil
}

func (v vkDevice) Free(b gpu.Buffer) { b.(*vulkan.Buffer).Free() }
func (v vkDevice) Upload(b gpu.Buffer, off uint64, src []byte) error {
	return v.d.Upload(b.(*vulkan.Buffer), off, src)
}
func (v vkDevice) Download(b gpu.Buffer, off uint64, dst []byte) error {
	return v.d.Download(b.(*vulkan.Buffer), off, dst)
}
func (v vkDevice) NewBatch() (gpu.Batch, error) {
	b, err := v.d.NewBatch()
	if err != nil {
		return nil, err
	}
	return vkBatch{b}, nil
}
func (v vkDevice) Memory() backend.Memory {
	used, _ := v.d.MemoryInUse()
	total := int64(v.d.Info.DeviceLocalBytes)
	return backend.Memory{InUse: int64(used), Total: total, Available: max(0, total-int64(used))}
}
func (v vkDevice) Info() backend.Device {
	return backend.Device{Backend: "vulkan", Name: v.d.Info.Name, Kind: backend.KindSoftware}
}
func (v vkDevice) Close() error { return nil } // the package's shared device stays open

type vkBatch struct{ b *vulkan.Batch }

func vk(bufs []gpu.Buffer) []*vulkan.Buffer {
	out := make([]*vulkan.Buffer, len(bufs))
	for i, b := range bufs {
		if b != nil {
			out[i] = b.(*vulkan.Buffer)
		}
	}
	return out
}

func (b vkBatch) Dispatch(name string, bufs []gpu.Buffer, push []byte, x, y, z uint32) {
	b.b.Dispatch(name, [4]uint32{}, vk(bufs), push, x, y, z)
}
func (b vkBatch) Copy(dst gpu.Buffer, dstOff uint64, src gpu.Buffer, srcOff, n uint64) {
	b.b.Copy(dst.(*vulkan.Buffer), dstOff, src.(*vulkan.Buffer), srcOff, n)
}
func (b vkBatch) FillRange(buf gpu.Buffer, off, n uint64, v uint32) {
	b.b.FillRange(buf.(*vulkan.Buffer), off, n, v)
}
func (b vkBatch) Ops() int   { return b.b.Ops() }
func (b vkBatch) Run() error { return b.b.Run() }
func (b vkBatch) Release()   { b.b.Release() }

var shared *vulkan.Device

func openVulkan(t *testing.T) backend.Backend {
	t.Helper()
	if shared == nil {
		d, err := vulkan.Open(vulkan.Options{Index: -1, AllowCPU: true})
		if err != nil {
			var e *vulkan.Error
			if errors.As(err, &e) && (e.Kind == vulkan.ErrNoLoader || e.Kind == vulkan.ErrNoDevice) {
				t.Skipf("no Vulkan here (%v); CI installs libvulkan1 and mesa-vulkan-drivers (lavapipe) to run this", err)
			}
			t.Fatal(err)
		}
		shared = d
	}
	be, err := gpu.New(vkDevice{shared})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { be.Close() })
	return be
}

// The parity suite every device backend runs (engine/backend/conformance).
func TestParitySuiteOnVulkan(t *testing.T) {
	conformance.Run(t, openVulkan, conformance.Options{})
	t.Run("Model", func(t *testing.T) { conformance.RunModel(t, openVulkan, 1e-5) })
	t.Run("GRPOStep", func(t *testing.T) { conformance.RunGRPOStep(t, openVulkan) })
}
