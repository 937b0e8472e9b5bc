#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

struct P
{
    int rows;
    int n;
};

struct O_
{
    float o[1];
};

struct X_
{
    float x[1];
};

struct R_
{
    float rstd[1];
};

struct W_
{
    float w[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(256u, 1u, 1u);

kernel void rmsnorm_scale(constant P& p [[buffer(30)]], const device X_& _44 [[buffer(0)]], const device W_& _63 [[buffer(1)]], const device R_& _52 [[buffer(2)]], device O_& _39 [[buffer(3)]], uint3 gl_GlobalInvocationID [[thread_position_in_grid]])
{
    int i = int(gl_GlobalInvocationID.x);
    if (i >= (p.rows * p.n))
    {
        return;
    }
    _39.o[i] = (_44.x[i] * _52.rstd[i / p.n]) * _63.w[i % p.n];
}

