#pragma clang diagnostic ignored "-Wmissing-prototypes"

#include <metal_stdlib>
#include <simd/simd.h>

using namespace metal;

struct L_
{
    float lg[1];
};

struct P
{
    int V;
    int topK;
    float temp;
    float topP;
};

struct T_
{
    uint tok[1];
};

struct P_
{
    float lp[1];
};

struct S_
{
    uint status[1];
};

struct U_
{
    float uu[1];
};

constant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(256u, 1u, 1u);

static inline __attribute__((always_inline))
float sumAll(thread const float& v, thread uint3& gl_LocalInvocationID, threadgroup float (&redf)[256])
{
    int t = int(gl_LocalInvocationID.x);
    redf[t] = v;
    threadgroup_barrier(mem_flags::mem_threadgroup);
    for (int k = 128; k > 0; k = k >> 1)
    {
        if (t < k)
        {
            redf[t] += redf[t + k];
        }
        threadgroup_barrier(mem_flags::mem_threadgroup);
    }
    float r = redf[0];
    threadgroup_barrier(mem_flags::mem_threadgroup);
    return r;
}

static inline __attribute__((always_inline))
float w(thread const int& i, const device L_& v_134, thread int& base, thread float& mx, thread float& invT)
{
    return exp((v_134.lg[base + i] - mx) * invT);
}

static inline __attribute__((always_inline))
uint key(thread const float& f)
{
    uint b = as_type<uint>(f);
    uint _68;
    if ((b & 2147483648u) != 0u)
    {
        _68 = ~b;
    }
    else
    {
        _68 = b | 2147483648u;
    }
    return _68;
}

static inline __attribute__((always_inline))
bool keepK(thread const int& i, thread const uint& k, thread uint& kT, thread int& iT)
{
    bool _157 = k > kT;
    bool _169;
    if (!_157)
    {
        _169 = (k == kT) && (i <= iT);
    }
    else
    {
        _169 = _157;
    }
    return _169;
}

static inline __attribute__((always_inline))
bool keep(thread const int& i, const device L_& v_134, thread int& base, thread uint& kT, thread int& iT, thread bool& useP, thread uint& pT, thread int& iP)
{
    float param = v_134.lg[base + i];
    uint k = key(param);
    int param_1 = i;
    uint param_2 = k;
    if (!keepK(param_1, param_2, kT, iT))
    {
        return false;
    }
    bool _198 = (!useP) || (k > pT);
    bool _210;
    if (!_198)
    {
        _210 = (k == pT) && (i <= iP);
    }
    else
    {
        _210 = _198;
    }
    return _210;
}

static inline __attribute__((always_inline))
float above(thread const uint& x, thread const int& mode, thread uint3& gl_LocalInvocationID, threadgroup float (&redf)[256], const device L_& v_134, thread int& base, thread float& mx, thread float& invT, thread uint& kT, thread int& iT, thread bool& useP, thread uint& pT, thread int& iP, constant P& p)
{
    float s = 0.0;
    int _218 = int(gl_LocalInvocationID.x);
    for (int i = _218; i < p.V; i += 256)
    {
        float param = v_134.lg[base + i];
        uint k = key(param);
        if (k < x)
        {
            continue;
        }
        if (mode == 0)
        {
            s += 1.0;
        }
        else
        {
            if (mode == 1)
            {
                int param_1 = i;
                uint param_2 = k;
                if (keepK(param_1, param_2, kT, iT))
                {
                    int param_3 = i;
                    s += w(param_3, v_134, base, mx, invT);
                }
            }
            else
            {
                int param_4 = i;
                if (keep(param_4, v_134, base, kT, iT, useP, pT, iP))
                {
                    int param_5 = i;
                    s += w(param_5, v_134, base, mx, invT);
                }
            }
        }
    }
    float param_6 = s;
    float _286 = sumAll(param_6, gl_LocalInvocationID, redf);
    return _286;
}

