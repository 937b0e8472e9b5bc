package cuda

import (
	"unsafe"

	"github.com/ebitengine/purego"
)

// fn indexes the driver binding table. Every driver entry point the
// package calls is listed here once, resolved once when the library is
// opened, and called through purego.SyscallN with uintptr arguments.
// The names are the versioned symbols cuda.h's macros resolve to (the
// _v2 forms are the 64-bit-size ABI every driver since CUDA 4 exports).
type fn int

const (
	fnGetErrorName fn = iota
	fnGetErrorString
	fnInit
	fnDriverGetVersion
	fnDeviceGetCount
	fnDeviceGet
	fnDeviceGetName
	fnDeviceGetAttribute
	fnDeviceTotalMem
	fnDevicePrimaryCtxRetain
	fnDevicePrimaryCtxRelease
	fnCtxSetCurrent
	fnCtxSynchronize
	fnMemAlloc
	fnMemFree
	fnMemAllocHost
	fnMemFreeHost
	fnMemGetInfo
	fnMemcpyHtoD
	fnMemcpyDtoH
	fnMemcpyHtoDAsync
	fnMemcpyDtoHAsync
	fnMemcpyDtoDAsync
	fnMemsetD8Async
	fnMemsetD32Async
	fnStreamCreate
	fnStreamDestroy
	fnStreamSynchronize
	fnEventCreate
	fnEventRecord
	fnEventSynchronize
	fnEventElapsedTime
	fnEventDestroy
	fnModuleLoadDataEx
	fnModuleUnload
	fnModuleGetFunction
	fnFuncSetAttribute
	fnLaunchKernel
	fnStreamBeginCapture
	fnStreamEndCapture
	fnGraphInstantiate
	fnGraphLaunch
	fnGraphExecDestroy
	fnGraphDestroy
	fnGraphExecUpdate // optional: CUDA 12.0+; without it a changed graph is re-instantiated
	fnCount
)

type entry struct {
	name     string
	optional bool
}

var entries = [fnCount]entry{
	fnGetErrorName:            {name: "cuGetErrorName"},
	fnGetErrorString:          {name: "cuGetErrorString"},
	fnInit:                    {name: "cuInit"},
	fnDriverGetVersion:        {name: "cuDriverGetVersion"},
	fnDeviceGetCount:          {name: "cuDeviceGetCount"},
	fnDeviceGet:               {name: "cuDeviceGet"},
	fnDeviceGetName:           {name: "cuDeviceGetName"},
	fnDeviceGetAttribute:      {name: "cuDeviceGetAttribute"},
	fnDeviceTotalMem:          {name: "cuDeviceTotalMem_v2"},
	fnDevicePrimaryCtxRetain:  {name: "cuDevicePrimaryCtxRetain"},
	fnDevicePrimaryCtxRelease: {name: "cuDevicePrimaryCtxRelease_v2"},
	fnCtxSetCurrent:           {name: "cuCtxSetCurrent"},
	fnCtxSynchronize:          {name: "cuCtxSynchronize"},
	fnMemAlloc:                {name: "cuMemAlloc_v2"},
	fnMemFree:                 {name: "cuMemFree_v2"},
	fnMemAllocHost:            {name: "cuMemAllocHost_v2"},
	fnMemFreeHost:             {name: "cuMemFreeHost"},
	fnMemGetInfo:              {name: "cuMemGetInfo_v2"},
	fnMemcpyHtoD:              {name: "cuMemcpyHtoD_v2"},
	fnMemcpyDtoH:              {name: "cuMemcpyDtoH_v2"},
	fnMemcpyHtoDAsync:         {name: "cuMemcpyHtoDAsync_v2"},
	fnMemcpyDtoHAsync:         {name: "cuMemcpyDtoHAsync_v2"},
	fnMemcpyDtoDAsync:         {name: "cuMemcpyDtoDAsync_v2"},
	fnMemsetD8Async:           {name: "cuMemsetD8Async"},
	fnMemsetD32Async:          {name: "cuMemsetD32Async"},
	fnStreamCreate:            {name: "cuStreamCreate"},
	fnStreamDestroy:           {name: "cuStreamDestroy_v2"},
	fnStreamSynchronize:       {name: "cuStreamSynchronize"},
	fnEventCreate:             {name: "cuEventCreate"},
	fnEventRecord:             {name: "cuEventRecord"},
	fnEventSynchronize:        {name: "cuEventSynchronize"},
	fnEventElapsedTime:        {name: "cuEventElapsedTime"},
	fnEventDestroy:            {name: "cuEventDestroy_v2"},
	fnModuleLoadDataEx:        {name: "cuModuleLoadDataEx"},
	fnModuleUnload:            {name: "cuModuleUnload"},
	fnModuleGetFunction:       {name: "cuModuleGetFunction"},
	fnFuncSetAttribute:        {name: "cuFuncSetAttribute"},
	fnLaunchKernel:            {name: "cuLaunchKernel"},
	fnStreamBeginCapture:      {name: "cuStreamBeginCapture_v2"},
	fnStreamEndCapture:        {name: "cuStreamEndCapture"},
	fnGraphInstantiate:        {name: "cuGraphInstantiateWithFlags"},
	fnGraphLaunch:             {name: "cuGraphLaunch"},
	fnGraphExecDestroy:        {name: "cuGraphExecDestroy"},
	fnGraphDestroy:            {name: "cuGraphDestroy"},
	fnGraphExecUpdate:         {name: "cuGraphExecUpdate_v2", optional: true},
}

