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
float w(thread const int& i, const device L_& v_181, thread int& base, thread float& mx, thread float& invT)
{
    return exp((v_181.lg[base + i] - mx) * invT);
}

static inline __attribute__((always_inline))
uint key(thread const float& f)
{
    uint b = as_type<uint>(f);
    uint _72;
    if ((b & 2147483648u) != 0u)
    {
        _72 = ~b;
    }
    else
    {
        _72 = b | 2147483648u;
    }
    return _72;
}

static inline __attribute__((always_inline))
bool keepK(thread const int& i, thread const uint& k, thread uint& kT, thread int& iT)
{
    bool _204 = k > kT;
    bool _216;
    if (!_204)
    {
        _216 = (k == kT) && (i <= iT);
    }
    else
    {
        _216 = _204;
    }
    return _216;
}

static inline __attribute__((always_inline))
bool keep(thread const int& i, const device L_& v_181, thread int& base, thread uint& kT, thread int& iT, thread bool& useP, thread uint& pT, thread int& iP)
{
    float param = v_181.lg[base + i];
    uint k = key(param);
    int param_1 = i;
    uint param_2 = k;
    if (!keepK(param_1, param_2, kT, iT))
    {
        return false;
    }
    bool _245 = (!useP) || (k > pT);
    bool _257;
    if (!_245)
    {
        _257 = (k == pT) && (i <= iP);
    }
    else
    {
        _257 = _245;
    }
    return _257;
}

static inline __attribute__((always_inline))
float above(thread const uint& x, thread const int& mode, thread uint3& gl_LocalInvocationID, threadgroup float (&redf)[256], const device L_& v_181, thread int& base, thread float& mx, thread float& invT, thread uint& kT, thread int& iT, thread bool& useP, thread uint& pT, thread int& iP, constant P& p)
{
    float s = 0.0;
    int _265 = int(gl_LocalInvocationID.x);
    for (int i = _265; i < p.V; i += 256)
    {
        float param = v_181.lg[base + i];
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
                    s += w(param_3, v_181, base, mx, invT);
                }
            }
            else
            {
                int param_4 = i;
                if (keep(param_4, v_181, base, kT, iT, useP, pT, iP))
                {
                    int param_5 = i;
                    s += w(param_5, v_181, base, mx, invT);
                }
            }
        }
    }
    float param_6 = s;
    float _333 = sumAll(param_6, gl_LocalInvocationID, redf);
    return _333;
}

static inline __attribute__((always_inline))
uint searchKey(thread const float& goal, thread const int& mode, thread const bool& ge, thread uint3& gl_LocalInvocationID, threadgroup float (&redf)[256], const device L_& v_181, thread int& base, thread float& mx, thread float& invT, thread uint& kT, thread int& iT, thread bool& useP, thread uint& pT, thread int& iP, constant P& p)
{
    uint lo = 0u;
    uint hi = 4294967295u;
    bool _442;
    while (lo < hi)
    {
        uint d = hi - lo;
        uint mid = (lo + (d >> uint(1))) + (d & 1u);
        uint param = mid;
        int param_1 = mode;
        float _440 = above(param, param_1, gl_LocalInvocationID, redf, v_181, base, mx, invT, kT, iT, useP, pT, iP, p);
        float a = _440;
        if (ge)
        {
            _442 = a >= goal;
        }
        else
        {
            _442 = a > goal;
        }
        if (_442)
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
float tiesUpTo(thread const uint& x, thread const int& c, thread const int& mode, thread uint3& gl_LocalInvocationID, threadgroup float (&redf)[256], const device L_& v_181, thread int& base, thread float& mx, thread float& invT, thread uint& kT, thread int& iT, thread bool& useP, thread uint& pT, thread int& iP, constant P& p)
{
    float s = 0.0;
    int _340 = int(gl_LocalInvocationID.x);
    int i = _340;
    for (;;)
    {
        bool _348 = i <= c;
        bool _355;
        if (_348)
        {
            _355 = i < p.V;
        }
        else
        {
            _355 = _348;
        }
        if (_355)
        {
            float param = v_181.lg[base + i];
            uint k = key(param);
            if (k != x)
            {
                int _404 = i;
                i = _404 + 256;
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
                        s += w(param_3, v_181, base, mx, invT);
                    }
                }
                else
                {
                    int param_4 = i;
                    if (keep(param_4, v_181, base, kT, iT, useP, pT, iP))
                    {
                        int param_5 = i;
                        s += w(param_5, v_181, base, mx, invT);
                    }
                }
            }
            int _404 = i;
            i = _404 + 256;
            continue;
        }
        else
        {
            break;
        }
    }
    float param_6 = s;
    float _408 = sumAll(param_6, gl_LocalInvocationID, redf);
    return _408;
}

