// lmhead.cu: the chunked log-softmax gather. The LM head's logits are made
// one vocabulary chunk at a time by the GEMM kernels into logits
// [rows, vc]; these kernels fold each chunk into a running (max, sum,
// target logit) per row, so no [rows, vocab] matrix ever exists.
#include "common.cuh"

// lse_chunk folds logits [rows, vc] of vocabulary ids [v0, v0+vc) into
// state [rows, 3] = (max, Σexp(x−max) as float, target logit); first
// starts the fold. One block of 256 threads per row.
extern "C" __global__ void lse_chunk(float* state, const float* logits, const int* targets, int vc, int v0, int first) {
  __shared__ float shm[32];
  __shared__ double shs[32];
  long r = blockIdx.x;
  const float* x = logits + r * vc;
  float bm = NEG_INF;
  for (int c = threadIdx.x; c < vc; c += blockDim.x) bm = fmaxf(bm, x[c]);
  bm = warp_max(bm);
  int w = threadIdx.x >> 5, l = threadIdx.x & 31;
  if (l == 0) shm[w] = bm;
  __syncthreads();
  bm = (l < (int)(blockDim.x >> 5)) ? shm[l] : NEG_INF;
  bm = warp_max(bm);
  float* st3 = state + r * 3;
  float m0 = first ? NEG_INF : st3[0];
  float mn = fmaxf(m0, bm);
  double s = 0;
  for (int c = threadIdx.x; c < vc; c += blockDim.x) s += (double)expf(x[c] - mn);
  s = block_sum_d(s, shs);
  if (threadIdx.x == 0) {
    double prev = first ? 0.0 : (double)st3[1] * exp((double)m0 - (double)mn);
    st3[0] = mn;
    st3[1] = (float)(prev + s);
    int t = targets[r] - v0;
    if (t >= 0 && t < vc) st3[2] = x[t];
  }
}

// logp_final: lse[r] = max + log(sum); logp[r] = target logit − lse.
extern "C" __global__ void logp_final(float* logp, float* lse, const float* state, int rows) {
  int r = blockIdx.x * blockDim.x + threadIdx.x;
  if (r >= rows) return;
  double l = (double)state[r * 3] + log((double)state[r * 3 + 1]);
  lse[r] = (float)l;
  logp[r] = (float)((double)state[r * 3 + 2] - l);
}

// logp_grad: dlogits [rows, vc] = g[r]·(onehot(target) − softmax) for the
// chunk [v0, v0+vc), in place over the logits.
extern "C" __global__ void logp_grad(float* logits, const int* targets, const float* lse, const float* g, int rows, int vc, int v0) {
  long n = (long)rows * vc;
  for (long i = (long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long)gridDim.x * blockDim.x) {
    long r = i / vc;
    int c = (int)(i - r * vc);
    float d = g[r];
    float v = -d * expf(logits[i] - lse[r]);
    if (targets[r] - v0 == c) v += d;
    logits[i] = v;
  }
}
