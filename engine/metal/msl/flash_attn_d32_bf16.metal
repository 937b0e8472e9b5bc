#pragma clang diagnostic ignored "-Wmissing-prototypes"
#pragma clang diagnostic ignored "-Wmissing-braces"

#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

template<typename T, size_t Num>
struct spvUnsafeArray
{
    T elements[Num ? Num : 1];
    
    thread T& operator [] (size_t pos) thread
    {
        return elements[pos];
    }
    constexpr const thread T& operator [] (size_t pos) const thread
    {
        return elements[pos];
    }
    
    device T& operator [] (size_t pos) device
    {
        return elements[pos];
    }
    constexpr const device T& operator [] (size_t pos) const device
    {
        return elements[pos];
    }
    
    constexpr const constant T& operator [] (size_t pos) const constant
    {
        return elements[pos];
    }
    
    threadgroup T& operator [] (size_t pos) threadgroup
    {
        return elements[pos];
    }
    constexpr const threadgroup T& operator [] (size_t pos) const threadgroup
    {
        return elements[pos];
    }
};

struct P
{
    int T;
    int S;
    int pos0;
    int Hq;
    int Hkv;
    int qOff;
    int qStride;
    int kOff;
    int vOff;
    int kHead;
    int kRow;
    int oOff;
    int oStride;
    int lseOff;
    int lseT;
    int lseH;
    int writeLSE;
    float scale;
};

struct Q_
{
    float q[1];
};

struct K_
{
    uint k[1];
};

struct V_
{
    uint v[1];
};

struct O_
{
    float o[1];
};

struct L_
{
    float lse[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(64u, 1u, 1u);

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

kernel void flash_attn_d32_bf16(constant P& p [[buffer(30)]], const device Q_& _104 [[buffer(0)]], const device K_& _230 [[buffer(1)]], const device V_& _268 [[buffer(2)]], device O_& _451 [[buffer(3)]], device L_& _482 [[buffer(4)]], uint3 gl_WorkGroupID [[threadgroup_position_in_grid]], uint3 gl_LocalInvocationID [[thread_position_in_threadgroup]])
{
    threadgroup float ks[512];
    threadgroup float vs[512];
    int h = int(gl_WorkGroupID.y);
    int t0 = int(gl_WorkGroupID.x) * 64;
    int tid = int(gl_LocalInvocationID.x);
    int t = t0 + tid;
    bool live = t < p.T;
    int kvh = h / (p.Hq / p.Hkv);
    spvUnsafeArray<float, 32> qr;
    float _98;
    spvUnsafeArray<float, 32> acc;
    for (int d = 0; d < 32; d++)
    {
        if (live)
        {
            _98 = _104.q[((p.qOff + (t * p.qStride)) + (h * 32)) + d] * p.scale;
        }
        else
        {
            _98 = 0.0;
        }
        qr[d] = _98;
        acc[d] = 0.0;
    }
    float m = -3.0000000054977557577780399428115e+38;
    float l = 0.0;
    int _141;
    if (live)
    {
        _141 = min(p.S, ((p.pos0 + t) + 1));
    }
    else
    {
        _141 = 0;
    }
    int lim = _141;
    int limG = min(p.S, (p.pos0 + min((t0 + 64), p.T)));
    int kb = p.kOff + (kvh * p.kHead);
    int vb = p.vOff + (kvh * p.kHead);
    float _224;
    float _262;
    spvUnsafeArray<float, 16> sc;
    for (int j0 = 0; j0 < limG; j0 += 16)
    {
        for (int e = tid; e < 512; e += 64)
        {
            int j = j0 + (e / 32);
            int d_1 = e % 32;
            bool in_ = j < p.S;
            if (in_)
            {
                uint param = _230.k[((kb + (j * p.kRow)) + d_1) >> 1];
                int param_1 = (kb + (j * p.kRow)) + d_1;
                _224 = bf16Half(param, param_1);
            }
            else
            {
                _224 = 0.0;
            }
            ks[e] = _224;
            if (in_)
            {
                uint param_2 = _268.v[((vb + (j * p.kRow)) + d_1) >> 1];
                int param_3 = (vb + (j * p.kRow)) + d_1;
                _262 = bf16Half(param_2, param_3);
            }
            else
            {
                _262 = 0.0;
            }
            vs[e] = _262;
        }
        threadgroup_barrier(mem_flags::mem_threadgroup);
        int n = min(16, (lim - j0));
        if (n > 0)
        {
            float mt = m;
            for (int jj = 0; jj < 16; jj++)
            {
                float s = 0.0;
                for (int d_2 = 0; d_2 < 32; d_2++)
                {
                    s += (qr[d_2] * ks[(jj * 32) + d_2]);
                }
                sc[jj] = s;
                if (jj < n)
                {
                    mt = fast::max(mt, s);
                }
            }
            float corr = exp(m - mt);
            l *= corr;
            for (int d_3 = 0; d_3 < 32; d_3++)
            {
                acc[d_3] *= corr;
            }
            for (int jj_1 = 0; jj_1 < 16; jj_1++)
            {
                if (jj_1 >= n)
                {
                    break;
                }
                float pj = exp(sc[jj_1] - mt);
                l += pj;
                for (int d_4 = 0; d_4 < 32; d_4++)
                {
                    acc[d_4] += (pj * vs[(jj_1 * 32) + d_4]);
                }
            }
            m = mt;
        }
        threadgroup_barrier(mem_flags::mem_threadgroup);
    }
    if (live)
    {
        float inv = 1.0 / l;
        for (int d_5 = 0; d_5 < 32; d_5++)
        {
            _451.o[((p.oOff + (t * p.oStride)) + (h * 32)) + d_5] = acc[d_5] * inv;
        }
        if (p.writeLSE != 0)
        {
            _482.lse[(p.lseOff + (t * p.lseT)) + (h * p.lseH)] = m + log(l);
        }
    }
}

