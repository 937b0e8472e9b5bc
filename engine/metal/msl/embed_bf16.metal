#pragma clang diagnostic ignored "-Wmissing-prototypes"

#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

struct P
{
    int T;
    int H;
    int tOff;
    int oOff;
};

struct I_
{
    uint ids[1];
};

struct O_
{
    float o[1];
};

struct E_
{
    uint e[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(256u, 1u, 1u);

static inline __attribute__((always_inline))
float bf16Half(thread const uint& w, thread const int& i)
{
    uint _21;
    if ((i & 1) == 1)
    {
        _21 = w >> uint(16);
    }
    else
    {
        _21 = w & 65535u;
    }
    return as_type<float>(_21 << uint(16));
}

kernel void embed_bf16(constant P& p [[buffer(30)]], const device E_& _101 [[buffer(0)]], const device I_& _77 [[buffer(1)]], device O_& _92 [[buffer(2)]], uint3 gl_GlobalInvocationID [[thread_position_in_grid]])
{
    int i = int(gl_GlobalInvocationID.x);
    if (i >= (p.T * p.H))
    {
        return;
    }
    int t = i / p.H;
    int c = i % p.H;
    int k = (p.tOff + (int(_77.ids[t]) * p.H)) + c;
    uint param = _101.e[k >> 1];
    int param_1 = k;
    _92.o[p.oOff + i] = bf16Half(param, param_1);
}

