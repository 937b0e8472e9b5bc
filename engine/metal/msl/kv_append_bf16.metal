#pragma clang diagnostic ignored "-Wmissing-prototypes"
#pragma clang diagnostic ignored "-Wunused-variable"

#include <metal_stdlib>
#include <simd/simd.h>
#include <metal_atomic>

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
    uint kc[1];
};

struct X_
{
    float x[1];
};

struct V_
{
    uint vc[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(64u, 1u, 1u);

static inline __attribute__((always_inline))
uint bf16Round(thread const float& f)
{
    uint u = as_type<uint>(f);
    if ((u & 2147483647u) > 2139095040u)
    {
        return ((u >> uint(16)) | 64u) & 65535u;
    }
    u += (32767u + ((u >> uint(16)) & 1u));
    return u >> uint(16);
}

kernel void kv_append_bf16(constant P& p [[buffer(30)]], const device X_& _170 [[buffer(0)]], const device R_& _103 [[buffer(1)]], device K_& _150 [[buffer(2)]], device V_& _192 [[buffer(3)]], uint3 gl_GlobalInvocationID [[thread_position_in_grid]])
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
    int src = ((p.xOff + (int(_103.rows[i]) * p.W)) + p.Q) + c;
    int dst = ((((j * p.Cap) + p.first) + i) * p.hd) + d;
    uint sh_ = uint((p.kOff + dst) & 1) * 16u;
    uint _160 = atomic_fetch_and_explicit((device atomic_uint*)&_150.kc[(p.kOff + dst) >> 1], ~(65535u << sh_), memory_order_relaxed);
    float param = _170.x[src];
    uint _179 = atomic_fetch_or_explicit((device atomic_uint*)&_150.kc[(p.kOff + dst) >> 1], bf16Round(param) << sh_, memory_order_relaxed);
    uint sh_1 = uint((p.vOff + dst) & 1) * 16u;
    uint _202 = atomic_fetch_and_explicit((device atomic_uint*)&_192.vc[(p.vOff + dst) >> 1], ~(65535u << sh_1), memory_order_relaxed);
    float param_1 = _170.x[src + KV];
    uint _218 = atomic_fetch_or_explicit((device atomic_uint*)&_192.vc[(p.vOff + dst) >> 1], bf16Round(param_1) << sh_1, memory_order_relaxed);
}

