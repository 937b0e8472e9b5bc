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
    int aoff;
    int boff;
    int coff;
    int scm;
    int hasBias;
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

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(128u, 1u, 1u);

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

kernel void gemv_bf16(constant P& p [[buffer(30)]], const device A_& _134 [[buffer(0)]], const device B_& v_43 [[buffer(1)]], device C_& _258 [[buffer(2)]], const device Bias_& _274 [[buffer(3)]], uint3 gl_WorkGroupID [[threadgroup_position_in_grid]], uint3 gl_LocalInvocationID [[thread_position_in_threadgroup]])
{
    threadgroup float red[8][128];
    int n = int(gl_WorkGroupID.x);
    int t = int(gl_LocalInvocationID.x);
    spvUnsafeArray<float, 8> acc;
    for (int m = 0; m < 8; m++)
    {
        acc[m] = 0.0;
    }
    int wb = p.boff + (n * p.K);
    for (int k = t; k < p.K; k += 128)
    {
        int param = wb + k;
        float w = loadB(param, v_43);
        for (int m_1 = 0; m_1 < p.M; m_1++)
        {
            acc[m_1] = fma(_134.a[(p.aoff + (m_1 * p.K)) + k], w, acc[m_1]);
        }
    }
    for (int m_2 = 0; m_2 < p.M; m_2++)
    {
        red[m_2][t] = acc[m_2];
    }
    threadgroup_barrier(mem_flags::mem_threadgroup);
    for (int s = 64; s > 0; s = s >> 1)
    {
        if (t < s)
        {
            for (int m_3 = 0; m_3 < p.M; m_3++)
            {
                red[m_3][t] += red[m_3][t + s];
            }
        }
        threadgroup_barrier(mem_flags::mem_threadgroup);
    }
    if (t < p.M)
    {
        int ci = (p.coff + (t * p.scm)) + n;
        float v = red[t][0];
        if (p.beta != 0.0)
        {
            v += (p.beta * _258.c[ci]);
        }
        if (p.hasBias != 0)
        {
            v += _274.bias0[n];
        }
        _258.c[ci] = v;
    }
}

