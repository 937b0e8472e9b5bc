#version 450
// One torch.optim.Adam/AdamW step per element, the arithmetic of
// engine/train's Optimizer.apply (fp32 master weights and moments); gscale
// applies the global grad-norm clip. mode 1 = AdamW decay, 2 = Adam L2.
layout(local_size_x = 256) in;
layout(std430, binding = 0) buffer P_ { float par[]; };
layout(std430, binding = 1) readonly buffer G_ { float gr[]; };
layout(std430, binding = 2) buffer M_ { float m1[]; };
layout(std430, binding = 3) buffer V_ { float m2[]; };
layout(push_constant) uniform P { int n, mode; float w1, b2, w2, stepSize, bc2, eps, decay, l2, gscale; } p;
void main() {
	int i = int(gl_GlobalInvocationID.x);
	if (i >= p.n) return;
	float g = gr[i] * p.gscale;
	float x = par[i];
	if (p.mode == 1) x = x * p.decay;
	if (p.mode == 2) g = g + p.l2 * x;
	float m = m1[i] + p.w1 * (g - m1[i]);
	float v = m2[i] * p.b2 + (p.w2 * g) * g;
	float den = sqrt(v) / p.bc2 + p.eps;
	par[i] = x - p.stepSize * (m / den);
	m1[i] = m;
	m2[i] = v;
}
