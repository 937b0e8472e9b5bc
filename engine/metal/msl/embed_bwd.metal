#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

struct P
{
    int T;
    int H;
    int xOff;
    int tOff;
};

struct DT_
{
    float dt[1];
};

struct I_
{
    uint ids[1];
};

struct DX_
{
    float dx[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(64u, 1u, 1u);

kernel void embed_bwd(constant P& p [[buffer(30)]], const device DX_& _68 [[buffer(0)]], const device I_& _53 [[buffer(1)]], device DT_& _46 [[buffer(2)]], uint3 gl_GlobalInvocationID [[thread_position_in_grid]])
{
    int c = int(gl_GlobalInvocationID.x);
    if (c >= p.H)
    {
        return;
    }
    for (int t = 0; t < p.T; t++)
    {
        int _64 = (p.tOff + (int(_53.ids[t]) * p.H)) + c;
        _46.dt[_64] += _68.dx[(p.xOff + (t * p.H)) + c];
    }
}

