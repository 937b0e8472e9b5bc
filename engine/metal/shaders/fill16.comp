#version 450
// Sets n 16-bit elements from dstOff to the bit pattern v (Zero).
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_int16 : require
layout(local_size_x = 256) in;
layout(std430, binding = 0) writeonly buffer D_ { uint16_t d[]; };
layout(push_constant) uniform P { int n, dstOff, v; } p;
void main() {
	int i = int(gl_GlobalInvocationID.x);
	if (i < p.n) d[p.dstOff + i] = uint16_t(p.v);
}
