#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

struct P
{
    int n;
};

struct I_
{
    uint x[1];
};

struct O_
{
    float o[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(256u, 1u, 1u);

kernel void cast_bf16_f32(constant P& p [[buffer(30)]], const device I_& _36 [[buffer(0)]], device O_& _47 [[buffer(1)]], uint3 gl_GlobalInvocationID [[thread_position_in_grid]])
{
    int i = int(gl_GlobalInvocationID.x);
    if (i >= p.n)
    {
        return;
    }
    uint w = _36.x[i >> 1];
    uint _52;
    if ((i & 1) == 1)
    {
        _52 = w >> uint(16);
    }
    else
    {
        _52 = w & 65535u;
    }
    _47.o[i] = as_type<float>(_52 << uint(16));
}

