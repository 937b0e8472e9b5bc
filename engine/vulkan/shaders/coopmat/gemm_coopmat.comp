#version 450
// Batched GEMM on cooperative matrices (VK_KHR_cooperative_matrix: tensor
// cores on NVIDIA, WMMA on AMD RDNA3+), fp16 inputs, fp32 accumulation:
//   C[b][m][n] = alpha * sum_k A(b,m,k) * B(b,k,n) + beta * C[b][m][n] + bias[n]
// Same operands, strides and push constants as ../gemm.comp, so the Go
// side records either kernel from one GEMM description. A is fp32 and is
// rounded to fp16 (saturating at +-65504) on its way into shared memory;
// B is bf16 (BTYPE 1, widened then rounded to fp16, exact for weights in
// fp16's normal range) or fp16 (BTYPE 2). Products accumulate in fp32.
//
// The one matrix shape used is M=N=K=16, A/B fp16, C fp32, subgroup scope:
// the shape NVIDIA and AMD both offer (engine/vulkan/coopmat.go checks the
// device lists it). A work group computes a 64x64 tile of C as 2x2 blocks
// of 32x32, one block per subgroup (2x2 16x16 accumulators each). The work
// group has 4 subgroups' worth of invocations (spec constant 0, set from
// the device's subgroup size); if the driver forms a different number of
// subgroups the blocks are handed out round by round, so the result never
// depends on the subgroup size.
//
// glslang writes every cooperative-matrix module for the Vulkan memory
// model, so the device must enable vulkanMemoryModel as well as
// cooperativeMatrix and shaderFloat16 (coopmat.go does).
//
// This file is compiled by build.sh with glslang 16.5.0 (Debian bookworm's
// glslc is too old for GL_KHR_cooperative_matrix); it is kept out of the
// *.comp globs of build.sh and engine/metal/shaders/build.sh on purpose.
#extension GL_KHR_cooperative_matrix : require
#extension GL_KHR_memory_scope_semantics : require
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_GOOGLE_include_directive : require
#include "../bf16.glsl"

#ifndef BTYPE
#define BTYPE 1
#endif
#define BM 64
#define BN 64
#define BK 32
#define T 16
// Row strides of the shared tiles, padded against bank conflicts; in bytes
// they stay multiples of 16 as coopMatLoad wants.
#define ASTRIDE (BK + 8)
#define BSTRIDE (BN + 8)

layout(local_size_x = 128, local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer A_ { float a[]; };
layout(std430, binding = 1) readonly buffer B_ { uint bw[]; };
layout(std430, binding = 2) buffer C_ { float c[]; };
layout(std430, binding = 3) readonly buffer Bias_ { float bias[]; };

layout(push_constant) uniform P {
	int M, N, K;
	int sam, sak, sbk, sbn, scm;
	int sa, sb, sc, bdiv;
	int aoff, boff, coff, hasBias;
	float alpha, beta;
} p;

shared float16_t As[BM * ASTRIDE]; // As[m][k]
shared float16_t Bs[BK * BSTRIDE]; // Bs[k][n]
shared float Cs[4][T * T];         // one 16x16 accumulator per block, for the epilogue

// toHalf rounds to fp16, saturating instead of overflowing to infinity.
float16_t toHalf(float v) { return float16_t(clamp(v, -65504.0, 65504.0)); }

float loadB(int i) {
	uint w = bw[i >> 1];
#if BTYPE == 1
	return bf16Half(w, i);
#else
	return unpackHalf2x16(w)[i & 1];
#endif
}

void main() {
	int tid = int(gl_LocalInvocationID.x);
	int nthreads = int(gl_WorkGroupSize.x);
	int m0 = int(gl_WorkGroupID.y) * BM, n0 = int(gl_WorkGroupID.x) * BN;
	int bt = int(gl_WorkGroupID.z);
	int abase = p.aoff + bt * p.sa;
	int bbase = p.boff + (bt / p.bdiv) * p.sb;
	uint nsg = gl_NumSubgroups, sg = gl_SubgroupID;
	uint rounds = (4u + nsg - 1u) / nsg;
	for (uint r = 0u; r < rounds; r++) {
		uint blk = r * nsg + sg;
		bool busy = blk < 4u; // this subgroup has a block this round
		int wm = int(blk / 2u) * 32, wn = int(blk % 2u) * 32;
		coopmat<float, gl_ScopeSubgroup, T, T, gl_MatrixUseAccumulator> acc[2][2];
		for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++)
			acc[i][j] = coopmat<float, gl_ScopeSubgroup, T, T, gl_MatrixUseAccumulator>(0.0);
		for (int k0 = 0; k0 < p.K; k0 += BK) {
			// Stage 64x32 of A and 32x64 of B as fp16, walking the operand's
			// contiguous dimension across neighbouring invocations.
			for (int e = tid; e < BM * BK; e += nthreads) {
				int kk, mm;
				if (p.sak == 1) { kk = e % BK; mm = e / BK; } else { mm = e % BM; kk = e / BM; }
				int gm = m0 + mm, gk = k0 + kk;
				As[mm * ASTRIDE + kk] = toHalf((gm < p.M && gk < p.K) ? a[abase + gm * p.sam + gk * p.sak] : 0.0);
			}
			for (int e = tid; e < BN * BK; e += nthreads) {
				int kk, nn;
				if (p.sbk == 1) { kk = e % BK; nn = e / BK; } else { nn = e % BN; kk = e / BN; }
				int gn = n0 + nn, gk = k0 + kk;
				Bs[kk * BSTRIDE + nn] = toHalf((gn < p.N && gk < p.K) ? loadB(bbase + gk * p.sbk + gn * p.sbn) : 0.0);
			}
			barrier();
			if (busy) {
				for (int kk = 0; kk < BK; kk += T) {
					coopmat<float16_t, gl_ScopeSubgroup, T, T, gl_MatrixUseA> ma[2];
					coopmat<float16_t, gl_ScopeSubgroup, T, T, gl_MatrixUseB> mb[2];
					for (int i = 0; i < 2; i++)
						coopMatLoad(ma[i], As, (wm + i * T) * ASTRIDE + kk, ASTRIDE, gl_CooperativeMatrixLayoutRowMajor);
					for (int j = 0; j < 2; j++)
						coopMatLoad(mb[j], Bs, kk * BSTRIDE + wn + j * T, BSTRIDE, gl_CooperativeMatrixLayoutRowMajor);
					for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++)
						acc[i][j] = coopMatMulAdd(ma[i], mb[j], acc[i][j]);
				}
			}
			barrier();
		}
		if (busy) {
			// Epilogue through shared memory: bounds, strides, alpha, beta
			// and bias are per element, which the opaque accumulator layout
			// does not allow in registers.
			int lane = int(gl_SubgroupInvocationID), width = int(gl_SubgroupSize);
			for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) {
				coopMatStore(acc[i][j], Cs[blk], 0, T, gl_CooperativeMatrixLayoutRowMajor);
				subgroupMemoryBarrierShared();
				subgroupBarrier();
				for (int e = lane; e < T * T; e += width) {
					int gm = m0 + wm + i * T + e / T, gn = n0 + wn + j * T + e % T;
					if (gm >= p.M || gn >= p.N) continue;
					int ci = p.coff + bt * p.sc + gm * p.scm + gn;
					float v = p.alpha * Cs[blk][e];
					if (p.beta != 0.0) v += p.beta * c[ci];
					if (p.hasBias != 0) v += bias[gn];
					c[ci] = v;
				}
				subgroupBarrier();
			}
		}
	}
}
