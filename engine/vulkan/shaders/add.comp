#version 450
// out = a + b (the residual connection).
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer A_ { float a[]; };
layout(std430, binding = 1) readonly buffer B_ { float b[]; };
layout(std430, binding = 2) writeonly buffer O_ { float o[]; };
layout(push_constant) uniform P { int n; } p;
void main() {
	int i = int(gl_GlobalInvocationID.x);
	if (i < p.n) o[i] = a[i] + b[i];
}
