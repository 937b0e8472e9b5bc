#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

struct P
{
    int rows;
    int F;
    int gOff;
    int uOff;
    int gStride;
    int oOff;
    int oStride;
};

struct G_
{
    float g[1];
};

struct DO_
{
    float dout[1];
};

struct DG_
{
    float dg[1];
};

struct U_
{
    float u[1];
};

struct DU_
{
    float du[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(256u, 1u, 1u);

kernel void swiglu_bwd(constant P& p [[buffer(30)]], const device DO_& _83 [[buffer(0)]], const device G_& _74 [[buffer(1)]], const device U_& _113 [[buffer(2)]], device DG_& _107 [[buffer(3)]], device DU_& _130 [[buffer(4)]], uint3 gl_GlobalInvocationID [[thread_position_in_grid]])
{
    int i = int(gl_GlobalInvocationID.x);
    if (i >= (p.rows * p.F))
    {
        return;
    }
    int r = i / p.F;
    int c = i % p.F;
    int gi = (p.gOff + (r * p.gStride)) + c;
    int ui = (p.uOff + (r * p.gStride)) + c;
    float x = _74.g[gi];
    float d = _83.dout[(p.oOff + (r * p.oStride)) + c];
    float sg = 1.0 / (1.0 + exp(-x));
    _107.dg[gi] = ((d * _113.u[ui]) * sg) * (1.0 + (x * (1.0 - sg)));
    _130.du[ui] = (d * x) * sg;
}

