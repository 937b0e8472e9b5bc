package vulkan

// Vulkan structures as laid out by the C ABI on 64-bit targets. Go's field
// alignment on amd64/arm64 is the C one (uint32 then pointer gets 4 bytes
// of padding in both), so fields are written in C order with natural
// types. Pointers are uintptr so the GC never scans them; whatever they
// point to is pinned by the caller for the duration of the call. Sizes are
// checked against vulkan_core.h by TestStructLayouts where the header is
// installed.

const (
	stApplicationInfo             = 0
	stInstanceCreateInfo          = 1
	stDeviceQueueCreateInfo       = 2
	stDeviceCreateInfo            = 3
	stSubmitInfo                  = 4
	stMemoryAllocateInfo          = 5
	stFenceCreateInfo             = 8
	stBufferCreateInfo            = 12
	stShaderModuleCreateInfo      = 16
	stPipelineShaderStageCreate   = 18
	stComputePipelineCreateInfo   = 29
	stPipelineLayoutCreateInfo    = 30
	stDescriptorSetLayoutCreate   = 32
	stDescriptorPoolCreateInfo    = 33
	stDescriptorSetAllocateInfo   = 34
	stWriteDescriptorSet          = 35
	stCommandPoolCreateInfo       = 39
	stCommandBufferAllocateInfo   = 40
	stCommandBufferBeginInfo      = 42
	stMemoryBarrier               = 46
	queueCompute                  = 0x2
	memDeviceLocal                = 0x1
	memHostVisible                = 0x2
	memHostCoherent               = 0x4
	memHostCached                 = 0x8
	heapDeviceLocal               = 0x1
	bufTransferSrc                = 0x1
	bufTransferDst                = 0x2
	bufStorage                    = 0x20
	descStorageBuffer             = 7
	stageCompute                  = 0x20
	bindPointCompute              = 1
	pipeStageTransfer             = 0x1000
	pipeStageCompute              = 0x800
	pipeStageHost                 = 0x4000
	accessShaderRead              = 0x20
	accessShaderWrite             = 0x40
	accessTransferRead            = 0x800
	accessTransferWrite           = 0x1000
	accessHostRead                = 0x2000
	accessHostWrite               = 0x4000
	cmdPoolResetCommandBuffer     = 0x2
	cmdBufferOneTimeSubmit        = 0x1
	descPoolFreeDescriptorSet     = 0x1
	instanceEnumeratePortability  = 0x1
	devTypeOther                  = 0
	devTypeIntegrated             = 1
	devTypeDiscrete               = 2
	devTypeVirtual                = 3
	devTypeCPU                    = 4
	wholeSize                     = ^uint64(0)
	portabilityEnumerationExtName = "VK_KHR_portability_enumeration"
	portabilitySubsetExtName      = "VK_KHR_portability_subset"
)

type applicationInfo struct {
	sType              uint32
	pNext              uintptr
	pApplicationName   uintptr
	applicationVersion uint32
	pEngineName        uintptr
	engineVersion      uint32
	apiVersion         uint32
}

type instanceCreateInfo struct {
	sType                   uint32
	pNext                   uintptr
	flags                   uint32
	pApplicationInfo        uintptr
	enabledLayerCount       uint32
	ppEnabledLayerNames     uintptr
	enabledExtensionCount   uint32
	ppEnabledExtensionNames uintptr
}

type queueFamilyProperties struct {
	queueFlags         uint32
	queueCount         uint32
	timestampValidBits uint32
	granularity        [3]uint32
}

type memoryType struct {
	propertyFlags uint32
	heapIndex     uint32
}

type memoryHeap struct {
	size  uint64
	flags uint32
}

type memoryProperties struct {
	memoryTypeCount uint32
	memoryTypes     [32]memoryType
	memoryHeapCount uint32
	memoryHeaps     [16]memoryHeap
}

type extensionProperties struct {
	name        [256]byte
	specVersion uint32
}

type deviceQueueCreateInfo struct {
	sType            uint32
	pNext            uintptr
	flags            uint32
	queueFamilyIndex uint32
	queueCount       uint32
	pQueuePriorities uintptr
}

type deviceCreateInfo struct {
	sType                   uint32
	pNext                   uintptr
	flags                   uint32
	queueCreateInfoCount    uint32
	pQueueCreateInfos       uintptr
	enabledLayerCount       uint32
	ppEnabledLayerNames     uintptr
	enabledExtensionCount   uint32
	ppEnabledExtensionNames uintptr
	pEnabledFeatures        uintptr
}

type bufferCreateInfo struct {
	sType                 uint32
	pNext                 uintptr
	flags                 uint32
	size                  uint64
	usage                 uint32
	sharingMode           uint32
	queueFamilyIndexCount uint32
	pQueueFamilyIndices   uintptr
}

