#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

struct P
{
    int n;
    int square;
};

struct X_
{
    float x[1];
};

struct O_
{
    float part[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(256u, 1u, 1u);

kernel void sumsq(constant P& p [[buffer(30)]], const device X_& _57 [[buffer(0)]], device O_& _124 [[buffer(1)]], uint3 gl_LocalInvocationID [[thread_position_in_threadgroup]], uint3 gl_WorkGroupID [[threadgroup_position_in_grid]], uint3 gl_NumWorkGroups [[threadgroups_per_grid]])
{
    threadgroup float red[256];
    int t = int(gl_LocalInvocationID.x);
    int g = int(gl_WorkGroupID.x);
    int _27 = int(gl_NumWorkGroups.x);
    float s = 0.0;
    int _37 = (g * 256) + t;
    float _66;
    for (int G = _27, i = _37; i < p.n; i += (G * 256))
    {
        float v = _57.x[i];
        if (p.square != 0)
        {
            _66 = v * v;
        }
        else
        {
            _66 = v;
        }
        s += _66;
    }
    red[t] = s;
    threadgroup_barrier(mem_flags::mem_threadgroup);
    for (int k = 128; k > 0; k = k >> 1)
    {
        if (t < k)
        {
            red[t] += red[t + k];
        }
        threadgroup_barrier(mem_flags::mem_threadgroup);
    }
    if (t == 0)
    {
        _124.part[g] = red[0];
    }
}

