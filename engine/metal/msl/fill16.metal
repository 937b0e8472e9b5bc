#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

struct P
{
    int n;
    int dstOff;
    int v;
};

struct D_
{
    ushort d[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(256u, 1u, 1u);

kernel void fill16(constant P& p [[buffer(30)]], device D_& _34 [[buffer(0)]], uint3 gl_GlobalInvocationID [[thread_position_in_grid]])
{
    int i = int(gl_GlobalInvocationID.x);
    if (i < p.n)
    {
        _34.d[p.dstOff + i] = ushort(short(p.v));
    }
}

