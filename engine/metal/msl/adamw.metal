#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

struct P
{
    int n;
    int mode;
    float w1;
    float b2;
    float w2;
    float stepSize;
    float bc2;
    float eps;
    float decay;
    float l2;
    float gscale;
};

struct G_
{
    float gr[1];
};

struct P_
{
    float par[1];
};

struct M_
{
    float m1[1];
};

struct V_
{
    float m2[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(256u, 1u, 1u);

kernel void adamw(constant P& p [[buffer(30)]], device P_& _51 [[buffer(0)]], const device G_& _37 [[buffer(1)]], device M_& _83 [[buffer(2)]], device V_& _100 [[buffer(3)]], uint3 gl_GlobalInvocationID [[thread_position_in_grid]])
{
    int i = int(gl_GlobalInvocationID.x);
    if (i >= p.n)
    {
        return;
    }
    float g = _37.gr[i] * p.gscale;
    float x = _51.par[i];
    if (p.mode == 1)
    {
        x *= p.decay;
    }
    if (p.mode == 2)
    {
        g += (p.l2 * x);
    }
    float m = _83.m1[i] + (p.w1 * (g - _83.m1[i]));
    float v = (_100.m2[i] * p.b2) + ((p.w2 * g) * g);
    float den = (sqrt(v) / p.bc2) + p.eps;
    _51.par[i] = x - (p.stepSize * (m / den));
    _83.m1[i] = m;
    _100.m2[i] = v;
}

