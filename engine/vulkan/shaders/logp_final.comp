#version 450
// Chunked LM-head log-probability, step 2: logp = target logit - logsumexp.
layout(local_size_x = 64) in;
layout(std430, binding = 0) readonly buffer S_ { float st[]; };
layout(std430, binding = 1) writeonly buffer O_ { float logp[]; };
layout(std430, binding = 2) writeonly buffer L_ { float lse[]; };
layout(push_constant) uniform P { int R; } p;
void main() {
	int r = int(gl_GlobalInvocationID.x);
	if (r >= p.R) return;
	float l = st[3 * r] + log(st[3 * r + 1]);
	lse[r] = l;
	logp[r] = st[3 * r + 2] - l;
}
