#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

struct P
{
    int rows;
    int F;
    int gOff;
    int uOff;
    int gStride;
    int oOff;
    int oStride;
};

struct G_
{
    float g[1];
};

struct O_
{
    float o[1];
};

struct U_
{
    float u[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(256u, 1u, 1u);

kernel void swiglu(constant P& p [[buffer(30)]], const device G_& _51 [[buffer(0)]], const device U_& _91 [[buffer(1)]], device O_& _69 [[buffer(2)]], uint3 gl_GlobalInvocationID [[thread_position_in_grid]])
{
    int i = int(gl_GlobalInvocationID.x);
    if (i >= (p.rows * p.F))
    {
        return;
    }
    int r = i / p.F;
    int c = i % p.F;
    float x = _51.g[(p.gOff + (r * p.gStride)) + c];
    _69.o[(p.oOff + (r * p.oStride)) + c] = (x / (1.0 + exp(-x))) * _91.u[(p.uOff + (r * p.gStride)) + c];
}

