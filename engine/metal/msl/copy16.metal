#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

struct P
{
    int n;
    int srcOff;
    int dstOff;
};

struct D_
{
    ushort d[1];
};

struct S_
{
    ushort s[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(256u, 1u, 1u);

kernel void copy16(constant P& p [[buffer(30)]], const device S_& _43 [[buffer(0)]], device D_& _34 [[buffer(1)]], uint3 gl_GlobalInvocationID [[thread_position_in_grid]])
{
    int i = int(gl_GlobalInvocationID.x);
    if (i < p.n)
    {
        _34.d[p.dstOff + i] = _43.s[p.srcOff + i];
    }
}

