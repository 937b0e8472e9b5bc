package cuda

import (
	"fmt"

	"github.com/swarmdesk/swarmdesk/engine/backend"
)

// ErrKind classifies why CUDA could not be used, so the device registry
// and doctor can act without parsing messages.
type ErrKind int

const (
	ErrNoDriver    ErrKind = iota + 1 // no libcuda / nvcuda.dll on this computer
	ErrNoDevice                       // the driver is there, but no CUDA-capable GPU
	ErrOldDriver                      // the driver cannot JIT the engine's PTX
	ErrInit                           // the driver refused to start
	ErrKernel                         // a kernel did not load or launch
	ErrOutOfMemory                    // device memory exhausted
	ErrDeviceLost                     // a fault, Xid or reset: the context is unusable
	ErrBadArgument                    // sizes that do not fit the buffers (an internal error)
	ErrClosed                         // the backend was closed
	ErrNoNVRTC                        // NVRTC (only the PTX generator needs it) is missing
	ErrCompile                        // NVRTC rejected a kernel source or warned about it
)

// Error is every failure this package reports (backend.APIError: Message()
// is a sentence a user can act on, Error() adds the driver's own words for
// logs).
type Error = backend.APIError[ErrKind, Result]

// API names CUDA in log lines.
func (ErrKind) API() string { return "cuda" }

// Message says what happened and what to do, in words for people.
func (k ErrKind) Message() string {
	switch k {
	case ErrNoDriver:
		return "CUDA is not available: the NVIDIA driver library (libcuda.so.1 / nvcuda.dll) was not found. Install the NVIDIA driver to use an NVIDIA GPU."
	case ErrNoDevice:
		return "The NVIDIA driver library is installed but reports no CUDA-capable GPU (none present, or the kernel module is not loaded)."
	case ErrOldDriver:
		return fmt.Sprintf("The NVIDIA driver is too old for the engine's GPU kernels (PTX %s needs a driver for CUDA %s or newer, version %s+); update the NVIDIA driver.", ptxISA, minCUDA, minDriver)
	case ErrInit:
		return "The NVIDIA driver refused to start CUDA; rebooting or updating the driver usually fixes this."
	case ErrKernel:
		return "The NVIDIA driver could not load or run one of the engine's GPU kernels; updating the driver may help, otherwise use another device."
	case ErrOutOfMemory:
		return "The GPU ran out of memory; use a smaller model or batch, or another device."
	case ErrDeviceLost:
		return "The GPU stopped working mid-step (a fault or driver reset); the step was dropped and can be retried."
	case ErrBadArgument:
		return "The engine asked the GPU for an impossible operation (an internal error)."
	case ErrClosed:
		return "The CUDA device was already closed."
	case ErrNoNVRTC:
		return "NVRTC, the CUDA runtime compiler, was not found (on Debian: apt install libnvrtc11.2 from non-free)."
	case ErrCompile:
		return "NVRTC rejected a kernel source (errors or warnings); fix the kernel."
	}
	return "CUDA failed."
}

// Result is a CUresult.
type Result int32

// The CUresult values this package tells apart (cuda.h).
const (
	resSuccess                 Result = 0
	resInvalidValue            Result = 1
	resOutOfMemory             Result = 2
	resNotInitialized          Result = 3
	resDeinitialized           Result = 4
	resStubLibrary             Result = 34
	resDeviceUnavailable       Result = 46
	resNoDevice                Result = 100
	resInvalidDevice           Result = 101
	resInvalidImage            Result = 200
	resInvalidContext          Result = 201
	resNoBinaryForGPU          Result = 209
	resECCUncorrectable        Result = 214
	resInvalidPTX              Result = 218
	resJITCompilerNotFound     Result = 221
	resUnsupportedPTXVersion   Result = 222
	resOperatingSystem         Result = 304
	resNotFound                Result = 500
	resIllegalAddress          Result = 700
	resLaunchOutOfResources    Result = 701
	resLaunchTimeout           Result = 702
	resHardwareStackError      Result = 714
	resIllegalInstruction      Result = 715
	resMisalignedAddress       Result = 716
	resInvalidAddressSpace     Result = 717
	resInvalidPC               Result = 718
	resLaunchFailed            Result = 719
	resNotSupported            Result = 801
	resSystemDriverMismatch    Result = 803
	resCompatNotSupported      Result = 804
	resStreamCaptureUnsupp     Result = 900
	resStreamCaptureInvalid    Result = 901
	resGraphExecUpdateFailure  Result = 910
	resUnknown                 Result = 999
	resInsufficientDriverRange Result = 35 // CUDA_ERROR_INSUFFICIENT_DRIVER
)

