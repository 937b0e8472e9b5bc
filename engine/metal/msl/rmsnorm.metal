#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

struct P
{
    int rows;
    int n;
    float eps;
};

struct X_
{
    float x[1];
};

struct O_
{
    float o[1];
};

struct W_
{
    float w[1];
};

struct R_
{
    float rstd[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(128u, 1u, 1u);

kernel void rmsnorm(constant P& p [[buffer(30)]], const device X_& _53 [[buffer(0)]], const device W_& _146 [[buffer(1)]], device O_& _132 [[buffer(2)]], device R_& _161 [[buffer(3)]], uint3 gl_WorkGroupID [[threadgroup_position_in_grid]], uint3 gl_LocalInvocationID [[thread_position_in_threadgroup]])
{
    threadgroup float red[128];
    int r = int(gl_WorkGroupID.x);
    int t = int(gl_LocalInvocationID.x);
    int base = r * p.n;
    float s = 0.0;
    for (int i = t; i < p.n; i += 128)
    {
        float v = _53.x[base + i];
        s += (v * v);
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
    float rs = rsqrt((red[0] / float(p.n)) + p.eps);
    for (int i_1 = t; i_1 < p.n; i_1 += 128)
    {
        _132.o[base + i_1] = (_53.x[base + i_1] * rs) * _146.w[i_1];
    }
    if (t == 0)
    {
        _161.rstd[r] = rs;
    }
}

