#pragma clang diagnostic ignored "-Wmissing-prototypes"

#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

struct P
{
    int n;
};

struct I_
{
    float x[1];
};

struct O_
{
    uint o[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(256u, 1u, 1u);

static inline __attribute__((always_inline))
uint bf16Round(thread const float& f)
{
    uint u = as_type<uint>(f);
    if ((u & 2147483647u) > 2139095040u)
    {
        return ((u >> uint(16)) | 64u) & 65535u;
    }
    u += (32767u + ((u >> uint(16)) & 1u));
    return u >> uint(16);
}

kernel void cast_f32_bf16(constant P& p [[buffer(30)]], const device I_& _76 [[buffer(0)]], device O_& _104 [[buffer(1)]], uint3 gl_GlobalInvocationID [[thread_position_in_grid]])
{
    int w = int(gl_GlobalInvocationID.x);
    int i = 2 * w;
    if (i >= p.n)
    {
        return;
    }
    float param = _76.x[i];
    uint lo = bf16Round(param);
    uint _90;
    if ((i + 1) < p.n)
    {
        float param_1 = _76.x[i + 1];
        _90 = bf16Round(param_1);
    }
    else
    {
        _90 = 0u;
    }
    uint hi = _90;
    _104.o[w] = lo | (hi << uint(16));
}

