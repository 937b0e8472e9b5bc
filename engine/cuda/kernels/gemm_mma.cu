// gemm_mma.cu: the bf16 tensor-core GEMM for compute capability 8.0 and
// newer (compiled for compute_80). It computes the forward product of a
// Linear layer with bf16 weights,
//
//   C[M,N] = A[M,K]·B[N,K]ᵀ (+ bias[N]) (+ C),  A fp32 (row stride lda),
//   B bf16 rows of stride ldb,
//
// rounding A to bf16 as it is staged (the weights are bf16 already) and
// accumulating in fp32 with mma.sync.m16n8k16, written as inline PTX
// because NVRTC here has no CUDA headers. Tile: 128 threads (2×2 warps)
// make a 64×64 block of C, each warp 32×32 = 2×4 mma tiles, K in steps of
// 32 through shared memory.
#include "common.cuh"

#define TM 64
#define TN 64
#define TK 32
#define LDS (TK + 8) // padded row (u16): fragment loads hit 32 distinct banks

__device__ __forceinline__ u32 pack2(const u16* p) { return *(const u32*)p; }

__device__ __forceinline__ void mma_bf16(float* c, u32 a0, u32 a1, u32 a2, u32 a3, u32 b0, u32 b1) {
  asm volatile(
      "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
      : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1));
}

// Grid (ceil(N/64), ceil(M/64)), 128 threads.
extern "C" __global__ void gemm_mma_bf16(float* C, const float* A, const u16* B, const float* bias, int M, int N, int K,
                                        long lda, long ldb, int accumulate) {
  __shared__ __align__(16) u16 As[TM * LDS];
  __shared__ __align__(16) u16 Bs[TN * LDS];
  int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  int wm = (warp >> 1) * 32, wn = (warp & 1) * 32;
  int g = lane >> 2, t = lane & 3;
  int m0 = blockIdx.y * TM, n0 = blockIdx.x * TN;
  float acc[2][4][4];
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 4; j++)
      for (int e = 0; e < 4; e++) acc[i][j][e] = 0.f;
  // Each thread stages 16 consecutive k of one row of A and of B.
  int lr = tid >> 1, lk = (tid & 1) * 16;
  for (int k0 = 0; k0 < K; k0 += TK) {
    int gm = m0 + lr, gn = n0 + lr;
    for (int e = 0; e < 16; e++) {
      int gk = k0 + lk + e;
      float a = (gm < M && gk < K) ? A[(long)gm * lda + gk] : 0.f;
      As[lr * LDS + lk + e] = f32_to_bf16(a);
      Bs[lr * LDS + lk + e] = (gn < N && gk < K) ? B[(long)gn * ldb + gk] : (u16)0;
    }
    __syncthreads();
#pragma unroll
    for (int ks = 0; ks < TK; ks += 16) {
      u32 af[2][4], bf[4][2];
#pragma unroll
      for (int i = 0; i < 2; i++) {
        const u16* r0 = As + (wm + i * 16 + g) * LDS + ks + t * 2;
        const u16* r8 = r0 + 8 * LDS;
        af[i][0] = pack2(r0);
        af[i][1] = pack2(r8);
        af[i][2] = pack2(r0 + 8);
        af[i][3] = pack2(r8 + 8);
      }
#pragma unroll
      for (int j = 0; j < 4; j++) {
        const u16* c0 = Bs + (wn + j * 8 + g) * LDS + ks + t * 2;
        bf[j][0] = pack2(c0);
        bf[j][1] = pack2(c0 + 8);
      }
#pragma unroll
      for (int i = 0; i < 2; i++)
#pragma unroll
        for (int j = 0; j < 4; j++) mma_bf16(acc[i][j], af[i][0], af[i][1], af[i][2], af[i][3], bf[j][0], bf[j][1]);
    }
    __syncthreads();
  }
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 4; j++)
      for (int e = 0; e < 4; e++) {
        int m = m0 + wm + i * 16 + g + (e >> 1) * 8;
        int n = n0 + wn + j * 8 + t * 2 + (e & 1);
        if (m >= M || n >= N) continue;
        float v = acc[i][j][e];
        if (bias != 0) v += bias[n];
        long o = (long)m * N + n;
        if (accumulate) v += C[o];
        C[o] = v;
      }
}
