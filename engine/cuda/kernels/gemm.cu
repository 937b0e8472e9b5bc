// gemm.cu: the plain fp32 GEMM every card from compute 7.5 runs, and the
// streaming GEMV decode uses. One kernel shape covers the three products
// of a transformer layer (y = x·Wᵀ, dx = dy·W, dW += dyᵀ·x) through element
// strides:
//
//   C[m,n] = Σ_k A[m·sam + k·sak] · B[k·sbk + n·sbn] (+ bias[n]) (+ C[m,n])
//
// A and C are fp32; B (the weight) is fp32, bf16 or f16, converted on load.
#include "common.cuh"

#define BM 64
#define BN 64
#define BK 16

template <int BT>
__device__ __forceinline__ void gemm_tiled(float* C, const float* A, const void* B, const float* bias, int M, int N, int K,
                                           long sam, long sak, long sbk, long sbn, int accumulate) {
  __shared__ float As[BK][BM + 4];
  __shared__ float Bs[BK][BN + 4];
  int tx = threadIdx.x & 15, ty = threadIdx.x >> 4;
  int m0 = blockIdx.y * BM, n0 = blockIdx.x * BN;
  float acc[4][4];
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) acc[i][j] = 0.f;
  for (int k0 = 0; k0 < K; k0 += BK) {
    for (int e = threadIdx.x; e < BK * BM; e += 256) {
      int kk, mm;
      if (sak == 1) { kk = e & (BK - 1); mm = e / BK; } else { mm = e & (BM - 1); kk = e / BM; }
      int gm = m0 + mm, gk = k0 + kk;
      As[kk][mm] = (gm < M && gk < K) ? A[gm * sam + gk * sak] : 0.f;
      int kb, nb;
      if (sbk == 1) { kb = e & (BK - 1); nb = e / BK; } else { nb = e & (BN - 1); kb = e / BN; }
      int gn = n0 + nb, gk2 = k0 + kb;
      Bs[kb][nb] = (gn < N && gk2 < K) ? ldt<BT>(B, gk2 * sbk + gn * sbn) : 0.f;
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < BK; kk++) {
      float a[4], b[4];
#pragma unroll
      for (int i = 0; i < 4; i++) {
        a[i] = As[kk][ty + 16 * i];
        b[i] = Bs[kk][tx + 16 * i];
      }
#pragma unroll
      for (int i = 0; i < 4; i++)
#pragma unroll
        for (int j = 0; j < 4; j++) acc[i][j] += a[i] * b[j];
    }
    __syncthreads();
  }
  for (int i = 0; i < 4; i++) {
    int m = m0 + ty + 16 * i;
    if (m >= M) continue;
    for (int j = 0; j < 4; j++) {
      int n = n0 + tx + 16 * j;
      if (n >= N) continue;
      float v = acc[i][j];
      if (bias != 0) v += bias[n];
      long o = (long)m * N + n;
      if (accumulate) v += C[o];
      C[o] = v;
    }
  }
}

// Grid (ceil(N/64), ceil(M/64)), 256 threads.
extern "C" __global__ void gemm_f32(float* C, const float* A, const void* B, const float* bias, int M, int N, int K,
                                   long sam, long sak, long sbk, long sbn, int accumulate) {
  gemm_tiled<DT_F32>(C, A, B, bias, M, N, K, sam, sak, sbk, sbn, accumulate);
}
extern "C" __global__ void gemm_bf16(float* C, const float* A, const void* B, const float* bias, int M, int N, int K,
                                    long sam, long sak, long sbk, long sbn, int accumulate) {
  gemm_tiled<DT_BF16>(C, A, B, bias, M, N, K, sam, sak, sbk, sbn, accumulate);
}
extern "C" __global__ void gemm_f16(float* C, const float* A, const void* B, const float* bias, int M, int N, int K,
                                   long sam, long sak, long sbk, long sbn, int accumulate) {
  gemm_tiled<DT_F16>(C, A, B, bias, M, N, K, sam, sak, sbk, sbn, accumulate);
}

// GEMV_MAXM is the most rows the streaming kernel takes (decode batches).
#define GEMV_MAXM 8

// gemv: C[M,N] = A[M,K]·B[N,K]ᵀ (+ bias) for M ≤ 8, one warp per output
// column n streaming B's row once for all M rows: decode is bound by
// reading the weights, so each weight is read exactly once.
template <int BT>
__device__ __forceinline__ void gemv_rows(float* C, const float* A, const void* B, const float* bias, int M, int N, int K, int accumulate) {
  int lane = threadIdx.x & 31;
  int n = blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
  if (n >= N) return;
  float acc[GEMV_MAXM];
  for (int m = 0; m < GEMV_MAXM; m++) acc[m] = 0.f;
  long row = (long)n * K;
  if (BT != DT_F32 && (K & 7) == 0 && (((u64)B + (u64)row * 2) & 15) == 0) {
    // 8 half-words per lane per step: 512 contiguous bytes per warp.
    const uint4* b8 = (const uint4*)((const u16*)B + row);
    for (int k8 = lane; k8 < K / 8; k8 += 32) {
      uint4 w = b8[k8];
      u32 ws[4] = {w.x, w.y, w.z, w.w};
      float wf[8];
      for (int t = 0; t < 4; t++) {
        wf[2 * t] = BT == DT_BF16 ? bf16_to_f32((u16)(ws[t] & 0xffff)) : f16_to_f32((u16)(ws[t] & 0xffff));
        wf[2 * t + 1] = BT == DT_BF16 ? bf16_to_f32((u16)(ws[t] >> 16)) : f16_to_f32((u16)(ws[t] >> 16));
      }
      for (int m = 0; m < GEMV_MAXM; m++) {
        if (m >= M) break;
        const float* a = A + (long)m * K + k8 * 8;
        float s = 0.f;
        for (int t = 0; t < 8; t++) s += a[t] * wf[t];
        acc[m] += s;
      }
    }
  } else {
    for (int k = lane; k < K; k += 32) {
      float w = ldt<BT>(B, row + k);
      for (int m = 0; m < GEMV_MAXM; m++) {
        if (m >= M) break;
        acc[m] += A[(long)m * K + k] * w;
      }
    }
  }
  for (int m = 0; m < GEMV_MAXM; m++) {
    if (m >= M) break;
    float v = warp_sum(acc[m]);
    if (lane == 0) {
      if (bias != 0) v += bias[n];
      long o = (long)m * N + n;
      if (accumulate) v += C[o];
      C[o] = v;
    }
  }
}

// Grid ceil(N/8), 256 threads.
extern "C" __global__ void gemv_f32(float* C, const float* A, const void* B, const float* bias, int M, int N, int K, int accumulate) {
  gemv_rows<DT_F32>(C, A, B, bias, M, N, K, accumulate);
}
extern "C" __global__ void gemv_bf16(float* C, const float* A, const void* B, const float* bias, int M, int N, int K, int accumulate) {
  gemv_rows<DT_BF16>(C, A, B, bias, M, N, K, accumulate);
}
extern "C" __global__ void gemv_f16(float* C, const float* A, const void* B, const float* bias, int M, int N, int K, int accumulate) {
  gemv_rows<DT_F16>(C, A, B, bias, M, N, K, accumulate);
}
