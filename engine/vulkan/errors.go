package vulkan

import (
	"fmt"

	"github.com/swarmdesk/swarmdesk/engine/backend"
)

// ErrKind classifies why Vulkan could not be used, so callers (the device
// registry, doctor) can decide what to do next without parsing messages.
type ErrKind int

const (
	ErrNoLoader    ErrKind = iota + 1 // no Vulkan loader library on this computer
	ErrNoDevice                       // loader present, but no usable device
	ErrInit                           // instance or device creation failed
	ErrShader                         // the driver rejected a compute shader
	ErrOutOfMemory                    // device or host memory exhausted
	ErrDeviceLost                     // the device stopped answering (driver reset, GPU hang)
	ErrBadArgument                    // a caller passed sizes that do not fit the buffers
	ErrClosed                         // the device was closed
)

// Error is every failure this package reports (backend.APIError: Message()
// is a sentence a user can act on, Error() adds the VkResult for logs).
type Error = backend.APIError[ErrKind, Result]

// Result is a VkResult.
type Result int32

func (r Result) String() string { return resultName(int32(r)) }

// API names Vulkan in log lines.
func (ErrKind) API() string { return "vulkan" }

// Message says what happened and what to do, in words for people.
func (k ErrKind) Message() string {
	switch k {
	case ErrNoLoader:
		return "Vulkan is not installed: no Vulkan loader library was found. Install your graphics driver (on Debian/Ubuntu: apt install libvulkan1 mesa-vulkan-drivers)."
	case ErrNoDevice:
		return "Vulkan is installed but reports no usable device; the graphics driver may lack Vulkan support."
	case ErrInit:
		return "The Vulkan driver refused to start; updating the graphics driver usually fixes this."
	case ErrShader:
		return "The graphics driver rejected one of the engine's compute programs; updating the driver may help, otherwise use the CPU."
	case ErrOutOfMemory:
		return "The graphics card ran out of memory; use a smaller model or batch, or the CPU."
	case ErrDeviceLost:
		return "The graphics card stopped responding (device lost); the work in progress was dropped and can be retried."
	case ErrBadArgument:
		return "The engine asked the graphics card for an impossible operation (an internal error)."
	case ErrClosed:
		return "The Vulkan device was already closed."
	}
	return "Vulkan failed."
}

// VkResult values this package tells apart.
const (
	vkSuccess                = 0
	vkNotReady               = 1
	vkTimeout                = 2
	vkIncomplete             = 5
	vkErrOutOfHostMemory     = -1
	vkErrOutOfDeviceMemory   = -2
	vkErrInitializationFail  = -3
	vkErrDeviceLost          = -4
	vkErrMemoryMapFailed     = -5
	vkErrLayerNotPresent     = -6
	vkErrExtensionNotPresent = -7
	vkErrFeatureNotPresent   = -8
	vkErrIncompatibleDriver  = -9
	vkErrTooManyObjects      = -10
	vkErrFormatNotSupported  = -11
	vkErrFragmentedPool      = -12
	vkErrUnknown             = -13
	vkErrOutOfPoolMemory     = -1000069000
	vkErrInvalidShaderNV     = -1000012000
)

func resultName(r int32) string {
	switch r {
	case vkNotReady:
		return "VK_NOT_READY"
	case vkTimeout:
		return "VK_TIMEOUT"
	case vkErrOutOfHostMemory:
		return "VK_ERROR_OUT_OF_HOST_MEMORY"
	case vkErrOutOfDeviceMemory:
		return "VK_ERROR_OUT_OF_DEVICE_MEMORY"
	case vkErrInitializationFail:
		return "VK_ERROR_INITIALIZATION_FAILED"
	case vkErrDeviceLost:
		return "VK_ERROR_DEVICE_LOST"
	case vkErrMemoryMapFailed:
		return "VK_ERROR_MEMORY_MAP_FAILED"
	case vkErrLayerNotPresent:
		return "VK_ERROR_LAYER_NOT_PRESENT"
	case vkErrExtensionNotPresent:
		return "VK_ERROR_EXTENSION_NOT_PRESENT"
	case vkErrFeatureNotPresent:
		return "VK_ERROR_FEATURE_NOT_PRESENT"
	case vkErrIncompatibleDriver:
		return "VK_ERROR_INCOMPATIBLE_DRIVER"
	case vkErrTooManyObjects:
		return "VK_ERROR_TOO_MANY_OBJECTS"
	case vkErrFragmentedPool:
		return "VK_ERROR_FRAGMENTED_POOL"
	case vkErrOutOfPoolMemory:
		return "VK_ERROR_OUT_OF_POOL_MEMORY"
	case vkErrInvalidShaderNV:
		return "VK_ERROR_INVALID_SHADER_NV"
	}
	return fmt.Sprintf("VkResult(%d)", r)
}

// check turns a VkResult into nil or a typed *Error. kind is used for
// results that are not memory or device loss (which have their own kinds).
func check(r int32, op string, kind ErrKind) error {
	switch {
	case r >= 0:
		return nil
	case r == vkErrOutOfDeviceMemory || r == vkErrOutOfHostMemory || r == vkErrTooManyObjects:
		return &Error{Kind: ErrOutOfMemory, Op: op, Result: Result(r)}
	case r == vkErrDeviceLost:
		return &Error{Kind: ErrDeviceLost, Op: op, Result: Result(r)}
	}
	return &Error{Kind: kind, Op: op, Result: Result(r)}
}
