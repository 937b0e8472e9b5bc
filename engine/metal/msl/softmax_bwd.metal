#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

struct P
{
    int rows;
    int S;
    float scale;
};

struct P_
{
    float pr[1];
};

struct D_
{
    float dp[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(128u, 1u, 1u);

kernel void softmax_bwd(constant P& p [[buffer(30)]], const device P_& _52 [[buffer(0)]], device D_& _63 [[buffer(1)]], uint3 gl_WorkGroupID [[threadgroup_position_in_grid]], uint3 gl_LocalInvocationID [[thread_position_in_threadgroup]])
{
    threadgroup float red[128];
    int row = int(gl_WorkGroupID.x);
    int t = int(gl_LocalInvocationID.x);
    int base = row * p.S;
    float s = 0.0;
    for (int j = t; j < p.S; j += 128)
    {
        s += (_52.pr[base + j] * _63.dp[base + j]);
    }
    red[t] = s;
    threadgroup_barrier(mem_flags::mem_threadgroup);
    for (int k = 64; k > 0; k = k >> 1)
    {
        if (t < k)
        {
            red[t] += red[t + k];
        }
        threadgroup_barrier(mem_flags::mem_threadgroup);
    }
    float dot_ = red[0];
    for (int j_1 = t; j_1 < p.S; j_1 += 128)
    {
        _63.dp[base + j_1] = (p.scale * _52.pr[base + j_1]) * (_63.dp[base + j_1] - dot_);
    }
}

