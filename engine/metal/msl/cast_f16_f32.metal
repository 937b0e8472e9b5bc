#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

struct P
{
    int n;
};

struct O_
{
    float o[1];
};

struct I_
{
    uint x[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(256u, 1u, 1u);

kernel void cast_f16_f32(constant P& p [[buffer(30)]], const device I_& _39 [[buffer(0)]], device O_& _34 [[buffer(1)]], uint3 gl_GlobalInvocationID [[thread_position_in_grid]])
{
    int i = int(gl_GlobalInvocationID.x);
    if (i < p.n)
    {
        _34.o[i] = float2(as_type<half2>(_39.x[i >> 1]))[i & 1];
    }
}

