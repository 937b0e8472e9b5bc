#version 450
// y = alpha * x + beta * y (gradient accumulation and scaling).
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer X_ { float x[]; };
layout(std430, binding = 1) buffer Y_ { float y[]; };
layout(push_constant) uniform P { int n; float alpha, beta; } p;
void main() {
	int i = int(gl_GlobalInvocationID.x);
	if (i < p.n) y[i] = p.alpha * x[i] + (p.beta == 0.0 ? 0.0 : p.beta * y[i]);
}
