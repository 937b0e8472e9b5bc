#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

struct P
{
    int M;
    int N;
};

struct DY_
{
    float dy[1];
};

struct DB_
{
    float db[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(64u, 1u, 1u);

kernel void colsum(constant P& p [[buffer(30)]], const device DY_& _49 [[buffer(0)]], device DB_& _66 [[buffer(1)]], uint3 gl_GlobalInvocationID [[thread_position_in_grid]])
{
    int n = int(gl_GlobalInvocationID.x);
    if (n >= p.N)
    {
        return;
    }
    float s = 0.0;
    for (int m = 0; m < p.M; m++)
    {
        s += _49.dy[(m * p.N) + n];
    }
    _66.db[n] += s;
}

