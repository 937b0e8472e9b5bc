#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

struct P
{
    int R;
};

struct S_
{
    float st[1];
};

struct L_
{
    float lse[1];
};

struct O_
{
    float logp[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(64u, 1u, 1u);

kernel void logp_final(constant P& p [[buffer(30)]], const device S_& _37 [[buffer(0)]], device O_& _62 [[buffer(1)]], device L_& _55 [[buffer(2)]], uint3 gl_GlobalInvocationID [[thread_position_in_grid]])
{
    int r = int(gl_GlobalInvocationID.x);
    if (r >= p.R)
    {
        return;
    }
    float l = _37.st[3 * r] + log(_37.st[(3 * r) + 1]);
    _55.lse[r] = l;
    _62.logp[r] = _37.st[(3 * r) + 2] - l;
}

