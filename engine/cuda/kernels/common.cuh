// common.cuh: helpers every kernel file includes. NVRTC runs without a CUDA
// toolkit here (Debian's libnvrtc11.2 ships no headers), so nothing from
// <cuda_bf16.h> or <cuda_fp16.h>: bf16 is float32's top half, converted in
// integer arithmetic exactly like engine/cpu.F32ToBF16, and f16 goes
// through the PTX cvt instructions.
#pragma once

typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

// NEG_INF is −∞ (no <math.h> here).
#define NEG_INF __uint_as_float(0xff800000u)

// Buffer element types, as backend.DType numbers them.
#define DT_F32 0
#define DT_BF16 1
#define DT_F16 2

__device__ __forceinline__ float bf16_to_f32(u16 x) { return __uint_as_float(((u32)x) << 16); }

// Round to nearest even; NaN keeps its sign and becomes quiet.
__device__ __forceinline__ u16 f32_to_bf16(float f) {
  u32 u = __float_as_uint(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return (u16)((u >> 16) | 0x40u);
  u += 0x7fffu + ((u >> 16) & 1u);
  return (u16)(u >> 16);
}

__device__ __forceinline__ float f16_to_f32(u16 h) {
  float f;
  asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(h));
  return f;
}

__device__ __forceinline__ u16 f32_to_f16(float f) {
  u16 h;
  asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(f));
  return h;
}

// ld reads element i of a buffer of type dt as float32.
__device__ __forceinline__ float ld(const void* p, long i, int dt) {
  if (dt == DT_BF16) return bf16_to_f32(((const u16*)p)[i]);
  if (dt == DT_F16) return f16_to_f32(((const u16*)p)[i]);
  return ((const float*)p)[i];
}

// st writes v into element i of a buffer of type dt.
__device__ __forceinline__ void st(void* p, long i, int dt, float v) {
  if (dt == DT_BF16) ((u16*)p)[i] = f32_to_bf16(v);
  else if (dt == DT_F16) ((u16*)p)[i] = f32_to_f16(v);
  else ((float*)p)[i] = v;
}

// ldt is ld with the type fixed at compile time (GEMM operands).
template <int DT> __device__ __forceinline__ float ldt(const void* p, long i) {
  if (DT == DT_BF16) return bf16_to_f32(((const u16*)p)[i]);
  if (DT == DT_F16) return f16_to_f32(((const u16*)p)[i]);
  return ((const float*)p)[i];
}

__device__ __forceinline__ float warp_sum(float v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

__device__ __forceinline__ double warp_sum_d(double v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

__device__ __forceinline__ float warp_max(float v) {
  for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

// block_sum_d adds v over the block (blockDim.x a multiple of 32, at most
// 1024); every thread gets the total. sh holds 32 doubles.
__device__ __forceinline__ double block_sum_d(double v, double* sh) {
  v = warp_sum_d(v);
  int w = threadIdx.x >> 5, l = threadIdx.x & 31;
  __syncthreads();
  if (l == 0) sh[w] = v;
  __syncthreads();
  int nw = blockDim.x >> 5;
  v = (l < nw) ? sh[l] : 0.0;
  return warp_sum_d(v);
}
