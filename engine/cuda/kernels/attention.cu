// attention.cu: causal grouped-query attention on fused qkv rows
// [rows, (H+2·KVH)·D] (q | k | v, head-major in each), flash style: one
// warp per (query row, head), an online softmax over the keys, each lane
// holding dimensions lane, lane+32, … of the head (D at most 128).
// Probabilities are never stored: the backward pass rebuilds them from the
// kept log-sum-exp.
#include "common.cuh"

#define MAXV 4 // ceil(D/32) values per lane

// LANES(i) visits this lane's dimensions d = lane + 32·i of a head.
#define LANES(i) for (int i = 0; i < nv; i++) if (lane + 32 * i < D)

// RowSpan says which keys a packed-sequence query row sees: rows
// [start, row] of the same qkv matrix; end is the span's end (exclusive),
// used by the key-side backward.
struct RowSpan {
  int row, start, end, pad;
};

// attn_causal writes att [rows, H·D] and lse [rows, H] for the listed rows.
// Block: 4 warps = 4 heads of one row. Grid: (nrows, ceil(H/4)).
extern "C" __global__ void attn_causal(float* att, float* lse, const float* qkv, const RowSpan* spans, int H, int KVH, int D, float scale) {
  int lane = threadIdx.x & 31, h = blockIdx.y * 4 + (threadIdx.x >> 5);
  if (h >= H) return;
  RowSpan s = spans[blockIdx.x];
  int W = (H + 2 * KVH) * D, Q = H * D, KV = KVH * D, g = h / (H / KVH), nv = (D + 31) / 32;
  const float* q = qkv + (long)s.row * W + h * D;
  float qv[MAXV], acc[MAXV];
  for (int i = 0; i < MAXV; i++) {
    qv[i] = lane + 32 * i < D ? q[lane + 32 * i] * scale : 0.f;
    acc[i] = 0.f;
  }
  float m = NEG_INF, l = 0.f;
  for (int j = s.start; j <= s.row; j++) {
    const float* k = qkv + (long)j * W + Q + g * D;
    float d = 0.f;
    LANES(i) d += qv[i] * k[lane + 32 * i];
    d = warp_sum(d);
    float mn = fmaxf(m, d), corr = expf(m - mn), p = expf(d - mn);
    l = l * corr + p;
    const float* v = qkv + (long)j * W + Q + KV + g * D;
    LANES(i) acc[i] = acc[i] * corr + p * v[lane + 32 * i];
    m = mn;
  }
  float* o = att + (long)s.row * Q + h * D;
  LANES(i) o[lane + 32 * i] = acc[i] / l;
  if (lane == 0) lse[(long)s.row * H + h] = m + logf(l);
}

// attn_bwd_dot: dsum[row, h] = Σ_d datt·att (softmax backward's row term).
extern "C" __global__ void attn_bwd_dot(float* dsum, const float* datt, const float* att, const RowSpan* spans, int H, int D) {
  int lane = threadIdx.x & 31, h = blockIdx.y * 4 + (threadIdx.x >> 5);
  if (h >= H) return;
  long r = spans[blockIdx.x].row;
  const float *a = att + r * H * D + h * D, *da = datt + r * H * D + h * D;
  float s = 0.f;
  for (int d = lane; d < D; d += 32) s += a[d] * da[d];
  s = warp_sum(s);
  if (lane == 0) dsum[r * H + h] = s;
}

// attn_bwd_dq writes the q part of dqkv for the listed rows:
// dq = scale·Σ_j p_j(dp_j − dsum)·k_j, p_j rebuilt from lse.
extern "C" __global__ void attn_bwd_dq(float* dqkv, const float* datt, const float* qkv, const float* lse, const float* dsum,
                                       const RowSpan* spans, int H, int KVH, int D, float scale) {
  int lane = threadIdx.x & 31, h = blockIdx.y * 4 + (threadIdx.x >> 5);
  if (h >= H) return;
  RowSpan s = spans[blockIdx.x];
  int W = (H + 2 * KVH) * D, Q = H * D, KV = KVH * D, g = h / (H / KVH), nv = (D + 31) / 32;
  const float* q = qkv + (long)s.row * W + h * D;
  const float* dO = datt + (long)s.row * Q + h * D;
  float qv[MAXV], dov[MAXV], dq[MAXV];
  for (int i = 0; i < MAXV; i++) {
    qv[i] = lane + 32 * i < D ? q[lane + 32 * i] * scale : 0.f;
    dov[i] = lane + 32 * i < D ? dO[lane + 32 * i] : 0.f;
    dq[i] = 0.f;
  }
  float L = lse[(long)s.row * H + h], Ds = dsum[(long)s.row * H + h];
  for (int j = s.start; j <= s.row; j++) {
    const float* k = qkv + (long)j * W + Q + g * D;
    const float* v = k + KV;
    float sc = 0.f, dp = 0.f;
    LANES(i) {
      sc += qv[i] * k[lane + 32 * i];
      dp += dov[i] * v[lane + 32 * i];
    }
    sc = warp_sum(sc);
    dp = warp_sum(dp);
    float ds = expf(sc - L) * (dp - Ds) * scale;
    LANES(i) dq[i] += ds * k[lane + 32 * i];
  }
  float* o = dqkv + (long)s.row * W + h * D;
  LANES(i) o[lane + 32 * i] = dq[i];
}