static inline __attribute__((always_inline))
int searchTie(thread const uint& x, thread const float& before, thread const float& goal, thread const int& mode, thread const bool& ge, thread uint3& gl_LocalInvocationID, threadgroup float (&redf)[256], const device L_& v_181, thread int& base, thread float& mx, thread float& invT, thread uint& kT, thread int& iT, thread bool& useP, thread uint& pT, thread int& iP, constant P& p)
{
    int lo = 0;
    int hi = p.V - 1;
    bool _492;
    while (lo < hi)
    {
        int mid = (lo + hi) / 2;
        uint param = x;
        int param_1 = mid;
        int param_2 = mode;
        float _489 = tiesUpTo(param, param_1, param_2, gl_LocalInvocationID, redf, v_181, base, mx, invT, kT, iT, useP, pT, iP, p);
        float a = before + _489;
        if (ge)
        {
            _492 = a >= goal;
        }
        else
        {
            _492 = a > goal;
        }
        if (_492)
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

static inline __attribute__((always_inline))
int maxAll(thread const int& v, thread uint3& gl_LocalInvocationID, threadgroup int (&redi)[256])
{
    int t = int(gl_LocalInvocationID.x);
    redi[t] = v;
    threadgroup_barrier(mem_flags::mem_threadgroup);
    for (int k = 128; k > 0; k = k >> 1)
    {
        if (t < k)
        {
            redi[t] = max(redi[t], redi[t + k]);
        }
        threadgroup_barrier(mem_flags::mem_threadgroup);
    }
    int r = redi[0];
    threadgroup_barrier(mem_flags::mem_threadgroup);
    return r;
}

kernel void _sample(const device L_& v_181 [[buffer(0)]], constant P& p [[buffer(30)]], const device U_& _864 [[buffer(1)]], device T_& _700 [[buffer(2)]], device P_& _707 [[buffer(3)]], device S_& _718 [[buffer(4)]], uint3 gl_LocalInvocationID [[thread_position_in_threadgroup]], uint3 gl_WorkGroupID [[threadgroup_position_in_grid]])
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
        float v = v_181.lg[base + i];
        bool _548 = isnan(v);
        bool _557;
        if (!_548)
        {
            _557 = isinf(v) && (v > 0.0);
        }
        else
        {
            _557 = _548;
        }
        if (_557)
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
            bool _604 = oi >= 0;
            bool _637;
            if (_604)
            {
                bool _610 = redi[t] < 0;
                bool _619;
                if (!_610)
                {
                    _619 = ov > redf[t];
                }
                else
                {
                    _619 = _610;
                }
                bool _636;
                if (!_619)
                {
                    bool _627 = ov == redf[t];
                    bool _635;
                    if (_627)
                    {
                        _635 = oi < redi[t];
                    }
                    else
                    {
                        _635 = _627;
                    }
                    _636 = _635;
                }
                else
                {
                    _636 = _619;
                }
                _637 = _636;
            }
            else
            {
                _637 = _604;
            }
            if (_637)
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
    float _657 = sumAll(param, gl_LocalInvocationID, redf);
    float anyBad = _657;
    invT = 1.0;
    float rawSum = 0.0;
    for (int i_1 = t; i_1 < p.V; i_1 += 256)
    {
        int param_1 = i_1;
        rawSum += w(param_1, v_181, base, mx, invT);
    }
    float param_2 = rawSum;
    float _679 = sumAll(param_2, gl_LocalInvocationID, redf);
    rawSum = _679;
    float lRaw = log(rawSum);
    bool _684 = anyBad > 0.0;
    bool _690;
    if (!_684)
    {
        _690 = isinf(mx);
    }
    else
    {
        _690 = _684;
    }
    if (_690)
    {
        if (t == 0)
        {
            _700.tok[row] = 0u;
            _707.lp[2 * row] = 0.0;
            _707.lp[(2 * row) + 1] = 0.0;
            _718.status[row] = 1u;
        }
        return;
    }
    if (p.temp <= 0.0)
    {
        if (t == 0)
        {
            _700.tok[row] = uint(best);
            _707.lp[2 * row] = 0.0;
            _707.lp[(2 * row) + 1] = (v_181.lg[base + best] - mx) - lRaw;
            _718.status[row] = 0u;
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
    bool _765 = p.topK > 0;
    bool _773;
    if (_765)
    {
        _773 = p.topK < p.V;
    }
    else
    {
        _773 = _765;
    }
    if (_773)
    {
        filtered = true;
        float K = float(p.topK);
        float param_3 = K;
        int param_4 = 0;
        bool param_5 = true;
        uint _785 = searchKey(param_3, param_4, param_5, gl_LocalInvocationID, redf, v_181, base, mx, invT, kT, iT, useP, pT, iP, p);
        kT = _785;
        float _789;
        if (kT == 4294967295u)
        {
            _789 = 0.0;
        }
        else
        {
            uint param_6 = kT + 1u;
            int param_7 = 0;
            float _797 = above(param_6, param_7, gl_LocalInvocationID, redf, v_181, base, mx, invT, kT, iT, useP, pT, iP, p);
            _789 = _797;
        }
        float gt = _789;
        uint param_8 = kT;
        float param_9 = gt;
        float param_10 = K;
        int param_11 = 0;
        bool param_12 = true;
        int _807 = searchTie(param_8, param_9, param_10, param_11, param_12, gl_LocalInvocationID, redf, v_181, base, mx, invT, kT, iT, useP, pT, iP, p);
        iT = _807;
    }
    bool _811 = p.topP > 0.0;
    bool _817;
    if (_811)
    {
        _817 = p.topP < 1.0;
    }
    else
    {
        _817 = _811;
    }
    if (_817)
    {
        filtered = true;
        uint param_13 = 0u;
        int param_14 = 1;
        float _823 = above(param_13, param_14, gl_LocalInvocationID, redf, v_181, base, mx, invT, kT, iT, useP, pT, iP, p);
        float Z = _823;
        float goal = p.topP * Z;
        float param_15 = goal;
        int param_16 = 1;
        bool param_17 = true;
        uint _833 = searchKey(param_15, param_16, param_17, gl_LocalInvocationID, redf, v_181, base, mx, invT, kT, iT, useP, pT, iP, p);
        pT = _833;
        float _837;
        if (pT == 4294967295u)
        {
            _837 = 0.0;
        }
        else
        {
            uint param_18 = pT + 1u;
            int param_19 = 1;
            float _845 = above(param_18, param_19, gl_LocalInvocationID, redf, v_181, base, mx, invT, kT, iT, useP, pT, iP, p);
            _837 = _845;
        }
        float gt_1 = _837;
        uint param_20 = pT;
        float param_21 = gt_1;
        float param_22 = goal;
        int param_23 = 1;
        bool param_24 = true;
        int _855 = searchTie(param_20, param_21, param_22, param_23, param_24, gl_LocalInvocationID, redf, v_181, base, mx, invT, kT, iT, useP, pT, iP, p);
        iP = _855;
        useP = true;
    }
    uint param_25 = 0u;
    int param_26 = 2;
    float _859 = above(param_25, param_26, gl_LocalInvocationID, redf, v_181, base, mx, invT, kT, iT, useP, pT, iP, p);
    float Zk = _859;
    float goal_1 = fast::min(_864.uu[row] * Zk, as_type<float>(as_type<uint>(Zk) - 1u));
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
                s += w(param_27, v_181, base, mx, invT);
            }
            float param_28 = s;
            float _917 = sumAll(param_28, gl_LocalInvocationID, redf);
            if (_917 > goal_1)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }
        c = lo;
        int param_29 = c;
        if (!(w(param_29, v_181, base, mx, invT) > 0.0))
        {
            int last = -1;
            for (int i_3 = t; i_3 < p.V; i_3 += 256)
            {
                int param_30 = i_3;
                if (w(param_30, v_181, base, mx, invT) > 0.0)
                {
                    last = i_3;
                }
            }
            int param_31 = last;
            int _958 = maxAll(param_31, gl_LocalInvocationID, redi);
            c = _958;
        }
    }
    else
    {
        float param_32 = goal_1;
        int param_33 = 2;
        bool param_34 = false;
        uint _965 = searchKey(param_32, param_33, param_34, gl_LocalInvocationID, redf, v_181, base, mx, invT, kT, iT, useP, pT, iP, p);
        uint dT = _965;
        float _969;
        if (dT == 4294967295u)
        {
            _969 = 0.0;
        }
        else
        {
            uint param_35 = dT + 1u;
            int param_36 = 2;
            float _977 = above(param_35, param_36, gl_LocalInvocationID, redf, v_181, base, mx, invT, kT, iT, useP, pT, iP, p);
            _969 = _977;
        }
        float gt_2 = _969;
        uint param_37 = dT;
        float param_38 = gt_2;
        float param_39 = goal_1;
        int param_40 = 2;
        bool param_41 = false;
        int _987 = searchTie(param_37, param_38, param_39, param_40, param_41, gl_LocalInvocationID, redf, v_181, base, mx, invT, kT, iT, useP, pT, iP, p);
        c = _987;
        float param_42 = v_181.lg[base + c];
        bool _996 = key(param_42) != dT;
        bool _1004;
        if (!_996)
        {
            int param_43 = c;
            _1004 = !keep(param_43, v_181, base, kT, iT, useP, pT, iP);
        }
        else
        {
            _1004 = _996;
        }
        if (_1004)
        {
            int last_1 = -1;
            for (int i_4 = t; i_4 < p.V; i_4 += 256)
            {
                float param_44 = v_181.lg[base + i_4];
                bool _1027 = key(param_44) == dT;
                bool _1033;
                if (_1027)
                {
                    int param_45 = i_4;
                    _1033 = keep(param_45, v_181, base, kT, iT, useP, pT, iP);
                }
                else
                {
                    _1033 = _1027;
                }
                if (_1033)
                {
                    last_1 = i_4;
                }
            }
            int param_46 = last_1;
            int _1041 = maxAll(param_46, gl_LocalInvocationID, redi);
            c = _1041;
        }
    }
    if (t == 0)
    {
        _700.tok[row] = uint(c);
        int param_47 = c;
        _707.lp[2 * row] = log(w(param_47, v_181, base, mx, invT) / Zk);
        _707.lp[(2 * row) + 1] = (v_181.lg[base + c] - mx) - lRaw;
        _718.status[row] = 0u;
    }
}

