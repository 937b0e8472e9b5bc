package vulkan

import (
	"embed"
	"encoding/binary"

	"github.com/swarmdesk/swarmdesk/engine/backend/gpu"
)

// The compiled kernels. shaders/build.sh writes them from shaders/*.comp;
// CI rebuilds them and fails if the bytes differ from these.
//
//go:embed spv/*.spv
var spvFS embed.FS

// kernelKey names a pipeline: a shader plus its specialization constants
// (workgroup shape and similar compile-time choices), the "shape class" a
// pipeline is cached for.
type kernelKey struct {
	name string
	spec [4]uint32
}

// pipeline is one compute pipeline with its layouts. Every kernel binds
// nbuf storage buffers at set 0, bindings 0..nbuf-1, and takes up to
// pushSize bytes of push constants (shapes, offsets, scalars).
type pipeline struct {
	module, dsl, layout, pipe uintptr
	nbuf                      int
}

const pushSize = 128

// kernelBuffers is how many storage buffers each shader binds. It must
// match the shaders' layout(binding=N) declarations (the parity tests
// exercise every kernel, so a mismatch fails there).
var kernelBuffers = map[string]int{
	"gemm_f32":       4,
	"gemm_bf16":      4,
	"gemm_f16":       4,
	"gemv_f32":       4,
	"gemv_bf16":      4,
	"gemv_f16":       4,
	"rmsnorm":        4,
	"rmsnorm_bwd":    5,
	"rmsnorm_bwd_dw": 4,
	"rope":           3,
	"softmax_causal": 2,
	"softmax_bwd":    2,
	"attn_decode":    6,
	"swiglu":         3,
	"swiglu_bwd":     5,
	"add":            3,
	"scale_add":      2,
	"embed":          3,
	"embed_bf16":     3,
	"embed_bwd":      3,
	"rmsnorm_scale":  4,
	"kv_append":      4,
	"kv_append_bf16": 4,
	"colsum":         2,
	"lse_chunk":      3,
	"logp_final":     3,
	"logp_grad":      5,
	"adamw":          4,
	"sumsq":          2,
	"cast_f32_bf16":  2,
	"cast_bf16_f32":  2,
	"cast_f32_f16":   2,
	"cast_f16_f32":   2,
	"sample":         5,
}

// The flash-attention kernels, one per head width and K/V type the op
// layer has one for.
func init() {
	for _, k := range gpu.FlashKernels() {
		kernelBuffers[k] = 5
	}
}

// pipelineFor returns the cached pipeline for key, building it on first use.
func (d *Device) pipelineFor(key kernelKey) (*pipeline, error) {
	if k, ok := d.kernels[key]; ok {
		return k, nil
	}
	nbuf, ok := kernelBuffers[key.name]
	if !ok {
		return nil, &Error{Kind: ErrBadArgument, Op: "kernel " + key.name, Detail: "unknown kernel"}
	}
	code, err := spvFS.ReadFile("spv/" + key.name + ".spv")
	if err != nil || len(code)%4 != 0 || len(code) < 20 || binary.LittleEndian.Uint32(code) != 0x07230203 {
		return nil, &Error{Kind: ErrShader, Op: "kernel " + key.name, Detail: "embedded SPIR-V missing or malformed"}
	}
	k := &pipeline{nbuf: nbuf}
	if err := d.buildPipeline(k, key, code); err != nil {
		k.destroy(d)
		return nil, err
	}
	d.kernels[key] = k
	return k, nil
}

func (d *Device) buildPipeline(k *pipeline, key kernelKey, code []byte) error {
	var p pins
	defer p.Unpin()
	op := "build kernel " + key.name
	smci := &shaderModuleCreateInfo{sType: stShaderModuleCreateInfo, codeSize: uintptr(len(code)), pCode: sptr(&p, append([]byte(nil), code...))}
	if r := d.tab.res(fnCreateShaderModule, d.handle, ptr(&p, smci), 0, ptr(&p, &k.module)); r != vkSuccess {
		return check(r, op+": vkCreateShaderModule", ErrShader)
	}
	binds := make([]descriptorSetLayoutBinding, k.nbuf)
	for i := range binds {
		binds[i] = descriptorSetLayoutBinding{binding: uint32(i), descriptorType: descStorageBuffer, descriptorCount: 1, stageFlags: stageCompute}
	}
	dslci := &descriptorSetLayoutCreateInfo{sType: stDescriptorSetLayoutCreate, bindingCount: uint32(k.nbuf), pBindings: sptr(&p, binds)}
	if r := d.tab.res(fnCreateDescriptorSetLayout, d.handle, ptr(&p, dslci), 0, ptr(&p, &k.dsl)); r != vkSuccess {
		return check(r, op+": vkCreateDescriptorSetLayout", ErrInit)
	}
	pcr := &pushConstantRange{stageFlags: stageCompute, size: pushSize}
	sets := []uintptr{k.dsl}
	plci := &pipelineLayoutCreateInfo{sType: stPipelineLayoutCreateInfo, setLayoutCount: 1, pSetLayouts: sptr(&p, sets),
		pushConstantRangeCount: 1, pPushConstantRanges: ptr(&p, pcr)}
	if r := d.tab.res(fnCreatePipelineLayout, d.handle, ptr(&p, plci), 0, ptr(&p, &k.layout)); r != vkSuccess {
		return check(r, op+": vkCreatePipelineLayout", ErrInit)
	}
	// Only non-zero constants are specialized; zero keeps the shader's default.
	var entries []specializationMapEntry
	for i, v := range key.spec {
		if v != 0 {
			entries = append(entries, specializationMapEntry{constantID: uint32(i), offset: uint32(4 * i), size: 4})
		}
	}
	specData := key.spec
	var si *specializationInfo
	if len(entries) > 0 {
		si = &specializationInfo{mapEntryCount: uint32(len(entries)), pMapEntries: sptr(&p, entries), dataSize: 16, pData: ptr(&p, &specData)}
	}
	cpci := &computePipelineCreateInfo{sType: stComputePipelineCreateInfo,
		stage: pipelineShaderStageCreateInfo{sType: stPipelineShaderStageCreate, stage: stageCompute, module: k.module,
			pName: sptr(&p, cstr("main")), pSpecializationInfo: ptr(&p, si)},
		layout: k.layout, basePipelineIndex: -1}
	if r := d.tab.res(fnCreateComputePipelines, d.handle, 0, 1, ptr(&p, cpci), 0, ptr(&p, &k.pipe)); r != vkSuccess {
		return check(r, op+": vkCreateComputePipelines", ErrShader)
	}
	return nil
}

func (k *pipeline) destroy(d *Device) {
	if k.pipe != 0 {
		d.tab.call(fnDestroyPipeline, d.handle, k.pipe, 0)
	}
	if k.layout != 0 {
		d.tab.call(fnDestroyPipelineLayout, d.handle, k.layout, 0)
	}
	if k.dsl != 0 {
		d.tab.call(fnDestroyDescriptorSetLayout, d.handle, k.dsl, 0)
	}
	if k.module != 0 {
		d.tab.call(fnDestroyShaderModule, d.handle, k.module, 0)
	}
}

// Kernels lists the embedded kernels, for the test that builds every one.
func Kernels() []string {
	out := make([]string, 0, len(kernelBuffers))
	for k := range kernelBuffers {
		out = append(out, k)
	}
	return out
}
