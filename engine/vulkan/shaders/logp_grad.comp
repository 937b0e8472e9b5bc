#version 450
// Gradient of logp = log_softmax(logits)[target] through one chunk:
//   dlogits[r, j] = g[r] * (onehot(v0 + j == target[r]) - exp(logits[r, j] - lse[r]))
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer L_ { float lg[]; };
layout(std430, binding = 1) readonly buffer T_ { int tgt[]; };
layout(std430, binding = 2) readonly buffer E_ { float lse[]; };
layout(std430, binding = 3) readonly buffer G_ { float g[]; };
layout(std430, binding = 4) writeonly buffer D_ { float dl[]; };
layout(push_constant) uniform P { int R, Vc, v0; } p;
void main() {
	int i = int(gl_GlobalInvocationID.x);
	if (i >= p.R * p.Vc) return;
	int r = i / p.Vc, j = i % p.Vc;
	float pr = exp(lg[i] - lse[r]);
	dl[i] = g[r] * ((p.v0 + j == tgt[r] ? 1.0 : 0.0) - pr);
}
