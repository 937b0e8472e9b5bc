#pragma clang diagnostic ignored "-Wmissing-prototypes"
#pragma clang diagnostic ignored "-Wmissing-braces"

#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

template<typename T, size_t Num>
struct spvUnsafeArray
{
    T elements[Num ? Num : 1];
    
    thread T& operator [] (size_t pos) thread
    {
        return elements[pos];
    }
    constexpr const thread T& operator [] (size_t pos) const thread
    {
        return elements[pos];
    }
    
    device T& operator [] (size_t pos) device
    {
        return elements[pos];
    }
    constexpr const device T& operator [] (size_t pos) const device
    {
        return elements[pos];
    }
    
    constexpr const constant T& operator [] (size_t pos) const constant
    {
        return elements[pos];
    }
    
    threadgroup T& operator [] (size_t pos) threadgroup
    {
        return elements[pos];
    }
    constexpr const threadgroup T& operator [] (size_t pos) const threadgroup
    {
        return elements[pos];
    }
};

struct B_
{
    uint bw[1];
};

struct P
{
    int M;
    int N;
    int K;
    int sam;
    int sak;
    int sbk;
    int sbn;
    int scm;
    int sa;
    int sb;
    int sc;
    int bdiv;
    int aoff;
    int boff;
    int coff;
    int hasBias;
    float alpha;
    float beta;
};

struct A_
{
    float a[1];
};

struct C_
{
    float c[1];
};

struct Bias_
{
    float bias0[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(16u, 16u, 1u);

static inline __attribute__((always_inline))
float bf16Half(thread const uint& w, thread const int& i)
{
    uint _25;
    if ((i & 1) == 1)
    {
        _25 = w >> uint(16);
    }
    else
    {
        _25 = w & 65535u;
    }
    return as_type<float>(_25 << uint(16));
}

static inline __attribute__((always_inline))
float loadB(thread const int& i, const device B_& v_43)
{
    uint param = v_43.bw[i >> 1];
    int param_1 = i;
    return bf16Half(param, param_1);
}

kernel void gemm_bf16(constant P& p [[buffer(30)]], const device A_& _221 [[buffer(0)]], const device B_& v_43 [[buffer(1)]], device C_& _484 [[buffer(2)]], const device Bias_& _500 [[buffer(3)]], uint3 gl_LocalInvocationID [[thread_position_in_threadgroup]], uint3 gl_WorkGroupID [[threadgroup_position_in_grid]])
{
    threadgroup float As[16][64];
    threadgroup float Bs[16][64];
    int tx = int(gl_LocalInvocationID.x);
    int ty = int(gl_LocalInvocationID.y);
    int tid = (ty * 16) + tx;
    int m0 = int(gl_WorkGroupID.y) * 64;
    int n0 = int(gl_WorkGroupID.x) * 64;
    int bt = int(gl_WorkGroupID.z);
    int abase = p.aoff + (bt * p.sa);
    int bbase = p.boff + ((bt / p.bdiv) * p.sb);
    spvUnsafeArray<spvUnsafeArray<float, 4>, 4> acc;
    for (int i = 0; i < 4; i++)
    {
        for (int j = 0; j < 4; j++)
        {
            acc[i][j] = 0.0;
        }
    }
    int kk;
    int mm;
    float _215;
    int kk_1;
    int nn;
    float _292;
    spvUnsafeArray<float, 4> av;
    spvUnsafeArray<float, 4> bv;
    for (int k0 = 0; k0 < p.K; k0 += 16)
    {
        for (int e = tid; e < 1024; e += 256)
        {
            if (p.sak == 1)
            {
                kk = e % 16;
                mm = e / 16;
            }
            else
            {
                mm = e % 64;
                kk = e / 64;
            }
            int gm = m0 + mm;
            int gk = k0 + kk;
            bool _207 = gm < p.M;
            bool _214;
            if (_207)
            {
                _214 = gk < p.K;
            }
            else
            {
                _214 = _207;
            }
            if (_214)
            {
                _215 = _221.a[(abase + (gm * p.sam)) + (gk * p.sak)];
            }
            else
            {
                _215 = 0.0;
            }
            As[kk][mm] = _215;
        }
        for (int e_1 = tid; e_1 < 1024; e_1 += 256)
        {
            if (p.sbk == 1)
            {
                kk_1 = e_1 % 16;
                nn = e_1 / 16;
            }
            else
            {
                nn = e_1 % 64;
                kk_1 = e_1 / 64;
            }
            int gn = n0 + nn;
            int gk_1 = k0 + kk_1;
            bool _284 = gn < p.N;
            bool _291;
            if (_284)
            {
                _291 = gk_1 < p.K;
            }
            else
            {
                _291 = _284;
            }
            if (_291)
            {
                int param = (bbase + (gk_1 * p.sbk)) + (gn * p.sbn);
                _292 = loadB(param, v_43);
            }
            else
            {
                _292 = 0.0;
            }
            Bs[kk_1][nn] = _292;
        }
        threadgroup_barrier(mem_flags::mem_threadgroup);
        for (int kk_2 = 0; kk_2 < 16; kk_2++)
        {
            for (int i_1 = 0; i_1 < 4; i_1++)
            {
                av[i_1] = As[kk_2][ty + (16 * i_1)];
            }
            for (int j_1 = 0; j_1 < 4; j_1++)
            {
                bv[j_1] = Bs[kk_2][tx + (16 * j_1)];
            }
            for (int i_2 = 0; i_2 < 4; i_2++)
            {
                for (int j_2 = 0; j_2 < 4; j_2++)
                {
                    acc[i_2][j_2] = fma(av[i_2], bv[j_2], acc[i_2][j_2]);
                }
            }
        }
        threadgroup_barrier(mem_flags::mem_threadgroup);
    }
    for (int i_3 = 0; i_3 < 4; i_3++)
    {
        int gm_1 = (m0 + ty) + (16 * i_3);
        if (gm_1 >= p.M)
        {
            continue;
        }
        for (int j_3 = 0; j_3 < 4; j_3++)
        {
            int gn_1 = (n0 + tx) + (16 * j_3);
            if (gn_1 >= p.N)
            {
                continue;
            }
            int ci = ((p.coff + (bt * p.sc)) + (gm_1 * p.scm)) + gn_1;
            float v = p.alpha * acc[i_3][j_3];
            if (p.beta != 0.0)
            {
                v += (p.beta * _484.c[ci]);
            }
            if (p.hasBias != 0)
            {
                v += _500.bias0[gn_1];
            }
            _484.c[ci] = v;
        }
    }
}

