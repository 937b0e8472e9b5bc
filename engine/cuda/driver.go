package cuda

import (
	"fmt"
	"unsafe"
)

// The PTX the generator writes is ISA 7.8 (NVRTC 11.8); a driver JITs PTX
// only up to the ISA of its own CUDA version, so older drivers cannot load
// the kernels. Probe checks the version before any kernel is loaded, so
// doctor can say so without a GPU context.
const (
	ptxISA        = "7.8"
	minCUDA       = "11.8"
	minDriver     = "520"
	minDriverCUDA = 11080 // cuDriverGetVersion's encoding: 1000·major + 10·minor
	minCC         = 75    // compute capability the PTX targets (Turing)
	mmaCC         = 80    // bf16 tensor-core kernels (Ampere and newer)
)

// Device attributes (CUdevice_attribute) this package reads.
const (
	attrMaxSharedPerBlock      = 8
	attrClockRate              = 13
	attrMultiprocessorCount    = 16
	attrIntegrated             = 18
	attrPCIBusID               = 33
	attrMemoryClockRate        = 36
	attrGlobalMemoryBusWidth   = 37
	attrComputeCapabilityMajor = 75
	attrComputeCapabilityMinor = 76
	attrMaxSharedPerBlockOptin = 97
)

// DeviceInfo is one CUDA device as the driver describes it.
type DeviceInfo struct {
	Index           int
	Name            string
	CC              int // compute capability ×10 (86 for 8.6)
	SMs             int
	Memory          int64 // bytes
	Integrated      bool
	SharedPerBlock  int // bytes a block may opt in to
	MemoryBandwidth float64
	// Unusable is non-empty when the engine's kernels cannot run on this
	// device, and says why.
	Unusable string
}

// ProbeResult is what the driver reports, or why it could not be asked.
type ProbeResult struct {
	Library string // the driver file opened
	Version int    // cuDriverGetVersion: 12020 for CUDA 12.2
	Devices []DeviceInfo
	Err     error
}

// VersionString formats a cuDriverGetVersion value ("CUDA 12.2").
func VersionString(v int) string {
	return fmt.Sprintf("CUDA %d.%d", v/1000, v%1000/10)
}

// Probe opens the driver, initialises it and lists its devices. It needs
// no context and may run on any goroutine.
func Probe() ProbeResult {
	d, err := loadDriver()
	if err != nil {
		return ProbeResult{Err: err}
	}
	res := ProbeResult{Library: d.lib}
	var ver int32
	if r := d.call(fnDriverGetVersion, uintptr(unsafe.Pointer(&ver))); r == resSuccess {
		res.Version = int(ver)
	}
	if r := d.call(fnInit, 0); r != resSuccess {
		res.Err = d.check(r, "cuInit", ErrInit)
		return res
	}
	if res.Version > 0 && res.Version < minDriverCUDA {
		res.Err = &Error{Kind: ErrOldDriver, Op: "driver version", Detail: VersionString(res.Version)}
		return res
	}
	var n int32
	if r := d.call(fnDeviceGetCount, uintptr(unsafe.Pointer(&n))); r != resSuccess {
		res.Err = d.check(r, "cuDeviceGetCount", ErrInit)
		return res
	}
	if n == 0 {
		res.Err = &Error{Kind: ErrNoDevice, Op: "cuDeviceGetCount", Result: resNoDevice}
		return res
	}
	for i := 0; i < int(n); i++ {
		info, err := d.deviceInfo(i)
		if err != nil {
			res.Err = err
			return res
		}
		res.Devices = append(res.Devices, info)
	}
	return res
}

func (d *driver) deviceInfo(i int) (DeviceInfo, error) {
	var dev int32
	if r := d.call(fnDeviceGet, uintptr(unsafe.Pointer(&dev)), uintptr(i)); r != resSuccess {
		return DeviceInfo{}, d.check(r, fmt.Sprintf("cuDeviceGet %d", i), ErrInit)
	}
	name := make([]byte, 256)
	if r := d.call(fnDeviceGetName, uintptr(unsafe.Pointer(&name[0])), uintptr(len(name)), uintptr(dev)); r != resSuccess {
		return DeviceInfo{}, d.check(r, "cuDeviceGetName", ErrInit)
	}
	attr := func(a int) int {
		var v int32
		d.call(fnDeviceGetAttribute, uintptr(unsafe.Pointer(&v)), uintptr(a), uintptr(dev))
		return int(v)
	}
	var mem uint64
	d.call(fnDeviceTotalMem, uintptr(unsafe.Pointer(&mem)), uintptr(dev))
	info := DeviceInfo{
		Index:          i,
		Name:           cName(name),
		CC:             attr(attrComputeCapabilityMajor)*10 + attr(attrComputeCapabilityMinor),
		SMs:            attr(attrMultiprocessorCount),
		Memory:         int64(mem),
		Integrated:     attr(attrIntegrated) != 0,
		SharedPerBlock: attr(attrMaxSharedPerBlockOptin),
	}
	// kHz × bits × 2 (DDR) / 8 → bytes/s
	info.MemoryBandwidth = float64(attr(attrMemoryClockRate)) * 1e3 * float64(attr(attrGlobalMemoryBusWidth)) * 2 / 8
	if info.CC < minCC {
		info.Unusable = fmt.Sprintf("compute capability %d.%d is older than the %d.%d (Turing) the engine's kernels need", info.CC/10, info.CC%10, minCC/10, minCC%10)
	}
	return info, nil
}

// cName is a NUL-terminated byte buffer as a string.
func cName(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
