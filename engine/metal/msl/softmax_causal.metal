#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

struct P
{
    int T;
    int S;
    int pos0;
    float scale;
    int lseOff;
    int lseT;
    int lseH;
};

struct S_
{
    float s[1];
};

struct L_
{
    float lse[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(128u, 1u, 1u);

kernel void softmax_causal(constant P& p [[buffer(30)]], device S_& _72 [[buffer(0)]], device L_& _228 [[buffer(1)]], uint3 gl_WorkGroupID [[threadgroup_position_in_grid]], uint3 gl_LocalInvocationID [[thread_position_in_threadgroup]])
{
    threadgroup float red[128];
    int row = int(gl_WorkGroupID.x);
    int t = int(gl_LocalInvocationID.x);
    int tt = row % p.T;
    int lim = min(p.S, ((p.pos0 + tt) + 1));
    int base = row * p.S;
    float m = -3.0000000054977557577780399428115e+38;
    for (int j = t; j < lim; j += 128)
    {
        m = fast::max(m, p.scale * _72.s[base + j]);
    }
    red[t] = m;
    threadgroup_barrier(mem_flags::mem_threadgroup);
    for (int k = 64; k > 0; k = k >> 1)
    {
        if (t < k)
        {
            red[t] = fast::max(red[t], red[t + k]);
        }
        threadgroup_barrier(mem_flags::mem_threadgroup);
    }
    m = red[0];
    threadgroup_barrier(mem_flags::mem_threadgroup);
    float sum = 0.0;
    for (int j_1 = t; j_1 < lim; j_1 += 128)
    {
        sum += exp((p.scale * _72.s[base + j_1]) - m);
    }
    red[t] = sum;
    threadgroup_barrier(mem_flags::mem_threadgroup);
    for (int k_1 = 64; k_1 > 0; k_1 = k_1 >> 1)
    {
        if (t < k_1)
        {
            red[t] += red[t + k_1];
        }
        threadgroup_barrier(mem_flags::mem_threadgroup);
    }
    float inv = 1.0 / red[0];
    float _200;
    for (int j_2 = t; j_2 < p.S; j_2 += 128)
    {
        if (j_2 < lim)
        {
            _200 = exp((p.scale * _72.s[base + j_2]) - m) * inv;
        }
        else
        {
            _200 = 0.0;
        }
        _72.s[base + j_2] = _200;
    }
    if (t == 0)
    {
        _228.lse[(p.lseOff + (tt * p.lseT)) + ((row / p.T) * p.lseH)] = m + log(red[0]);
    }
}

