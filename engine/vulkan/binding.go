package vulkan

import (
	"runtime"
	"unsafe"

	"github.com/ebitengine/purego"
)

// fn indexes the binding table. Every entry point the package calls is
// listed here once, resolved once (vkGetInstanceProcAddr for instance-level
// functions, vkGetDeviceProcAddr for device-level ones, which skips the
// loader's trampoline) and called through purego.SyscallN, which costs
// ~70 ns and no allocations per call (RegisterFunc costs 3–10× more).
type fn int

const (
	// global: resolved with a null instance
	fnCreateInstance fn = iota
	fnEnumerateInstanceVersion
	fnEnumerateInstanceExtensionProperties
	// instance
	fnDestroyInstance
	fnEnumeratePhysicalDevices
	fnGetPhysicalDeviceProperties
	fnGetPhysicalDeviceQueueFamilyProperties
	fnGetPhysicalDeviceMemoryProperties
	fnEnumerateDeviceExtensionProperties
	fnCreateDevice
	fnGetDeviceProcAddr
	// device
	fnDestroyDevice
	fnGetDeviceQueue
	fnDeviceWaitIdle
	fnCreateBuffer
	fnDestroyBuffer
	fnGetBufferMemoryRequirements
	fnAllocateMemory
	fnFreeMemory
	fnBindBufferMemory
	fnMapMemory
	fnUnmapMemory
	fnCreateShaderModule
	fnDestroyShaderModule
	fnCreateDescriptorSetLayout
	fnDestroyDescriptorSetLayout
	fnCreatePipelineLayout
	fnDestroyPipelineLayout
	fnCreateComputePipelines
	fnDestroyPipeline
	fnCreateDescriptorPool
	fnDestroyDescriptorPool
	fnResetDescriptorPool
	fnAllocateDescriptorSets
	fnUpdateDescriptorSets
	fnCreateCommandPool
	fnDestroyCommandPool
	fnAllocateCommandBuffers
	fnBeginCommandBuffer
	fnEndCommandBuffer
	fnResetCommandBuffer
	fnCmdBindPipeline
	fnCmdBindDescriptorSets
	fnCmdPushConstants
	fnCmdDispatch
	fnCmdPipelineBarrier
	fnCmdCopyBuffer
	fnCmdFillBuffer
	fnQueueSubmit
	fnCreateFence
	fnDestroyFence
	fnWaitForFences
	fnResetFences
	// optional instance-level entries, listed in coopmat.go
	fnGetPhysicalDeviceFeatures2
	fnGetPhysicalDeviceProperties2
	fnGetPhysicalDeviceCooperativeMatrixPropertiesKHR
	fnCount
)

// Where each entry point is resolved from.
const (
	levelGlobal = iota
	levelInstance
	levelDevice
)

type entry struct {
	name  string
	level int
}

// optional marks entries that may be missing: resolve does not report
// them, and callers check the pointer before use (coopmat.go sets these).
var optional [fnCount]bool

