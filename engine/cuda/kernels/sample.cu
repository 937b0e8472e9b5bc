// sample.cu: one sampling step per row of logits on the device, so a
// decode step downloads token ids and log-probs instead of [rows, vocab]
// logits. A port of engine/vulkan/shaders/sample.comp (same rules, same
// walk orders), mirroring engine/sample: greedy argmax (first on ties)
// when temp <= 0; otherwise weights exp((l - max)/temp), top-k (ties to the
// lower id), then top-p (smallest set, in descending order, whose mass
// reaches topP), then an inverse-CDF draw with the row's uniform u, taken
// on the host from the row's own seeded sampler (engine/backend/gpu
// PlanSample), so the random stream is the CPU's. Without top-k/top-p the
// draw walks the vocabulary in id order, exactly as the CPU sampler does;
// with filtering it walks in descending probability (the CPU's top-k
// order). Thresholds are found by binary search over an order-preserving
// integer key of the logits, so nothing is sorted. Every sum is a fixed
// tree over the block (warp shuffles, then one warp over the warps' sums):
// the same logits and uniform always give the same token.
#include "common.cuh"

#define SAMPLE_THREADS 256

// skey maps a float to an unsigned key with the same order.
__device__ __forceinline__ u32 skey(float f) {
  u32 b = __float_as_uint(f);
  return (b & 0x80000000u) ? ~b : (b | 0x80000000u);
}

// block_sum_f adds v over the block; every thread gets the same total
// (xor butterflies add the same pairs on every lane). sh holds 32 floats.
__device__ __forceinline__ float block_sum_f(float v, float* sh) {
  v = warp_sum(v);
  int w = threadIdx.x >> 5, l = threadIdx.x & 31;
  __syncthreads();
  if (l == 0) sh[w] = v;
  __syncthreads();
  v = (l < (int)(blockDim.x >> 5)) ? sh[l] : 0.f;
  return warp_sum(v);
}

