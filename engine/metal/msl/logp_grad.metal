#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

struct P
{
    int R;
    int Vc;
    int v0;
};

struct L_
{
    float lg[1];
};

struct E_
{
    float lse[1];
};

struct D_
{
    float dl[1];
};

struct G_
{
    float g[1];
};

struct T_
{
    int tgt[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(256u, 1u, 1u);

kernel void logp_grad(constant P& p [[buffer(30)]], const device L_& _51 [[buffer(0)]], const device T_& _85 [[buffer(1)]], const device E_& _59 [[buffer(2)]], const device G_& _73 [[buffer(3)]], device D_& _68 [[buffer(4)]], uint3 gl_GlobalInvocationID [[thread_position_in_grid]])
{
    int i = int(gl_GlobalInvocationID.x);
    if (i >= (p.R * p.Vc))
    {
        return;
    }
    int r = i / p.Vc;
    int j = i % p.Vc;
    float pr = exp(_51.lg[i] - _59.lse[r]);
    _68.dl[i] = _73.g[r] * (float((p.v0 + j) == _85.tgt[r]) - pr);
}

