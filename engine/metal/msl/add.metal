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

struct A_
{
    float a[1];
};

struct B_
{
    float b[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(256u, 1u, 1u);

kernel void add(constant P& p [[buffer(30)]], const device A_& _39 [[buffer(0)]], const device B_& _47 [[buffer(1)]], device O_& _34 [[buffer(2)]], uint3 gl_GlobalInvocationID [[thread_position_in_grid]])
{
    int i = int(gl_GlobalInvocationID.x);
    if (i < p.n)
    {
        _34.o[i] = _39.a[i] + _47.b[i];
    }
}

