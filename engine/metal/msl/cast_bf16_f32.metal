#pragma clang diagnostic ignored "-Wmissing-prototypes"

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

static inline __attribute__((always_inline))
float bf16Half(thread const uint& w, thread const int& i)
{
    uint _21;
    if ((i & 1) == 1)
    {
        _21 = w >> uint(16);
    }
    else
    {
        _21 = w & 65535u;
    }
    return as_type<float>(_21 << uint(16));
}

kernel void cast_bf16_f32(constant P& p [[buffer(30)]], const device I_& _65 [[buffer(0)]], device O_& _60 [[buffer(1)]], uint3 gl_GlobalInvocationID [[thread_position_in_grid]])
{
    int i = int(gl_GlobalInvocationID.x);
    if (i >= p.n)
    {
        return;
    }
    uint param = _65.x[i >> 1];
    int param_1 = i;
    _60.o[i] = bf16Half(param, param_1);
}

