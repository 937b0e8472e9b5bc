// elementwise.cu: data movement and elementwise ops of engine/backend, with
// the CPU backend's float32 arithmetic (engine/backend/host/ops.go) so the
// parity tests can hold tight tolerances. Pointers arrive already offset to
// the view's first element; n counts elements.
#include "common.cuh"

#define GRID_STRIDE(i, n) for (long i = (long)blockIdx.x * blockDim.x + threadIdx.x; i < (long)(n); i += (long)gridDim.x * blockDim.x)

// out = a + b (F32).
extern "C" __global__ void add_f32(float* out, const float* a, const float* b, int n) {
  GRID_STRIDE(i, n) out[i] = a[i] + b[i];
}

// x *= s (F32).
extern "C" __global__ void scale_f32(float* x, float s, int n) {
  GRID_STRIDE(i, n) x[i] *= s;
}

// dst = src converted between element types (any pair).
extern "C" __global__ void cast(void* dst, int dtd, const void* src, int dts, int n) {
  GRID_STRIDE(i, n) st(dst, i, dtd, ld(src, i, dts));
}

// sumsq_partial writes one float64 partial Σx² per block (gridDim.x blocks
// of 256 threads); the host adds them in float64.
extern "C" __global__ void sumsq_partial(double* partial, const float* x, long n) {
  __shared__ double sh[32];
  double s = 0;
  GRID_STRIDE(i, n) {
    double v = (double)x[i];
    s += v * v;
  }
  s = block_sum_d(s, sh);
  if (threadIdx.x == 0) partial[blockIdx.x] = s;
}

// gather_rows: row i of dst [n, cols] (type dtd) = row rows[i] of src
// (type dts). Embed and GatherRows.
extern "C" __global__ void gather_rows(void* dst, int dtd, const void* src, int dts, const int* rows, int n, int cols) {
  GRID_STRIDE(i, (long)n * cols) {
    long r = i / cols, c = i - r * cols;
    st(dst, i, dtd, ld(src, (long)rows[r] * cols + c, dts));
  }
}

// embed_bwd: dtable[tokens[i]] += dx[i] for i in order; one thread per
// column, so repeated tokens add up in the CPU's order, deterministically.
extern "C" __global__ void embed_bwd(float* dtable, const float* dx, const int* tokens, int n, int hidden) {
  int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= hidden) return;
  for (int i = 0; i < n; i++) dtable[(long)tokens[i] * hidden + c] += dx[(long)i * hidden + c];
}

// sum_rows: dst[c] += Σ_r x[r, c], rows in order.
extern "C" __global__ void sum_rows(float* dst, const float* x, int rows, int cols) {
  int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= cols) return;
  float s = dst[c];
  for (int r = 0; r < rows; r++) s += x[(long)r * cols + c];
  dst[c] = s;
}

// swiglu: act[r] = silu(gate)·up for gu rows [gate | up] of width 2F.
extern "C" __global__ void swiglu(float* act, const float* gu, int rows, int F) {
  GRID_STRIDE(i, (long)rows * F) {
    long r = i / F, c = i - r * F;
    float g = gu[r * 2 * F + c], u = gu[r * 2 * F + F + c];
    float s = 1.0f / (1.0f + expf(-g));
    act[i] = (s == 0.0f) ? 0.0f : g * s * u;
  }
}

// swiglu_bwd: dgu [rows, 2F] from dact [rows, F] and gu.
extern "C" __global__ void swiglu_bwd(float* dgu, const float* dact, const float* gu, int rows, int F) {
  GRID_STRIDE(i, (long)rows * F) {
    long r = i / F, c = i - r * F;
    float g = gu[r * 2 * F + c], u = gu[r * 2 * F + F + c];
    float s = 1.0f / (1.0f + expf(-g));
    float d = dact[i];
    dgu[r * 2 * F + F + c] = d * g * s;
    dgu[r * 2 * F + c] = d * u * s * (1.0f + g * (1.0f - s));
  }
}

// rope rotates the first cols columns of rows rows of x (row stride
// stride) head by head, NeoX rotate_half pairs (i, i+hd/2), by the angles
// in cos/sin [rows, hd/2]; sign −1 rotates back (the backward pass).
extern "C" __global__ void rope(float* x, const float* cs, const float* sn, int rows, int stride, int cols, int hd, float sign) {
  int half = hd / 2, heads = cols / hd;
  GRID_STRIDE(t, (long)rows * heads * half) {
    long r = t / (heads * half);
    int rem = (int)(t - r * heads * half);
    int h = rem / half, i = rem - h * half;
    float* p = x + r * stride + h * hd;
    float a = p[i], b = p[i + half], c = cs[r * half + i], s = sign * sn[r * half + i];
    p[i] = a * c - b * s;
    p[i + half] = b * c + a * s;
  }
}

// kv_append copies the k and v parts of qkv row rp[2i] (row width W, q
// part Q wide) into head-major runs [kvHeads][cap][hd] of element type dt
// (f32, or bf16/f16: a KV cache at half the memory) at position
// rp[2i+1]. Positions travel with the rows (not as a kernel argument) so a
// decode step's launches are identical token after token and its CUDA
// graph replays unchanged.
extern "C" __global__ void kv_append(void* k, void* v, const float* qkv, const int* rp, int n, int W, int Q, int kvHeads, int hd, int cap, int dt) {
  int KV = kvHeads * hd;
  GRID_STRIDE(t, (long)n * KV) {
    int i = (int)(t / KV), c = (int)(t - (long)i * KV);
    int j = c / hd, d = c - j * hd;
    const float* row = qkv + (long)rp[2 * i] * W;
    long o = ((long)j * cap + rp[2 * i + 1]) * hd + d;
    st(k, o, dt, row[Q + c]);
    st(v, o, dt, row[Q + KV + c]);
  }
}

// adamw is torch.optim.Adam/AdamW's single-tensor update with torch's
// float32 rounding at each step (engine/backend/host.AdamWStep).
// mode: 0 no weight decay, 1 AdamW (decoupled), 2 Adam L2.
extern "C" __global__ void adamw(float* p, const float* g, float* m, float* v, long n, int mode,
                                 float w1, float b2, float w2, float stepSize, float bc2, float eps, float decay, float l2) {
  // __f*_rn: no fused multiply-adds, so every rounding matches the host's.
  GRID_STRIDE(i, n) {
    float gi = g[i], pi = p[i];
    if (mode == 1) pi = __fmul_rn(pi, decay);
    if (mode == 2) gi = __fadd_rn(gi, __fmul_rn(l2, pi));
    float mi = __fadd_rn(m[i], __fmul_rn(w1, __fsub_rn(gi, m[i])));
    float vi = __fadd_rn(__fmul_rn(v[i], b2), __fmul_rn(__fmul_rn(w2, gi), gi));
    float den = __fadd_rn(__fdiv_rn(__fsqrt_rn(vi), bc2), eps);
    p[i] = __fsub_rn(pi, __fmul_rn(stepSize, __fdiv_rn(mi, den)));
    m[i] = mi;
    v[i] = vi;
  }
}
