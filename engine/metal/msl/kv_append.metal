#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

struct P
{
    int n;
    int W;
    int Q;
    int KVH;
    int hd;
    int Cap;
    int first;
    int kOff;
    int vOff;
    int xOff;
};

struct R_
{
    uint rows[1];
};

struct K_
{
    float kc[1];
};

struct X_
{
    float x[1];
};

struct V_
{
    float vc[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(64u, 1u, 1u);

kernel void kv_append(constant P& p [[buffer(30)]], const device X_& _113 [[buffer(0)]], const device R_& _66 [[buffer(1)]], device K_& _104 [[buffer(2)]], device V_& _122 [[buffer(3)]], uint3 gl_GlobalInvocationID [[thread_position_in_grid]])
{
    int id = int(gl_GlobalInvocationID.x);
    int KV = p.KVH * p.hd;
    if (id >= (p.n * KV))
    {
        return;
    }
    int i = id / KV;
    int c = id % KV;
    int j = c / p.hd;
    int d = c % p.hd;
    int src = ((p.xOff + (int(_66.rows[i]) * p.W)) + p.Q) + c;
    int dst = ((((j * p.Cap) + p.first) + i) * p.hd) + d;
    _104.kc[p.kOff + dst] = _113.x[src];
    _122.vc[p.vOff + dst] = _113.x[src + KV];
}

