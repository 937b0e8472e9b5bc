#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

struct P
{
    int n;
    float alpha;
    float beta;
};

struct Y_
{
    float y[1];
};

struct X_
{
    float x[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(256u, 1u, 1u);

kernel void scale_add(constant P& p [[buffer(30)]], const device X_& _43 [[buffer(0)]], device Y_& _34 [[buffer(1)]], uint3 gl_GlobalInvocationID [[thread_position_in_grid]])
{
    int i = int(gl_GlobalInvocationID.x);
    if (i < p.n)
    {
        float _55;
        if (p.beta == 0.0)
        {
            _55 = 0.0;
        }
        else
        {
            _55 = p.beta * _34.y[i];
        }
        _34.y[i] = (p.alpha * _43.x[i]) + _55;
    }
}

