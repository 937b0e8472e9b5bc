// Hand-written GEMM on simdgroup_matrix (Apple7+ GPUs: M1 and later), a
// drop-in for the cross-compiled gemm_f32/gemm_bf16/gemm_f16: the same
// bindings, push constants, 64×64 output tile per threadgroup of 256
// threads and grid, so engine/backend/gpu dispatches it unchanged. Opt-in
// (SWARMDESK_METAL_GEMM=simdgroup) until the macOS runner has measured it
// against the tiled kernel and passed the parity suite with it.
//
// Each of the 8 simdgroups owns a 32×16 block of the tile as 4×2 8×8
// float accumulators; A and B tiles (K step 16) are staged in threadgroup
// memory as float (bf16/f16 weights widened on load), so accumulation and
// products are fp32, as in the other kernels. BTYPE (0 f32, 1 bf16, 2 f16)
// is defined by the Go side before this source.
#include <metal_stdlib>
#include <metal_simdgroup_matrix>
using namespace metal;

#ifndef BTYPE
#define BTYPE 0
#endif

struct P
{
    int M, N, K;
    int sam, sak, sbk, sbn, scm;
    int sa, sb, sc, bdiv;
    int aoff, boff, coff, hasBias;
    float alpha, beta;
};

// The threadgroup size, in the form engine/metal/kernels.go reads.
constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(16u, 16u, 1u);

#if BTYPE == 0
typedef float btype;
static inline float loadB(const device btype* bw, int i) { return bw[i]; }
#elif BTYPE == 1
typedef uint btype;
static inline float loadB(const device btype* bw, int i)
{
    uint w = bw[i >> 1];
    return as_type<float>(((i & 1) == 1 ? (w >> 16) : (w & 0xffffu)) << 16);
}
#else
typedef uint btype;
static inline float loadB(const device btype* bw, int i)
{
    half2 h = as_type<half2>(bw[i >> 1]);
    return float(h[i & 1]);
}
#endif

kernel void gemm_simdgroup(constant P& p [[buffer(30)]],
                           const device float* a [[buffer(0)]],
                           const device btype* bw [[buffer(1)]],
                           device float* c [[buffer(2)]],
                           const device float* bias [[buffer(3)]],
                           uint3 tg [[threadgroup_position_in_grid]],
                           uint tid [[thread_index_in_threadgroup]],
                           uint sg [[simdgroup_index_in_threadgroup]])
{
    threadgroup float As[64 * 16]; // [m][k]
    threadgroup float Bs[16 * 64]; // [k][n]
    threadgroup float Cs[64 * 64]; // [m][n]
    const int m0 = int(tg.y) * 64, n0 = int(tg.x) * 64, bt = int(tg.z);
    const int abase = p.aoff + bt * p.sa;
    const int bbase = p.boff + (bt / p.bdiv) * p.sb;
    const int sm = int(sg) / 4; // rows sm*32 .. +32 of the tile
    const int sn = int(sg) % 4; // columns sn*16 .. +16
    simdgroup_float8x8 acc[4][2];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 2; j++)
            acc[i][j] = make_filled_simdgroup_matrix<float, 8, 8>(0.0f);
    for (int k0 = 0; k0 < p.K; k0 += 16)
    {
        for (int e = int(tid); e < 64 * 16; e += 256)
        {
            int mm, kk; // walk memory in order of the operand's unit stride
            if (p.sak == 1) { kk = e % 16; mm = e / 16; } else { mm = e % 64; kk = e / 64; }
            int gm = m0 + mm, gk = k0 + kk;
            As[mm * 16 + kk] = (gm < p.M && gk < p.K) ? a[abase + gm * p.sam + gk * p.sak] : 0.0f;
        }
        for (int e = int(tid); e < 16 * 64; e += 256)
        {
            int kk, nn;
            if (p.sbk == 1) { kk = e % 16; nn = e / 16; } else { nn = e % 64; kk = e / 64; }
            int gk = k0 + kk, gn = n0 + nn;
            Bs[kk * 64 + nn] = (gk < p.K && gn < p.N) ? loadB(bw, bbase + gk * p.sbk + gn * p.sbn) : 0.0f;
        }
        threadgroup_barrier(mem_flags::mem_threadgroup);
        for (int kk = 0; kk < 16; kk += 8)
        {
            simdgroup_float8x8 bf[2];
            for (int j = 0; j < 2; j++)
                simdgroup_load(bf[j], &Bs[kk * 64 + sn * 16 + j * 8], 64);
            for (int i = 0; i < 4; i++)
            {
                simdgroup_float8x8 af;
                simdgroup_load(af, &As[(sm * 32 + i * 8) * 16 + kk], 16);
                for (int j = 0; j < 2; j++)
                    simdgroup_multiply_accumulate(acc[i][j], af, bf[j], acc[i][j]);
            }
        }
        threadgroup_barrier(mem_flags::mem_threadgroup);
    }
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 2; j++)
            simdgroup_store(acc[i][j], &Cs[(sm * 32 + i * 8) * 64 + sn * 16 + j * 8], 64);
    threadgroup_barrier(mem_flags::mem_threadgroup);
    for (int e = int(tid); e < 64 * 64; e += 256)
    {
        int mm = e / 64, nn = e % 64, gm = m0 + mm, gn = n0 + nn;
        if (gm < p.M && gn < p.N)
        {
            int ci = p.coff + bt * p.sc + gm * p.scm + gn;
            float v = p.alpha * Cs[e];
            if (p.beta != 0.0f) v += p.beta * c[ci];
            if (p.hasBias != 0) v += bias[gn];
            c[ci] = v;
        }
    }
}