type memoryRequirements struct {
	size           uint64
	alignment      uint64
	memoryTypeBits uint32
}

type memoryAllocateInfo struct {
	sType           uint32
	pNext           uintptr
	allocationSize  uint64
	memoryTypeIndex uint32
}

type shaderModuleCreateInfo struct {
	sType    uint32
	pNext    uintptr
	flags    uint32
	codeSize uintptr
	pCode    uintptr
}

type descriptorSetLayoutBinding struct {
	binding            uint32
	descriptorType     uint32
	descriptorCount    uint32
	stageFlags         uint32
	pImmutableSamplers uintptr
}

type descriptorSetLayoutCreateInfo struct {
	sType        uint32
	pNext        uintptr
	flags        uint32
	bindingCount uint32
	pBindings    uintptr
}

type pushConstantRange struct {
	stageFlags uint32
	offset     uint32
	size       uint32
}

type pipelineLayoutCreateInfo struct {
	sType                  uint32
	pNext                  uintptr
	flags                  uint32
	setLayoutCount         uint32
	pSetLayouts            uintptr
	pushConstantRangeCount uint32
	pPushConstantRanges    uintptr
}

type specializationMapEntry struct {
	constantID uint32
	offset     uint32
	size       uintptr
}

type specializationInfo struct {
	mapEntryCount uint32
	pMapEntries   uintptr
	dataSize      uintptr
	pData         uintptr
}

type pipelineShaderStageCreateInfo struct {
	sType               uint32
	pNext               uintptr
	flags               uint32
	stage               uint32
	module              uintptr
	pName               uintptr
	pSpecializationInfo uintptr
}

type computePipelineCreateInfo struct {
	sType              uint32
	pNext              uintptr
	flags              uint32
	stage              pipelineShaderStageCreateInfo
	layout             uintptr
	basePipelineHandle uintptr
	basePipelineIndex  int32
}

type descriptorPoolSize struct {
	typ   uint32
	count uint32
}

type descriptorPoolCreateInfo struct {
	sType         uint32
	pNext         uintptr
	flags         uint32
	maxSets       uint32
	poolSizeCount uint32
	pPoolSizes    uintptr
}

type descriptorSetAllocateInfo struct {
	sType              uint32
	pNext              uintptr
	descriptorPool     uintptr
	descriptorSetCount uint32
	pSetLayouts        uintptr
}

type descriptorBufferInfo struct {
	buffer uintptr
	offset uint64
	rng    uint64
}

type writeDescriptorSet struct {
	sType            uint32
	pNext            uintptr
	dstSet           uintptr
	dstBinding       uint32
	dstArrayElement  uint32
	descriptorCount  uint32
	descriptorType   uint32
	pImageInfo       uintptr
	pBufferInfo      uintptr
	pTexelBufferView uintptr
}

type commandPoolCreateInfo struct {
	sType            uint32
	pNext            uintptr
	flags            uint32
	queueFamilyIndex uint32
}

type commandBufferAllocateInfo struct {
	sType              uint32
	pNext              uintptr
	commandPool        uintptr
	level              uint32
	commandBufferCount uint32
}

type commandBufferBeginInfo struct {
	sType            uint32
	pNext            uintptr
	flags            uint32
	pInheritanceInfo uintptr
}

type memoryBarrier struct {
	sType         uint32
	pNext         uintptr
	srcAccessMask uint32
	dstAccessMask uint32
}

type bufferCopy struct {
	srcOffset uint64
	dstOffset uint64
	size      uint64
}

type submitInfo struct {
	sType                uint32
	pNext                uintptr
	waitSemaphoreCount   uint32
	pWaitSemaphores      uintptr
	pWaitDstStageMask    uintptr
	commandBufferCount   uint32
	pCommandBuffers      uintptr
	signalSemaphoreCount uint32
	pSignalSemaphores    uintptr
}

type fenceCreateInfo struct {
	sType uint32
	pNext uintptr
	flags uint32
}

// Offsets into VkPhysicalDeviceProperties (824 bytes on 64-bit), read from
// a raw buffer rather than mirroring the 100-field limits struct.
const (
	propsSize              = 824
	propsAPIVersion        = 0
	propsDriverVersion     = 4
	propsVendorID          = 8
	propsDeviceID          = 12
	propsDeviceType        = 16
	propsDeviceName        = 20
	propsLimits            = 296
	limMaxStorageBufRange  = propsLimits + 28
	limMaxPushConstants    = propsLimits + 32
	limMaxAllocations      = propsLimits + 36
	limMaxSharedMemory     = propsLimits + 216
	limMaxWorkGroupCount   = propsLimits + 220
	limMaxWorkGroupInvocat = propsLimits + 232
	limMaxWorkGroupSize    = propsLimits + 236
)
