#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

struct P
{
    int R;
    int Vc;
    int v0;
    int first;
};

struct L_
{
    float lg[1];
};

struct S_
{
    float st[1];
};

struct T_
{
    int tgt[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(128u, 1u, 1u);

kernel void lse_chunk(constant P& p [[buffer(30)]], const device L_& _53 [[buffer(0)]], const device T_& _224 [[buffer(1)]], device S_& _175 [[buffer(2)]], uint3 gl_WorkGroupID [[threadgroup_position_in_grid]], uint3 gl_LocalInvocationID [[thread_position_in_threadgroup]])
{
    threadgroup float red[128];
    int r = int(gl_WorkGroupID.x);
    int t = int(gl_LocalInvocationID.x);
    int base = r * p.Vc;
    float m = -3.0000000054977557577780399428115e+38;
    for (int j = t; j < p.Vc; j += 128)
    {
        m = fast::max(m, _53.lg[base + j]);
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
    float s = 0.0;
    for (int j_1 = t; j_1 < p.Vc; j_1 += 128)
    {
        s += exp(_53.lg[base + j_1] - m);
    }
    red[t] = s;
    threadgroup_barrier(mem_flags::mem_threadgroup);
    for (int k_1 = 64; k_1 > 0; k_1 = k_1 >> 1)
    {
        if (t < k_1)
        {
            red[t] += red[t + k_1];
        }
        threadgroup_barrier(mem_flags::mem_threadgroup);
    }
    if (t == 0)
    {
        s = red[0];
        float _168;
        if (p.first != 0)
        {
            _168 = -3.0000000054977557577780399428115e+38;
        }
        else
        {
            _168 = _175.st[3 * r];
        }
        float om = _168;
        float _185;
        if (p.first != 0)
        {
            _185 = 0.0;
        }
        else
        {
            _185 = _175.st[(3 * r) + 1];
        }
        float os = _185;
        float nm = fast::max(om, m);
        _175.st[3 * r] = nm;
        _175.st[(3 * r) + 1] = (os * exp(om - nm)) + (s * exp(m - nm));
        int tg = _224.tgt[r] - p.v0;
        if (p.first != 0)
        {
            _175.st[(3 * r) + 2] = 0.0;
        }
        bool _243 = tg >= 0;
        bool _250;
        if (_243)
        {
            _250 = tg < p.Vc;
        }
        else
        {
            _250 = _243;
        }
        if (_250)
        {
            _175.st[(3 * r) + 2] = _53.lg[base + tg];
        }
    }
}

