package vulkan

import (
	"errors"
	"fmt"
	"os"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/gpu"
)

// The engine backend on Vulkan is engine/backend/gpu's op layer (shared
// with the Metal backend) on this package's Device and Batch: the op layer
// decides kernels, push constants, grids, the attention and LM-head
// decompositions and the staging of host inputs; this package builds the
// pipelines, binds the buffers and records one command buffer per Batch,
// so a decode step or training micro-step is still one submission.

func init() {
	backend.Register("vulkan", ProbeDevices, func(d backend.Device) (backend.Backend, error) {
		return NewBackend(Options{Index: d.Index, AllowCPU: true})
	})
}

// allowSoftware reports whether software Vulkan devices (lavapipe) are
// offered to the device registry: only when SWARMDESK_VULKAN_SOFTWARE=1
// (tests), because the engine's own CPU backend is much faster than
// running the same shaders through a software rasteriser.
func allowSoftware() bool { return os.Getenv("SWARMDESK_VULKAN_SOFTWARE") == "1" }

// ProbeDevices is the registry probe: the hardware Vulkan devices, with
// their enumeration index as the N of "vulkan:N", or a sentence saying why
// there are none.
func ProbeDevices() ([]backend.Device, error) {
	res := Probe()
	if res.Err != nil {
		var e *Error
		if errors.As(res.Err, &e) {
			return nil, errors.New(e.Message() + " (" + res.Err.Error() + ")")
		}
		return nil, res.Err
	}
	var out []backend.Device
	var soft []string
	for _, d := range res.Devices {
		if !d.HasCompute {
			continue
		}
		if d.Type == TypeCPU && !allowSoftware() {
			soft = append(soft, d.Name)
			continue
		}
		out = append(out, toBackendDevice(d))
	}
	if len(out) == 0 && len(soft) > 0 {
		return nil, fmt.Errorf("only a software Vulkan device was found (%s); the CPU backend is faster than it", soft[0])
	}
	return out, nil
}

func toBackendDevice(d DeviceInfo) backend.Device {
	kind := map[DeviceType]backend.Kind{TypeDiscrete: backend.KindDiscrete, TypeIntegrated: backend.KindIntegrated,
		TypeVirtual: backend.KindVirtual, TypeCPU: backend.KindSoftware}[d.Type]
	if kind == "" {
		kind = backend.KindDiscrete
	}
	return backend.Device{Backend: "vulkan", Index: d.Index, Name: d.Name, Kind: kind,
		Driver: fmt.Sprintf("Vulkan %s, driver %s", d.APIVersion, driverVersion(d)), Memory: int64(d.DeviceLocalBytes)}
}

// driverVersion decodes the vendor-specific driver version field.
func driverVersion(d DeviceInfo) string {
	v := d.DriverVersion
	if d.VendorID == 0x10de { // NVIDIA: 10.8.8.6 bits
		return fmt.Sprintf("%d.%d.%d", v>>22, v>>14&0xff, v>>6&0xff)
	}
	return versionString(v)
}

// VKBackend is backend.Backend on a Vulkan device: the shared GPU op layer
// plus access to the device for what only Vulkan reports (peak memory).
type VKBackend struct {
	*gpu.Backend
	d *Device
}

var _ backend.Backend = (*VKBackend)(nil)

// NewBackend opens a device as o says and returns the backend on it.
func NewBackend(o Options) (*VKBackend, error) {
	d, err := Open(o)
	if err != nil {
		return nil, err
	}
	be, err := gpu.New(gpuDevice{d})
	if err != nil {
		d.Close()
		return nil, err
	}
	return &VKBackend{Backend: be, d: d}, nil
}

// gpuDevice is gpu.Device on a Vulkan Device.
type gpuDevice struct{ d *Device }

func (g gpuDevice) Alloc(n uint64) (gpu.Buffer, error) { return gpu.Buf(g.d.Alloc(n)) }

func (g gpuDevice) AllocHost(n uint64) (gpu.HostBuffer, error) {
	return gpu.HostBuf(g.d.AllocHost(n))
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
	return b, nil
}

// Memory is the device-local heap (or Options.MemoryLimit, when smaller)
// and what this device has allocated.
func (g gpuDevice) Memory() backend.Memory {
	inUse, _ := g.d.MemoryInUse()
	total := int64(g.d.Info.DeviceLocalBytes)
	if g.d.limit > 0 && int64(g.d.limit) < total {
		total = int64(g.d.limit)
	}
	return backend.Memory{InUse: int64(inUse), Total: total, Available: max(0, total-int64(inUse))}
}

func (g gpuDevice) Info() backend.Device { return g.d.backendDevice() }
func (g gpuDevice) Close() error         { return g.d.Close() }