static inline __attribute__((always_inline))
uint searchKey(thread const float& goal, thread const int& mode, thread const bool& ge, thread uint3& gl_LocalInvocationID, threadgroup float (&redf)[256], const device L_& v_134, thread int& base, thread float& mx, thread float& invT, thread uint& kT, thread int& iT, thread bool& useP, thread uint& pT, thread int& iP, constant P& p)
{
    uint lo = 0u;
    uint hi = 4294967295u;
    bool _395;
    while (lo < hi)
    {
        uint d = hi - lo;
        uint mid = (lo + (d >> uint(1))) + (d & 1u);
        uint param = mid;
        int param_1 = mode;
        float _393 = above(param, param_1, gl_LocalInvocationID, redf, v_134, base, mx, invT, kT, iT, useP, pT, iP, p);
        float a = _393;
        if (ge)
        {
            _395 = a >= goal;
        }
        else
        {
            _395 = a > goal;
        }
        if (_395)
        {
            lo = mid;
        }
        else
        {
            hi = mid - 1u;
        }
    }
    return lo;
}

static inline __attribute__((always_inline))
float tiesUpTo(thread const uint& x, thread const int& c, thread const int& mode, thread uint3& gl_LocalInvocationID, threadgroup float (&redf)[256], const device L_& v_134, thread int& base, thread float& mx, thread float& invT, thread uint& kT, thread int& iT, thread bool& useP, thread uint& pT, thread int& iP, constant P& p)
{
    float s = 0.0;
    int _293 = int(gl_LocalInvocationID.x);
    int i = _293;
    for (;;)
    {
        bool _301 = i <= c;
        bool _308;
        if (_301)
        {
            _308 = i < p.V;
        }
        else
        {
            _308 = _301;
        }
        if (_308)
        {
            float param = v_134.lg[base + i];
            uint k = key(param);
            if (k != x)
            {
                int _357 = i;
                i = _357 + 256;
                continue;
            }
            if (mode == 0)
            {
                s += 1.0;
            }
            else
            {
                if (mode == 1)
                {
                    int param_1 = i;
                    uint param_2 = k;
                    if (keepK(param_1, param_2, kT, iT))
                    {
                        int param_3 = i;
                        s += w(param_3, v_134, base, mx, invT);
                    }
                }
                else
                {
                    int param_4 = i;
                    if (keep(param_4, v_134, base, kT, iT, useP, pT, iP))
                    {
                        int param_5 = i;
                        s += w(param_5, v_134, base, mx, invT);
                    }
                }
            }
            int _357 = i;
            i = _357 + 256;
            continue;
        }
        else
        {
            break;
        }
    }
    float param_6 = s;
    float _361 = sumAll(param_6, gl_LocalInvocationID, redf);
    return _361;
}

static inline __attribute__((always_inline))
int searchTie(thread const uint& x, thread const float& before, thread const float& goal, thread const int& mode, thread const bool& ge, thread uint3& gl_LocalInvocationID, threadgroup float (&redf)[256], const device L_& v_134, thread int& base, thread float& mx, thread float& invT, thread uint& kT, thread int& iT, thread bool& useP, thread uint& pT, thread int& iP, constant P& p)
{
    int lo = 0;
    int hi = p.V - 1;
    bool _445;
    while (lo < hi)
    {
        int mid = (lo + hi) / 2;
        uint param = x;
        int param_1 = mid;
        int param_2 = mode;
        float _442 = tiesUpTo(param, param_1, param_2, gl_LocalInvocationID, redf, v_134, base, mx, invT, kT, iT, useP, pT, iP, p);
        float a = before + _442;
        if (ge)
        {
            _445 = a >= goal;
        }
        else
        {
            _445 = a > goal;
        }
        if (_445)
        {
            hi = mid;
        }
        else
        {
            lo = mid + 1;
        }
    }
    return lo;
}