var entries = [fnCount]entry{
	fnCreateInstance:                         {"vkCreateInstance", levelGlobal},
	fnEnumerateInstanceVersion:               {"vkEnumerateInstanceVersion", levelGlobal},
	fnEnumerateInstanceExtensionProperties:   {"vkEnumerateInstanceExtensionProperties", levelGlobal},
	fnDestroyInstance:                        {"vkDestroyInstance", levelInstance},
	fnEnumeratePhysicalDevices:               {"vkEnumeratePhysicalDevices", levelInstance},
	fnGetPhysicalDeviceProperties:            {"vkGetPhysicalDeviceProperties", levelInstance},
	fnGetPhysicalDeviceQueueFamilyProperties: {"vkGetPhysicalDeviceQueueFamilyProperties", levelInstance},
	fnGetPhysicalDeviceMemoryProperties:      {"vkGetPhysicalDeviceMemoryProperties", levelInstance},
	fnEnumerateDeviceExtensionProperties:     {"vkEnumerateDeviceExtensionProperties", levelInstance},
	fnCreateDevice:                           {"vkCreateDevice", levelInstance},
	fnGetDeviceProcAddr:                      {"vkGetDeviceProcAddr", levelInstance},
	fnDestroyDevice:                          {"vkDestroyDevice", levelDevice},
	fnGetDeviceQueue:                         {"vkGetDeviceQueue", levelDevice},
	fnDeviceWaitIdle:                         {"vkDeviceWaitIdle", levelDevice},
	fnCreateBuffer:                           {"vkCreateBuffer", levelDevice},
	fnDestroyBuffer:                          {"vkDestroyBuffer", levelDevice},
	fnGetBufferMemoryRequirements:            {"vkGetBufferMemoryRequirements", levelDevice},
	fnAllocateMemory:                         {"vkAllocateMemory", levelDevice},
	fnFreeMemory:                             {"vkFreeMemory", levelDevice},
	fnBindBufferMemory:                       {"vkBindBufferMemory", levelDevice},
	fnMapMemory:                              {"vkMapMemory", levelDevice},
	fnUnmapMemory:                            {"vkUnmapMemory", levelDevice},
	fnCreateShaderModule:                     {"vkCreateShaderModule", levelDevice},
	fnDestroyShaderModule:                    {"vkDestroyShaderModule", levelDevice},
	fnCreateDescriptorSetLayout:              {"vkCreateDescriptorSetLayout", levelDevice},
	fnDestroyDescriptorSetLayout:             {"vkDestroyDescriptorSetLayout", levelDevice},
	fnCreatePipelineLayout:                   {"vkCreatePipelineLayout", levelDevice},
	fnDestroyPipelineLayout:                  {"vkDestroyPipelineLayout", levelDevice},
	fnCreateComputePipelines:                 {"vkCreateComputePipelines", levelDevice},
	fnDestroyPipeline:                        {"vkDestroyPipeline", levelDevice},
	fnCreateDescriptorPool:                   {"vkCreateDescriptorPool", levelDevice},
	fnDestroyDescriptorPool:                  {"vkDestroyDescriptorPool", levelDevice},
	fnResetDescriptorPool:                    {"vkResetDescriptorPool", levelDevice},
	fnAllocateDescriptorSets:                 {"vkAllocateDescriptorSets", levelDevice},
	fnUpdateDescriptorSets:                   {"vkUpdateDescriptorSets", levelDevice},
	fnCreateCommandPool:                      {"vkCreateCommandPool", levelDevice},
	fnDestroyCommandPool:                     {"vkDestroyCommandPool", levelDevice},
	fnAllocateCommandBuffers:                 {"vkAllocateCommandBuffers", levelDevice},
	fnBeginCommandBuffer:                     {"vkBeginCommandBuffer", levelDevice},
	fnEndCommandBuffer:                       {"vkEndCommandBuffer", levelDevice},
	fnResetCommandBuffer:                     {"vkResetCommandBuffer", levelDevice},
	fnCmdBindPipeline:                        {"vkCmdBindPipeline", levelDevice},
	fnCmdBindDescriptorSets:                  {"vkCmdBindDescriptorSets", levelDevice},
	fnCmdPushConstants:                       {"vkCmdPushConstants", levelDevice},
	fnCmdDispatch:                            {"vkCmdDispatch", levelDevice},
	fnCmdPipelineBarrier:                     {"vkCmdPipelineBarrier", levelDevice},
	fnCmdCopyBuffer:                          {"vkCmdCopyBuffer", levelDevice},
	fnCmdFillBuffer:                          {"vkCmdFillBuffer", levelDevice},
	fnQueueSubmit:                            {"vkQueueSubmit", levelDevice},
	fnCreateFence:                            {"vkCreateFence", levelDevice},
	fnDestroyFence:                           {"vkDestroyFence", levelDevice},
	fnWaitForFences:                          {"vkWaitForFences", levelDevice},
	fnResetFences:                            {"vkResetFences", levelDevice},
}

// table holds resolved function pointers. Instance-level and device-level
// pointers are filled as the instance and device are created.
type table [fnCount]uintptr

// call invokes a resolved entry point. Arguments are already uintptr: Go
// pointers passed here must be pinned (see pins) or point to memory the Go
// GC does not manage.
func (t *table) call(f fn, args ...uintptr) uintptr {
	r, _, _ := purego.SyscallN(t[f], args...)
	return r
}

// res calls an entry point that returns VkResult.
func (t *table) res(f fn, args ...uintptr) int32 {
	return int32(t.call(f, args...))
}

// resolve fills the table's entries of one level. getProc is
// vkGetInstanceProcAddr or vkGetDeviceProcAddr; handle the instance or
// device (0 for global functions). It returns the required names that did
// not resolve, which the binding-table test requires to be empty.
func (t *table) resolve(getProc, handle uintptr, level int) []string {
	var missing []string
	for i, e := range entries {
		if e.level != level {
			continue
		}
		name := cstr(e.name)
		p, _, _ := purego.SyscallN(getProc, handle, uintptr(unsafe.Pointer(&name[0])))
		runtime.KeepAlive(name)
		t[i] = p
		if p == 0 && !optional[i] {
			missing = append(missing, e.name)
		}
	}
	return missing
}

// cstr returns s as a NUL-terminated byte slice. Go's GC does not move
// heap objects, and slices handed to C here escape to the heap.
func cstr(s string) []byte {
	b := make([]byte, len(s)+1)
	copy(b, s)
	return b
}

// pins keeps every Go object whose address is handed to Vulkan in one call
// alive and unmoved until Unpin. Use: var p pins; defer p.Unpin(); ptr(&p, x).
type pins struct{ runtime.Pinner }

// ptr pins v and returns its address as a uintptr for a Vulkan argument or
// struct field.
func ptr[T any](p *pins, v *T) uintptr {
	if v == nil {
		return 0
	}
	p.Pin(v)
	return uintptr(unsafe.Pointer(v))
}

// sptr pins a slice's backing array and returns its address (0 if empty).
func sptr[T any](p *pins, s []T) uintptr {
	if len(s) == 0 {
		return 0
	}
	p.Pin(&s[0])
	return uintptr(unsafe.Pointer(&s[0]))
}

// strs pins NUL-terminated copies of ss and an array of pointers to them,
// as ppEnabledExtensionNames wants.
func strs(p *pins, ss []string) uintptr {
	if len(ss) == 0 {
		return 0
	}
	arr := make([]uintptr, len(ss))
	for i, s := range ss {
		arr[i] = sptr(p, cstr(s))
	}
	return sptr(p, arr)
}
