package vulkan

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"
)

// TestStructLayouts compiles a C program against vulkan_core.h and checks
// that every Go mirror of a Vulkan struct has the C size, and the property
// offsets this package reads by hand are right. It needs a C compiler and
// the Vulkan headers (Debian libvulkan-dev), so it skips without them; the
// parity tests would fail loudly anyway if a layout were wrong.
func TestStructLayouts(t *testing.T) {
	if _, err := os.Stat("/usr/include/vulkan/vulkan_core.h"); err != nil {
		t.Skip("no /usr/include/vulkan/vulkan_core.h (apt install libvulkan-dev to run this check)")
	}
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("no C compiler to check struct layouts against vulkan_core.h")
	}
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("layouts are only mirrored for 64-bit targets")
	}
	sizes := []struct {
		c   string
		go_ uintptr
	}{
		{"VkApplicationInfo", unsafe.Sizeof(applicationInfo{})},
		{"VkInstanceCreateInfo", unsafe.Sizeof(instanceCreateInfo{})},
		{"VkQueueFamilyProperties", unsafe.Sizeof(queueFamilyProperties{})},
		{"VkPhysicalDeviceMemoryProperties", unsafe.Sizeof(memoryProperties{})},
		{"VkExtensionProperties", unsafe.Sizeof(extensionProperties{})},
		{"VkDeviceQueueCreateInfo", unsafe.Sizeof(deviceQueueCreateInfo{})},
		{"VkDeviceCreateInfo", unsafe.Sizeof(deviceCreateInfo{})},
		{"VkBufferCreateInfo", unsafe.Sizeof(bufferCreateInfo{})},
		{"VkMemoryRequirements", unsafe.Sizeof(memoryRequirements{})},
		{"VkMemoryAllocateInfo", unsafe.Sizeof(memoryAllocateInfo{})},
		{"VkShaderModuleCreateInfo", unsafe.Sizeof(shaderModuleCreateInfo{})},
		{"VkDescriptorSetLayoutBinding", unsafe.Sizeof(descriptorSetLayoutBinding{})},
		{"VkDescriptorSetLayoutCreateInfo", unsafe.Sizeof(descriptorSetLayoutCreateInfo{})},
		{"VkPushConstantRange", unsafe.Sizeof(pushConstantRange{})},
		{"VkPipelineLayoutCreateInfo", unsafe.Sizeof(pipelineLayoutCreateInfo{})},
		{"VkSpecializationMapEntry", unsafe.Sizeof(specializationMapEntry{})},
		{"VkSpecializationInfo", unsafe.Sizeof(specializationInfo{})},
		{"VkPipelineShaderStageCreateInfo", unsafe.Sizeof(pipelineShaderStageCreateInfo{})},
		{"VkComputePipelineCreateInfo", unsafe.Sizeof(computePipelineCreateInfo{})},
		{"VkDescriptorPoolSize", unsafe.Sizeof(descriptorPoolSize{})},
		{"VkDescriptorPoolCreateInfo", unsafe.Sizeof(descriptorPoolCreateInfo{})},
		{"VkDescriptorSetAllocateInfo", unsafe.Sizeof(descriptorSetAllocateInfo{})},
		{"VkDescriptorBufferInfo", unsafe.Sizeof(descriptorBufferInfo{})},
		{"VkWriteDescriptorSet", unsafe.Sizeof(writeDescriptorSet{})},
		{"VkCommandPoolCreateInfo", unsafe.Sizeof(commandPoolCreateInfo{})},
		{"VkCommandBufferAllocateInfo", unsafe.Sizeof(commandBufferAllocateInfo{})},
		{"VkCommandBufferBeginInfo", unsafe.Sizeof(commandBufferBeginInfo{})},
		{"VkMemoryBarrier", unsafe.Sizeof(memoryBarrier{})},
		{"VkBufferCopy", unsafe.Sizeof(bufferCopy{})},
		{"VkSubmitInfo", unsafe.Sizeof(submitInfo{})},
		{"VkFenceCreateInfo", unsafe.Sizeof(fenceCreateInfo{})},
	}
	offsets := []struct {
		expr string
		want uintptr
	}{
		{"sizeof(VkPhysicalDeviceProperties)", propsSize},
		{"offsetof(VkPhysicalDeviceProperties, deviceType)", propsDeviceType},
		{"offsetof(VkPhysicalDeviceProperties, deviceName)", propsDeviceName},
		{"offsetof(VkPhysicalDeviceProperties, limits)", propsLimits},
		{"offsetof(VkPhysicalDeviceProperties, limits.maxStorageBufferRange)", limMaxStorageBufRange},
		{"offsetof(VkPhysicalDeviceProperties, limits.maxPushConstantsSize)", limMaxPushConstants},
		{"offsetof(VkPhysicalDeviceProperties, limits.maxMemoryAllocationCount)", limMaxAllocations},
		{"offsetof(VkPhysicalDeviceProperties, limits.maxComputeSharedMemorySize)", limMaxSharedMemory},
		{"offsetof(VkPhysicalDeviceProperties, limits.maxComputeWorkGroupCount)", limMaxWorkGroupCount},
		{"offsetof(VkPhysicalDeviceProperties, limits.maxComputeWorkGroupInvocations)", limMaxWorkGroupInvocat},
		{"offsetof(VkPhysicalDeviceProperties, limits.maxComputeWorkGroupSize)", limMaxWorkGroupSize},
		{"offsetof(VkComputePipelineCreateInfo, stage)", unsafe.Offsetof(computePipelineCreateInfo{}.stage)},
		{"offsetof(VkComputePipelineCreateInfo, layout)", unsafe.Offsetof(computePipelineCreateInfo{}.layout)},
		{"offsetof(VkPhysicalDeviceMemoryProperties, memoryHeaps)", unsafe.Offsetof(memoryProperties{}.memoryHeaps)},
		{"offsetof(VkWriteDescriptorSet, pBufferInfo)", unsafe.Offsetof(writeDescriptorSet{}.pBufferInfo)},
		{"offsetof(VkSubmitInfo, pCommandBuffers)", unsafe.Offsetof(submitInfo{}.pCommandBuffers)},
	}
	var src strings.Builder
	src.WriteString("#include <stdio.h>\n#include <stddef.h>\n#include <vulkan/vulkan_core.h>\nint main(void){\n")
	for _, s := range sizes {
		fmt.Fprintf(&src, "printf(\"%%zu\\n\", sizeof(%s));\n", s.c)
	}
	for _, o := range offsets {
		fmt.Fprintf(&src, "printf(\"%%zu\\n\", (size_t)(%s));\n", o.expr)
	}
	src.WriteString("return 0;}\n")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "l.c"), []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "l")
	if out, err := exec.Command(cc, "-o", bin, filepath.Join(dir, "l.c")).CombinedOutput(); err != nil {
		t.Fatalf("compile layout probe: %v\n%s", err, out)
	}
	out, err := exec.Command(bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Fields(string(out))
	for i, s := range sizes {
		if got[i] != fmt.Sprint(s.go_) {
			t.Errorf("sizeof(%s): C %s, Go %d", s.c, got[i], s.go_)
		}
	}
	for i, o := range offsets {
		if g := got[len(sizes)+i]; g != fmt.Sprint(o.want) {
			t.Errorf("%s: C %s, Go %d", o.expr, g, o.want)
		}
	}
}
