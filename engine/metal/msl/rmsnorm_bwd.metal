#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

struct P
{
    int rows;
    int n;
    int acc;
};

struct W_
{
    float w[1];
};

struct DY_
{
    float dy[1];
};

struct X_
{
    float x[1];
};

struct R_
{
    float rstd[1];
};

struct DX_
{
    float dx[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(128u, 1u, 1u);

kernel void rmsnorm_bwd(constant P& p [[buffer(30)]], const device DY_& _61 [[buffer(0)]], const device X_& _71 [[buffer(1)]], const device W_& _52 [[buffer(2)]], const device R_& _123 [[buffer(3)]], device DX_& _172 [[buffer(4)]], uint3 gl_WorkGroupID [[threadgroup_position_in_grid]], uint3 gl_LocalInvocationID [[thread_position_in_threadgroup]])
{
    threadgroup float red[128];
    int r = int(gl_WorkGroupID.x);
    int t = int(gl_LocalInvocationID.x);
    int base = r * p.n;
    float s = 0.0;
    for (int i = t; i < p.n; i += 128)
    {
        s += ((_52.w[i] * _61.dy[base + i]) * _71.x[base + i]);
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
    float rs = _123.rstd[r];
    float c = ((rs * rs) * red[0]) / float(p.n);
    float _180;
    for (int i_1 = t; i_1 < p.n; i_1 += 128)
    {
        float v = rs * ((_52.w[i_1] * _61.dy[base + i_1]) - (_71.x[base + i_1] * c));
        if (p.acc != 0)
        {
            _180 = _172.dx[base + i_1] + v;
        }
        else
        {
            _180 = v;
        }
        _172.dx[base + i_1] = _180;
    }
}

