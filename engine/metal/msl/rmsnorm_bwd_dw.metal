#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

struct P
{
    int rows;
    int n;
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

struct DW_
{
    float dw[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(64u, 1u, 1u);

kernel void rmsnorm_bwd_dw(constant P& p [[buffer(30)]], const device DY_& _49 [[buffer(0)]], const device X_& _62 [[buffer(1)]], const device R_& _75 [[buffer(2)]], device DW_& _87 [[buffer(3)]], uint3 gl_GlobalInvocationID [[thread_position_in_grid]])
{
    int i = int(gl_GlobalInvocationID.x);
    if (i >= p.n)
    {
        return;
    }
    float s = 0.0;
    for (int r = 0; r < p.rows; r++)
    {
        s += ((_49.dy[(r * p.n) + i] * _62.x[(r * p.n) + i]) * _75.rstd[r]);
    }
    _87.dw[i] += s;
}

