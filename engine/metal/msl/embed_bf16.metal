#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

struct P
{
    int T;
    int H;
    int tOff;
    int oOff;
};

struct I_
{
    uint ids[1];
};

struct E_
{
    uint e[1];
};

struct O_
{
    float o[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(256u, 1u, 1u);

kernel void embed_bf16(constant P& p [[buffer(30)]], const device E_& _69 [[buffer(0)]], const device I_& _52 [[buffer(1)]], device O_& _78 [[buffer(2)]], uint3 gl_GlobalInvocationID [[thread_position_in_grid]])
{
    int i = int(gl_GlobalInvocationID.x);
    if (i >= (p.T * p.H))
    {
        return;
    }
    int t = i / p.H;
    int c = i % p.H;
    int k = (p.tOff + (int(_52.ids[t]) * p.H)) + c;
    uint w = _69.e[k >> 1];
    uint _87;
    if ((k & 1) == 1)
    {
        _87 = w >> uint(16);
    }
    else
    {
        _87 = w & 65535u;
    }
    _78.o[p.oOff + i] = as_type<float>(_87 << uint(16));
}