// block_max_i is the largest v over the block; every thread gets it. sh
// holds 32 ints.
__device__ __forceinline__ int block_max_i(int v, int* sh) {
  for (int o = 16; o > 0; o >>= 1) v = max(v, __shfl_xor_sync(0xffffffffu, v, o));
  int w = threadIdx.x >> 5, l = threadIdx.x & 31;
  __syncthreads();
  if (l == 0) sh[w] = v;
  __syncthreads();
  v = (l < (int)(blockDim.x >> 5)) ? sh[l] : -1;
  for (int o = 16; o > 0; o >>= 1) v = max(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

// SampleRow is one row's state: its logits, max, 1/temperature and the
// top-k (kT, iT) and top-p (pT, iP) thresholds, as (key, last id on ties).
struct SampleRow {
  const float* lg;
  int V;
  float mx, invT;
  u32 kT, pT;
  int iT, iP;
  bool useP;
  float* sh;

  __device__ float w(int i) const { return expf((lg[i] - mx) * invT); }
  __device__ bool keepK(int i, u32 k) const { return k > kT || (k == kT && i <= iT); }
  __device__ bool keep(int i, u32 k) const {
    if (!keepK(i, k)) return false;
    return !useP || k > pT || (k == pT && i <= iP);
  }
  // term is what token i with key k adds in mode 0 (count of candidates),
  // 1 (mass kept by top-k) or 2 (mass kept by top-k and top-p).
  __device__ float term(int i, u32 k, int mode) const {
    if (mode == 0) return 1.f;
    if (mode == 1) return keepK(i, k) ? w(i) : 0.f;
    return keep(i, k) ? w(i) : 0.f;
  }
  // above sums term over the tokens with key >= x.
  __device__ float above(u32 x, int mode) const {
    float s = 0.f;
    for (int i = threadIdx.x; i < V; i += blockDim.x) {
      u32 k = skey(lg[i]);
      if (k >= x) s += term(i, k, mode);
    }
    return block_sum_f(s, sh);
  }
  // tiesUpTo sums term over the tokens with key == x and id <= c.
  __device__ float tiesUpTo(u32 x, int c, int mode) const {
    float s = 0.f;
    for (int i = threadIdx.x; i <= c && i < V; i += blockDim.x) {
      u32 k = skey(lg[i]);
      if (k == x) s += term(i, k, mode);
    }
    return block_sum_f(s, sh);
  }
  // searchKey is the largest key x whose above(x, mode) reaches goal (>=
  // when ge, else >).
  __device__ u32 searchKey(float goal, int mode, bool ge) const {
    u32 lo = 0u, hi = 0xffffffffu;
    while (lo < hi) {
      u32 d = hi - lo;
      u32 mid = lo + (d >> 1) + (d & 1u);
      float a = above(mid, mode);
      if (ge ? a >= goal : a > goal) lo = mid;
      else hi = mid - 1u;
    }
    return lo;
  }
  // searchTie is the smallest id c with before + tiesUpTo(x, c, mode)
  // reaching goal.
  __device__ int searchTie(u32 x, float before, float goal, int mode, bool ge) const {
    int lo = 0, hi = V - 1;
    while (lo < hi) {
      int mid = (lo + hi) / 2;
      float a = before + tiesUpTo(x, mid, mode);
      if (ge ? a >= goal : a > goal) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
};

// sample_rows draws one token per row of logits [rows, V]: tok[row], lp[2
// row] (log-prob under the sampled distribution; 0 for greedy), lp[2 row
// + 1] (raw log-softmax at temperature 1) and status[row] (0, or 1 when the
// row holds NaN or +Inf, or only -Inf). u[row] is the row's uniform in
// [0, 1). One block of SAMPLE_THREADS threads per row.
extern "C" __global__ void sample_rows(u32* tok, float* lp, u32* status, const float* logits, const float* u, int V, int topK,
                                       float temp, float topP) {
  __shared__ float sh[32];
  __shared__ float bvs[32];
  __shared__ int bis[32];
  __shared__ int shi[32];
  int row = blockIdx.x, t = threadIdx.x;
  SampleRow r;
  r.lg = logits + (long)row * V;
  r.V = V;
  r.sh = sh;
  // argmax, first on ties; NaN or +Inf makes the row invalid.
  float bv = -3.0e38f;
  int bi = -1;
  float bad = 0.f;
  for (int i = t; i < V; i += blockDim.x) {
    float v = r.lg[i];
    if (v != v || v == __int_as_float(0x7f800000)) bad = 1.f;
    if (bi < 0 || v > bv) {
      bv = v;
      bi = i;
    }
  }
  for (int o = 16; o > 0; o >>= 1) {
    float ov = __shfl_xor_sync(0xffffffffu, bv, o);
    int oi = __shfl_xor_sync(0xffffffffu, bi, o);
    if (oi >= 0 && (bi < 0 || ov > bv || (ov == bv && oi < bi))) {
      bv = ov;
      bi = oi;
    }
  }
  int w = t >> 5, l = t & 31;
  if (l == 0) {
    bvs[w] = bv;
    bis[w] = bi;
  }
  __syncthreads();
  bv = l < (int)(blockDim.x >> 5) ? bvs[l] : -3.0e38f;
  bi = l < (int)(blockDim.x >> 5) ? bis[l] : -1;
  for (int o = 16; o > 0; o >>= 1) {
    float ov = __shfl_xor_sync(0xffffffffu, bv, o);
    int oi = __shfl_xor_sync(0xffffffffu, bi, o);
    if (oi >= 0 && (bi < 0 || ov > bv || (ov == bv && oi < bi))) {
      bv = ov;
      bi = oi;
    }
  }
  r.mx = bv;
  int best = bi;
  float anyBad = block_sum_f(bad, sh);
  if (anyBad > 0.f || r.mx == NEG_INF) {
    if (t == 0) {
      tok[row] = 0u;
      lp[2 * row] = 0.f;
      lp[2 * row + 1] = 0.f;
      status[row] = 1u;
    }
    return;
  }
  r.invT = 1.f;
  float rawSum = 0.f;
  for (int i = t; i < V; i += blockDim.x) rawSum += r.w(i);
  float lRaw = logf(block_sum_f(rawSum, sh));
  if (temp <= 0.f) {
    if (t == 0) {
      tok[row] = (u32)best;
      lp[2 * row] = 0.f;
      lp[2 * row + 1] = (r.lg[best] - r.mx) - lRaw;
      status[row] = 0u;
    }
    return;
  }
  r.invT = 1.f / temp;
  r.kT = 0u;
  r.iT = V;
  r.useP = false;
  r.pT = 0u;
  r.iP = V;
  bool filtered = false;
  if (topK > 0 && topK < V) {
    filtered = true;
    float K = (float)topK;
    r.kT = r.searchKey(K, 0, true);
    float gt = r.kT == 0xffffffffu ? 0.f : r.above(r.kT + 1u, 0);
    r.iT = r.searchTie(r.kT, gt, K, 0, true);
  }
  if (topP > 0.f && topP < 1.f) {
    filtered = true;
    float Z = r.above(0u, 1);
    float goal = topP * Z;
    r.pT = r.searchKey(goal, 1, true);
    float gt = r.pT == 0xffffffffu ? 0.f : r.above(r.pT + 1u, 1);
    r.iP = r.searchTie(r.pT, gt, goal, 1, true);
    r.useP = true;
  }
  float Zk = r.above(0u, 2);
  // A uniform that rounded up to 1 in float32 would aim past the last
  // token: aim just below the total, taking the last token with mass as
  // the CPU sampler does when rounding leaves its walk short.
  float goal = fminf(u[row] * Zk, __int_as_float(__float_as_int(Zk) - 1));
  int c;
  if (!filtered) {
    // id order: the smallest c with mass(ids <= c) > goal.
    int lo = 0, hi = V - 1;
    while (lo < hi) {
      int mid = (lo + hi) / 2;
      float s = 0.f;
      for (int i = t; i <= mid; i += blockDim.x) s += r.w(i);
      if (block_sum_f(s, sh) > goal) hi = mid;
      else lo = mid + 1;
    }
    c = lo;
    // Sums in another order can leave the walk short of the goal at the
    // very end: take the last token with mass, as the CPU sampler does.
    if (!(r.w(c) > 0.f)) {
      int last = -1;
      for (int i = t; i < V; i += blockDim.x)
        if (r.w(i) > 0.f) last = i;
      c = block_max_i(last, shi);
    }
  } else {
    u32 dT = r.searchKey(goal, 2, false);
    float gt = dT == 0xffffffffu ? 0.f : r.above(dT + 1u, 2);
    c = r.searchTie(dT, gt, goal, 2, false);
    // dT is a kept token's key (the mass above it jumps there); when
    // rounding leaves the tie search short, take that key's last kept
    // token, the last of the walk.
    if (skey(r.lg[c]) != dT || !r.keep(c, dT)) {
      int last = -1;
      for (int i = t; i < V; i += blockDim.x)
        if (skey(r.lg[i]) == dT && r.keep(i, dT)) last = i;
      c = block_max_i(last, shi);
    }
  }
  if (t == 0) {
    tok[row] = (u32)c;
    lp[2 * row] = logf(r.w(c) / Zk);
    lp[2 * row + 1] = (r.lg[c] - r.mx) - lRaw;
    status[row] = 0u;
  }
}