// driver is an opened libcuda with its table resolved.
type driver struct {
	lib  string // the file that was opened
	syms [fnCount]uintptr
}

// resolve fills the table from an opened library handle. A missing
// required symbol means a driver older than this package supports.
func (d *driver) resolve(h uintptr, sym func(h uintptr, name string) (uintptr, error)) error {
	var missing []string
	for i, e := range entries {
		p, err := sym(h, e.name)
		if err != nil || p == 0 {
			if !e.optional {
				missing = append(missing, e.name)
			}
			continue
		}
		d.syms[i] = p
	}
	if len(missing) > 0 {
		return &Error{Kind: ErrOldDriver, Op: "resolve " + d.lib, Detail: "missing symbols " + join(missing)}
	}
	return nil
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}

// call invokes entry f with uintptr arguments and returns its CUresult.
func (d *driver) call(f fn, args ...uintptr) Result {
	r, _, _ := purego.SyscallN(d.syms[f], args...)
	return Result(int32(r))
}

// has reports whether an optional entry point was found.
func (d *driver) has(f fn) bool { return d.syms[f] != 0 }

// errorString asks the driver for a CUresult's name and description.
func (d *driver) errorString(r Result) string {
	if d == nil || d.syms[fnGetErrorString] == 0 {
		return ""
	}
	var p uintptr
	if d.call(fnGetErrorString, uintptr(r), uintptr(unsafe.Pointer(&p))) != resSuccess || p == 0 {
		return ""
	}
	return cString(p)
}

// errorName is the driver's CUDA_ERROR_* name for r (ours when unknown).
func (d *driver) errorName(r Result) string {
	if d != nil && d.syms[fnGetErrorName] != 0 {
		var p uintptr
		if d.call(fnGetErrorName, uintptr(r), uintptr(unsafe.Pointer(&p))) == resSuccess && p != 0 {
			return cString(p)
		}
	}
	return r.String()
}

// cString copies a NUL-terminated C string (at most 4 KiB).
func cString(p uintptr) string {
	if p == 0 {
		return ""
	}
	b := make([]byte, 0, 64)
	for i := uintptr(0); i < 4096; i++ {
		c := *(*byte)(unsafe.Add(unsafe.Pointer(nil), p+i)) //nolint:govet // C memory, not Go's
		if c == 0 {
			break
		}
		b = append(b, c)
	}
	return string(b)
}

// cBytes is s as a NUL-terminated byte slice for passing to C.
func cBytes(s string) []byte {
	b := make([]byte, len(s)+1)
	copy(b, s)
	return b
}
