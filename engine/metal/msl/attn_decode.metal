#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

struct P
{
    int Hq;
    int Hkv;
    int D;
    int Smax;
    int seqStride;
    float scale;
};

struct L_
{
    uint lens[1];
};

struct Q_
{
    float q[1];
};

struct K_
{
    float kc[1];
};

struct W_
{
    float sc[1];
};

struct V_
{
    float vc[1];
};

struct O_
{
    float o[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(128u, 1u, 1u);

kernel void attn_decode(constant P& p [[buffer(30)]], const device Q_& _121 [[buffer(0)]], const device K_& _131 [[buffer(1)]], const device V_& _299 [[buffer(2)]], const device L_& _47 [[buffer(3)]], device O_& _317 [[buffer(4)]], device W_& _155 [[buffer(5)]], uint3 gl_WorkGroupID [[threadgroup_position_in_grid]], uint3 gl_LocalInvocationID [[thread_position_in_threadgroup]])
{
    threadgroup float red[128];
    int h = int(gl_WorkGroupID.x);
    int b = int(gl_WorkGroupID.y);
    int t = int(gl_LocalInvocationID.x);
    int g = h / (p.Hq / p.Hkv);
    int n = int(_47.lens[b]);
    int qb = ((b * p.Hq) + h) * p.D;
    int kvRow = p.Hkv * p.D;
    int cb = (b * p.seqStride) + (g * p.D);
    int wb = ((b * p.Hq) + h) * p.Smax;
    float m = -3.0000000054977557577780399428115e+38;
    for (int j = t; j < n; j += 128)
    {
        float s = 0.0;
        for (int d = 0; d < p.D; d++)
        {
            s += (_121.q[qb + d] * _131.kc[(cb + (j * kvRow)) + d]);
        }
        s *= p.scale;
        _155.sc[wb + j] = s;
        m = fast::max(m, s);
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
    for (int j_1 = t; j_1 < n; j_1 += 128)
    {
        float e = exp(_155.sc[wb + j_1] - m);
        _155.sc[wb + j_1] = e;
        sum += e;
    }
    red[t] = sum;
    threadgroup_barrier(mem_flags::mem_device);
    for (int k_1 = 64; k_1 > 0; k_1 = k_1 >> 1)
    {
        if (t < k_1)
        {
            red[t] += red[t + k_1];
        }
        threadgroup_barrier(mem_flags::mem_threadgroup);
    }
    float inv = 1.0 / red[0];
    for (int d_1 = t; d_1 < p.D; d_1 += 128)
    {
        float acc = 0.0;
        for (int j_2 = 0; j_2 < n; j_2++)
        {
            acc += (_155.sc[wb + j_2] * _299.vc[(cb + (j_2 * kvRow)) + d_1]);
        }
        _317.o[qb + d_1] = acc * inv;
    }
}

