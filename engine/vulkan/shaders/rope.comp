#version 450
// NeoX-style rotary embedding in place on rows of H heads of D values:
//   (a, b) = (x[i], x[i+D/2]) -> (a cos - s b sin, b cos + s a sin)
// with per-row cos/sin tables [rows, D/2] (computed on the host in float64,
// as the CPU path does). s = +1 forward, -1 backward (rotation by -θ).
layout(local_size_x = 64) in;
layout(std430, binding = 0) buffer X_ { float x[]; };
layout(std430, binding = 1) readonly buffer C_ { float cs[]; };
layout(std430, binding = 2) readonly buffer S_ { float sn[]; };
layout(push_constant) uniform P { int rows, heads, D, rowStride, xoff; float sign; } p;
void main() {
	int half_ = p.D / 2;
	int id = int(gl_GlobalInvocationID.x);
	int total = p.rows * p.heads * half_;
	if (id >= total) return;
	int i = id % half_;
	int h = (id / half_) % p.heads;
	int r = id / (half_ * p.heads);
	int base = p.xoff + r * p.rowStride + h * p.D;
	float c = cs[r * half_ + i], s = p.sign * sn[r * half_ + i];
	float a = x[base + i], b = x[base + i + half_];
	x[base + i] = a * c - b * s;
	x[base + i + half_] = b * c + a * s;
}
