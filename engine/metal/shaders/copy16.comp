#version 450
// Copies n 16-bit elements (any alignment): dst[dstOff+i] = src[srcOff+i].
// The Metal backend's one data-movement kernel: uploads staged mid-step,
// same-dtype copies and sub-word offsets all go through it, so a step
// stays one compute encoder (no blit encoder switches).
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_int16 : require
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer S_ { uint16_t s[]; };
layout(std430, binding = 1) writeonly buffer D_ { uint16_t d[]; };
layout(push_constant) uniform P { int n, srcOff, dstOff; } p;
void main() {
	int i = int(gl_GlobalInvocationID.x);
	if (i < p.n) d[p.dstOff + i] = s[p.srcOff + i];
}
