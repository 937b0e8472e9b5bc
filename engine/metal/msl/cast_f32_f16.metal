#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

struct P
{
    int n;
};

struct O_
{
    uint o[1];
};

struct I_
{
    float x[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(256u, 1u, 1u);

kernel void cast_f32_f16(constant P& p [[buffer(30)]], const device I_& _44 [[buffer(0)]], device O_& _38 [[buffer(1)]], uint3 gl_GlobalInvocationID [[thread_position_in_grid]])
{
    int w = int(gl_GlobalInvocationID.x);
    int i = 2 * w;
    if (i >= p.n)
    {
        return;
    }
    float _56;
    if ((i + 1) < p.n)
    {
        _56 = _44.x[i + 1];
    }
    else
    {
        _56 = 0.0;
    }
    _38.o[w] = as_type<uint>(half2(float2(_44.x[i], _56)));
}