kernel void _sample(const device L_& v_134 [[buffer(0)]], constant P& p [[buffer(30)]], const device U_& _821 [[buffer(1)]], device T_& _657 [[buffer(2)]], device P_& _664 [[buffer(3)]], device S_& _675 [[buffer(4)]], uint3 gl_LocalInvocationID [[thread_position_in_threadgroup]], uint3 gl_WorkGroupID [[threadgroup_position_in_grid]])
{
    threadgroup float redf[256];
    threadgroup int redi[256];
    int row = int(gl_WorkGroupID.x);
    int t = int(gl_LocalInvocationID.x);
    int base = row * p.V;
    float bv = -3.0000000054977557577780399428115e+38;
    int bi = -1;
    int bad = 0;
    float mx;
    float invT;
    uint kT;
    int iT;
    bool useP;
    uint pT;
    int iP;
    for (int i = t; i < p.V; i += 256)
    {
        float v = v_134.lg[base + i];
        bool _501 = isnan(v);
        bool _510;
        if (!_501)
        {
            _510 = isinf(v) && (v > 0.0);
        }
        else
        {
            _510 = _501;
        }
        if (_510)
        {
            bad = 1;
        }
        if ((bi < 0) || (v > bv))
        {
            bv = v;
            bi = i;
        }
    }
    redf[t] = bv;
    redi[t] = bi;
    threadgroup_barrier(mem_flags::mem_threadgroup);
    for (int k = 128; k > 0; k = k >> 1)
    {
        if (t < k)
        {
            float ov = redf[t + k];
            int oi = redi[t + k];
            bool _561 = oi >= 0;
            bool _594;
            if (_561)
            {
                bool _567 = redi[t] < 0;
                bool _576;
                if (!_567)
                {
                    _576 = ov > redf[t];
                }
                else
                {
                    _576 = _567;
                }
                bool _593;
                if (!_576)
                {
                    bool _584 = ov == redf[t];
                    bool _592;
                    if (_584)
                    {
                        _592 = oi < redi[t];
                    }
                    else
                    {
                        _592 = _584;
                    }
                    _593 = _592;
                }
                else
                {
                    _593 = _576;
                }
                _594 = _593;
            }
            else
            {
                _594 = _561;
            }
            if (_594)
            {
                redf[t] = ov;
                redi[t] = oi;
            }
        }
        threadgroup_barrier(mem_flags::mem_threadgroup);
    }
    mx = redf[0];
    int best = redi[0];
    threadgroup_barrier(mem_flags::mem_threadgroup);
    float param = float(bad);
    float _614 = sumAll(param, gl_LocalInvocationID, redf);
    float anyBad = _614;
    invT = 1.0;
    float rawSum = 0.0;
    for (int i_1 = t; i_1 < p.V; i_1 += 256)
    {
        int param_1 = i_1;
        rawSum += w(param_1, v_134, base, mx, invT);
    }
    float param_2 = rawSum;
    float _636 = sumAll(param_2, gl_LocalInvocationID, redf);
    rawSum = _636;
    float lRaw = log(rawSum);
    bool _641 = anyBad > 0.0;
    bool _647;
    if (!_641)
    {
        _647 = isinf(mx);
    }
    else
    {
        _647 = _641;
    }
    if (_647)
    {
        if (t == 0)
        {
            _657.tok[row] = 0u;
            _664.lp[2 * row] = 0.0;
            _664.lp[(2 * row) + 1] = 0.0;
            _675.status[row] = 1u;
        }
        return;
    }
    if (p.temp <= 0.0)
    {
        if (t == 0)
        {
            _657.tok[row] = uint(best);
            _664.lp[2 * row] = 0.0;
            _664.lp[(2 * row) + 1] = (v_134.lg[base + best] - mx) - lRaw;
            _675.status[row] = 0u;
        }
        return;
    }
    invT = 1.0 / p.temp;
    kT = 0u;
    iT = p.V;
    useP = false;
    pT = 0u;
    iP = p.V;
    bool filtered = false;
    bool _722 = p.topK > 0;
    bool _730;
    if (_722)
    {
        _730 = p.topK < p.V;
    }
    else
    {
        _730 = _722;
    }
    if (_730)
    {
        filtered = true;
        float K = float(p.topK);
        float param_3 = K;
        int param_4 = 0;
        bool param_5 = true;
        uint _742 = searchKey(param_3, param_4, param_5, gl_LocalInvocationID, redf, v_134, base, mx, invT, kT, iT, useP, pT, iP, p);
        kT = _742;
        float _746;
        if (kT == 4294967295u)
        {
            _746 = 0.0;
        }
        else
        {
            uint param_6 = kT + 1u;
            int param_7 = 0;
            float _754 = above(param_6, param_7, gl_LocalInvocationID, redf, v_134, base, mx, invT, kT, iT, useP, pT, iP, p);
            _746 = _754;
        }
        float gt = _746;
        uint param_8 = kT;
        float param_9 = gt;
        float param_10 = K;
        int param_11 = 0;
        bool param_12 = true;
        int _764 = searchTie(param_8, param_9, param_10, param_11, param_12, gl_LocalInvocationID, redf, v_134, base, mx, invT, kT, iT, useP, pT, iP, p);
        iT = _764;
    }
    bool _768 = p.topP > 0.0;
    bool _774;
    if (_768)
    {
        _774 = p.topP < 1.0;
    }
    else
    {
        _774 = _768;
    }
    if (_774)
    {
        filtered = true;
        uint param_13 = 0u;
        int param_14 = 1;
        float _780 = above(param_13, param_14, gl_LocalInvocationID, redf, v_134, base, mx, invT, kT, iT, useP, pT, iP, p);
        float Z = _780;
        float goal = p.topP * Z;
        float param_15 = goal;
        int param_16 = 1;
        bool param_17 = true;
        uint _790 = searchKey(param_15, param_16, param_17, gl_LocalInvocationID, redf, v_134, base, mx, invT, kT, iT, useP, pT, iP, p);
        pT = _790;
        float _794;
        if (pT == 4294967295u)
        {
            _794 = 0.0;
        }
        else
        {
            uint param_18 = pT + 1u;
            int param_19 = 1;
            float _802 = above(param_18, param_19, gl_LocalInvocationID, redf, v_134, base, mx, invT, kT, iT, useP, pT, iP, p);
            _794 = _802;
        }
        float gt_1 = _794;
        uint param_20 = pT;
        float param_21 = gt_1;
        float param_22 = goal;
        int param_23 = 1;
        bool param_24 = true;
        int _812 = searchTie(param_20, param_21, param_22, param_23, param_24, gl_LocalInvocationID, redf, v_134, base, mx, invT, kT, iT, useP, pT, iP, p);
        iP = _812;
        useP = true;
    }
    uint param_25 = 0u;
    int param_26 = 2;
    float _816 = above(param_25, param_26, gl_LocalInvocationID, redf, v_134, base, mx, invT, kT, iT, useP, pT, iP, p);
    float Zk = _816;
    float goal_1 = _821.uu[row] * Zk;
    int c;
    if (!filtered)
    {
        int lo = 0;
        int hi = p.V - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            float s = 0.0;
            for (int i_2 = t; i_2 <= mid; i_2 += 256)
            {
                int param_27 = i_2;
                s += w(param_27, v_134, base, mx, invT);
            }
            float param_28 = s;
            float _869 = sumAll(param_28, gl_LocalInvocationID, redf);
            if (_869 > goal_1)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }
        c = lo;
    }
    else
    {
        float param_29 = goal_1;
        int param_30 = 2;
        bool param_31 = false;
        uint _886 = searchKey(param_29, param_30, param_31, gl_LocalInvocationID, redf, v_134, base, mx, invT, kT, iT, useP, pT, iP, p);
        uint dT = _886;
        float _890;
        if (dT == 4294967295u)
        {
            _890 = 0.0;
        }
        else
        {
            uint param_32 = dT + 1u;
            int param_33 = 2;
            float _898 = above(param_32, param_33, gl_LocalInvocationID, redf, v_134, base, mx, invT, kT, iT, useP, pT, iP, p);
            _890 = _898;
        }
        float gt_2 = _890;
        uint param_34 = dT;
        float param_35 = gt_2;
        float param_36 = goal_1;
        int param_37 = 2;
        bool param_38 = false;
        int _908 = searchTie(param_34, param_35, param_36, param_37, param_38, gl_LocalInvocationID, redf, v_134, base, mx, invT, kT, iT, useP, pT, iP, p);
        c = _908;
    }
    if (t == 0)
    {
        _657.tok[row] = uint(c);
        int param_39 = c;
        _664.lp[2 * row] = log(w(param_39, v_134, base, mx, invT) / Zk);
        _664.lp[(2 * row) + 1] = (v_134.lg[base + c] - mx) - lRaw;
        _675.status[row] = 0u;
    }
}

