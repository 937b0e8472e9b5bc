#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

struct P
{
    int rows;
    int heads;
    int D;
    int rowStride;
    int xoff;
    float _sign;
};

struct C_
{
    float cs[1];
};

struct S_
{
    float sn[1];
};

struct X_
{
    float x[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(64u, 1u, 1u);

kernel void rope(constant P& p [[buffer(30)]], device X_& _113 [[buffer(0)]], const device C_& _83 [[buffer(1)]], const device S_& _100 [[buffer(2)]], uint3 gl_GlobalInvocationID [[thread_position_in_grid]])
{
    int half_ = p.D / 2;
    int id = int(gl_GlobalInvocationID.x);
    int total = (p.rows * p.heads) * half_;
    if (id >= total)
    {
        return;
    }
    int i = id % half_;
    int h = (id / half_) % p.heads;
    int r = id / (half_ * p.heads);
    int base = (p.xoff + (r * p.rowStride)) + (h * p.D);
    float c = _83.cs[(r * half_) + i];
    float s = p._sign * _100.sn[(r * half_) + i];
    float a = _113.x[base + i];
    float b = _113.x[(base + i) + half_];
    _113.x[base + i] = (a * c) - (b * s);
    _113.x[(base + i) + half_] = (b * c) + (a * s);
}

