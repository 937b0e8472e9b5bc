// norm.cu: RMSNorm forward, recompute-from-rstd and backward, one block per
// row, sums of squares and dot products in float64 as the CPU backend does.
#include "common.cuh"

// rmsnorm: out = x/rms(x)·w for rows×cols; rstd[r] = 1/rms (rstd may be
// null). One block of 256 threads per row.
extern "C" __global__ void rmsnorm(float* out, float* rstd, const float* x, const float* w, int cols, float eps) {
  __shared__ double sh[32];
  long r = blockIdx.x;
  const float* xr = x + r * cols;
  double ss = 0;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) {
    double v = (double)xr[c];
    ss += v * v;
  }
  ss = block_sum_d(ss, sh);
  float s = (float)(1.0 / sqrt(ss / (double)cols + (double)eps));
  if (rstd != 0 && threadIdx.x == 0) rstd[r] = s;
  float* o = out + r * cols;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) o[c] = __fmul_rn(__fmul_rn(xr[c], s), w[c]);
}

// rmsnorm_scale: out = x·rstd[r]·w from a kept rstd.
extern "C" __global__ void rmsnorm_scale(float* out, const float* x, const float* w, const float* rstd, int rows, int cols) {
  long n = (long)rows * cols;
  for (long i = (long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long)gridDim.x * blockDim.x) {
    long r = i / cols;
    int c = (int)(i - r * cols);
    out[i] = __fmul_rn(__fmul_rn(x[i], rstd[r]), w[c]);
  }
}

// rmsnorm_bwd adds dx = s·dy∘w − x·s³/C·Σ(dy∘w∘x) for one row per block.
extern "C" __global__ void rmsnorm_bwd(float* dx, const float* dy, const float* x, const float* w, const float* rstd, int cols) {
  __shared__ double sh[32];
  long r = blockIdx.x;
  const float *xr = x + r * cols, *dyr = dy + r * cols;
  double dot = 0;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) dot += (double)dyr[c] * (double)w[c] * (double)xr[c];
  dot = block_sum_d(dot, sh);
  float s = rstd[r];
  float k = (float)dot * s * s * s / (float)cols;
  float* d = dx + r * cols;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) d[c] += s * dyr[c] * w[c] - k * xr[c];
}

// rmsnorm_bwd_dw adds Σ_rows dy∘x·rstd into dw, rows in order, one thread
// per column.
extern "C" __global__ void rmsnorm_bwd_dw(float* dw, const float* dy, const float* x, const float* rstd, int rows, int cols) {
  int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= cols) return;
  float acc = dw[c];
  for (int r = 0; r < rows; r++) acc += dy[(long)r * cols + c] * x[(long)r * cols + c] * rstd[r];
  dw[c] = acc;
}