// attn_bwd_dkv writes the k and v parts of dqkv: for key row j and KV head
// g, the sum over the group's query heads and the span's rows i ≥ j.
// Block: 4 warps = 4 KV heads of one key row.
extern "C" __global__ void attn_bwd_dkv(float* dqkv, const float* datt, const float* qkv, const float* lse, const float* dsum,
                                        const RowSpan* spans, int H, int KVH, int D, float scale) {
  int lane = threadIdx.x & 31, g = blockIdx.y * 4 + (threadIdx.x >> 5);
  if (g >= KVH) return;
  RowSpan s = spans[blockIdx.x];
  int W = (H + 2 * KVH) * D, Q = H * D, KV = KVH * D, grp = H / KVH, nv = (D + 31) / 32;
  int j = s.row;
  const float* k = qkv + (long)j * W + Q + g * D;
  const float* v = k + KV;
  float kv[MAXV], vv[MAXV], dk[MAXV], dv[MAXV];
  for (int i = 0; i < MAXV; i++) {
    kv[i] = lane + 32 * i < D ? k[lane + 32 * i] : 0.f;
    vv[i] = lane + 32 * i < D ? v[lane + 32 * i] : 0.f;
    dk[i] = 0.f;
    dv[i] = 0.f;
  }
  for (int hh = 0; hh < grp; hh++) {
    int h = g * grp + hh;
    for (int r = j; r < s.end; r++) {
      const float* q = qkv + (long)r * W + h * D;
      const float* dO = datt + (long)r * Q + h * D;
      float sc = 0.f, dp = 0.f;
      LANES(i) {
        sc += q[lane + 32 * i] * kv[i];
        dp += dO[lane + 32 * i] * vv[i];
      }
      sc = warp_sum(sc) * scale;
      dp = warp_sum(dp);
      float p = expf(sc - lse[(long)r * H + h]);
      float ds = p * (dp - dsum[(long)r * H + h]) * scale;
      LANES(i) {
        dv[i] += p * dO[lane + 32 * i];
        dk[i] += ds * q[lane + 32 * i];
      }
    }
  }
  float* o = dqkv + (long)j * W + Q + g * D;
  LANES(i) {
    o[lane + 32 * i] = dk[i];
    o[KV + lane + 32 * i] = dv[i];
  }
}

// CachedRow is one query row of a cached attention call: it attends to the
// first ctx positions of runs [run0, run0+nruns).
struct CachedRow {
  int row, ctx, run0, nruns;
};

// KVRunDesc is one KV-cache run: head-major [KVH][cap][D] keys and values,
// of the element type the kernel is instantiated for.
struct KVRunDesc {
  const void* k;
  const void* v;
  int cap, n;
};

// attn_cached_t: attention of the listed qkv rows against KV-cache runs
// holding DT elements (inference prefill and decode), accumulating in
// float32. Writes att [rows, H·D].
template <int DT>
__device__ __forceinline__ void attn_cached_t(float* att, const float* qkv, const CachedRow* rowsd, const KVRunDesc* runs, int H, int KVH, int D,
                                              float scale) {
  int lane = threadIdx.x & 31, h = blockIdx.y * 4 + (threadIdx.x >> 5);
  if (h >= H) return;
  CachedRow cr = rowsd[blockIdx.x];
  int W = (H + 2 * KVH) * D, g = h / (H / KVH), nv = (D + 31) / 32;
  const float* q = qkv + (long)cr.row * W + h * D;
  float qv[MAXV], acc[MAXV];
  for (int i = 0; i < MAXV; i++) {
    qv[i] = lane + 32 * i < D ? q[lane + 32 * i] * scale : 0.f;
    acc[i] = 0.f;
  }
  float m = NEG_INF, l = 0.f;
  int left = cr.ctx;
  for (int ri = 0; ri < cr.nruns && left > 0; ri++) {
    KVRunDesc rn = runs[cr.run0 + ri];
    int n = min(rn.n, left);
    left -= n;
    long hb = (long)g * rn.cap * D;
    for (int p = 0; p < n; p++) {
      long pb = hb + (long)p * D + lane;
      float d = 0.f;
      LANES(i) d += qv[i] * ldt<DT>(rn.k, pb + 32 * i);
      d = warp_sum(d);
      float mn = fmaxf(m, d), corr = expf(m - mn), e = expf(d - mn);
      l = l * corr + e;
      LANES(i) acc[i] = acc[i] * corr + e * ldt<DT>(rn.v, pb + 32 * i);
      m = mn;
    }
  }
  float* o = att + (long)cr.row * H * D + h * D;
  LANES(i) o[lane + 32 * i] = l > 0.f ? acc[i] / l : 0.f;
}

// attn_cached reads a float32 KV cache, attn_cached_bf16 a bf16 one.
extern "C" __global__ void attn_cached(float* att, const float* qkv, const CachedRow* rowsd, const KVRunDesc* runs, int H, int KVH, int D, float scale) {
  attn_cached_t<DT_F32>(att, qkv, rowsd, runs, H, KVH, D, scale);
}

extern "C" __global__ void attn_cached_bf16(float* att, const float* qkv, const CachedRow* rowsd, const KVRunDesc* runs, int H, int KVH, int D,
                                            float scale) {
  attn_cached_t<DT_BF16>(att, qkv, rowsd, runs, H, KVH, D, scale);
}