// names for when the driver cannot be asked (no library, or before init).
var resultNames = map[Result]string{
	resInvalidValue: "CUDA_ERROR_INVALID_VALUE", resOutOfMemory: "CUDA_ERROR_OUT_OF_MEMORY",
	resNotInitialized: "CUDA_ERROR_NOT_INITIALIZED", resDeinitialized: "CUDA_ERROR_DEINITIALIZED",
	resStubLibrary: "CUDA_ERROR_STUB_LIBRARY", resInsufficientDriverRange: "CUDA_ERROR_INSUFFICIENT_DRIVER",
	resDeviceUnavailable: "CUDA_ERROR_DEVICE_UNAVAILABLE", resNoDevice: "CUDA_ERROR_NO_DEVICE",
	resInvalidDevice: "CUDA_ERROR_INVALID_DEVICE", resInvalidImage: "CUDA_ERROR_INVALID_IMAGE",
	resInvalidContext: "CUDA_ERROR_INVALID_CONTEXT", resNoBinaryForGPU: "CUDA_ERROR_NO_BINARY_FOR_GPU",
	resECCUncorrectable: "CUDA_ERROR_ECC_UNCORRECTABLE", resInvalidPTX: "CUDA_ERROR_INVALID_PTX",
	resJITCompilerNotFound: "CUDA_ERROR_JIT_COMPILER_NOT_FOUND", resUnsupportedPTXVersion: "CUDA_ERROR_UNSUPPORTED_PTX_VERSION",
	resOperatingSystem: "CUDA_ERROR_OPERATING_SYSTEM", resNotFound: "CUDA_ERROR_NOT_FOUND",
	resIllegalAddress: "CUDA_ERROR_ILLEGAL_ADDRESS", resLaunchOutOfResources: "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES",
	resLaunchTimeout: "CUDA_ERROR_LAUNCH_TIMEOUT", resHardwareStackError: "CUDA_ERROR_HARDWARE_STACK_ERROR",
	resIllegalInstruction: "CUDA_ERROR_ILLEGAL_INSTRUCTION", resMisalignedAddress: "CUDA_ERROR_MISALIGNED_ADDRESS",
	resInvalidAddressSpace: "CUDA_ERROR_INVALID_ADDRESS_SPACE", resInvalidPC: "CUDA_ERROR_INVALID_PC",
	resLaunchFailed: "CUDA_ERROR_LAUNCH_FAILED", resNotSupported: "CUDA_ERROR_NOT_SUPPORTED",
	resSystemDriverMismatch: "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH", resCompatNotSupported: "CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE",
	resStreamCaptureUnsupp: "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED", resStreamCaptureInvalid: "CUDA_ERROR_STREAM_CAPTURE_INVALIDATED",
	resGraphExecUpdateFailure: "CUDA_ERROR_GRAPH_EXEC_UPDATE_FAILURE", resUnknown: "CUDA_ERROR_UNKNOWN",
}

func (r Result) String() string {
	if n, ok := resultNames[r]; ok {
		return n
	}
	return fmt.Sprintf("CUresult(%d)", int32(r))
}

// kindOf maps a CUresult to the ErrKind a caller acts on; fallback is used
// for results that say nothing more specific.
func kindOf(r Result, fallback ErrKind) ErrKind {
	switch r {
	case resOutOfMemory:
		return ErrOutOfMemory
	case resNoDevice, resInvalidDevice, resDeviceUnavailable:
		return ErrNoDevice
	case resStubLibrary, resInsufficientDriverRange, resSystemDriverMismatch, resCompatNotSupported,
		resUnsupportedPTXVersion, resJITCompilerNotFound:
		return ErrOldDriver
	case resIllegalAddress, resLaunchFailed, resHardwareStackError, resIllegalInstruction, resMisalignedAddress,
		resInvalidAddressSpace, resInvalidPC, resECCUncorrectable, resLaunchTimeout:
		return ErrDeviceLost
	}
	return fallback
}

// check turns a CUresult into nil or a typed *Error with the driver's own
// description appended.
func (d *driver) check(r Result, op string, fallback ErrKind) error {
	if r == resSuccess {
		return nil
	}
	return &Error{Kind: kindOf(r, fallback), Op: op, Result: r, Detail: d.errorString(r)}
}
