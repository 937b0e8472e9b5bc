#version 450
// One sampling step per row (one work group per row), mirroring
// engine/sample: greedy argmax (first on ties) when temp <= 0; otherwise
// weights exp((l - max)/temp), top-k (ties to the lower id), then top-p
// (smallest set, in descending order, whose mass reaches topP), then an
// inverse-CDF draw with the row's uniform u from the host's seeded stream.
// Without top-k/top-p the draw walks the vocabulary in id order, exactly as
// the CPU sampler does, so the same u gives the same token; with filtering
// it walks in descending probability (the CPU's top-k order).
// Thresholds are found by binary search over an order-preserving integer
// key of the logits, so nothing is sorted.
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer L_ { float lg[]; };
layout(std430, binding = 1) readonly buffer U_ { float uu[]; };
layout(std430, binding = 2) writeonly buffer T_ { uint tok[]; };
layout(std430, binding = 3) writeonly buffer P_ { float lp[]; };
layout(std430, binding = 4) writeonly buffer S_ { uint status[]; };
layout(push_constant) uniform P { int V, topK; float temp, topP; } p;

shared float redf[256];
shared int redi[256];
int base;
float mx, invT;
uint kT, pT;
int iT, iP;
bool useP;

uint key(float f) {
	uint b = floatBitsToUint(f);
	return (b & 0x80000000u) != 0u ? ~b : (b | 0x80000000u);
}

float sumAll(float v) {
	int t = int(gl_LocalInvocationID.x);
	redf[t] = v;
	barrier();
	for (int k = 128; k > 0; k >>= 1) { if (t < k) redf[t] += redf[t + k]; barrier(); }
	float r = redf[0];
	barrier();
	return r;
}

// maxAll is the largest v over the work group (-1 where none has one).
int maxAll(int v) {
	int t = int(gl_LocalInvocationID.x);
	redi[t] = v;
	barrier();
	for (int k = 128; k > 0; k >>= 1) { if (t < k) redi[t] = max(redi[t], redi[t + k]); barrier(); }
	int r = redi[0];
	barrier();
	return r;
}

float w(int i) { return exp((lg[base + i] - mx) * invT); }

bool keepK(int i, uint k) { return k > kT || (k == kT && i <= iT); }
bool keep(int i) {
	uint k = key(lg[base + i]);
	if (!keepK(i, k)) return false;
	return !useP || k > pT || (k == pT && i <= iP);
}

// mode 0: count of top-k candidates with key >= x; 1: mass of kept-by-top-k
// with key >= x; 2: mass of fully kept with key >= x.
float above(uint x, int mode) {
	float s = 0.0;
	for (int i = int(gl_LocalInvocationID.x); i < p.V; i += 256) {
		uint k = key(lg[base + i]);
		if (k < x) continue;
		if (mode == 0) s += 1.0;
		else if (mode == 1) { if (keepK(i, k)) s += w(i); }
		else if (keep(i)) s += w(i);
	}
	return sumAll(s);
}

// Same, restricted to ties key == x with id <= c.
float tiesUpTo(uint x, int c, int mode) {
	float s = 0.0;
	for (int i = int(gl_LocalInvocationID.x); i <= c && i < p.V; i += 256) {
		uint k = key(lg[base + i]);
		if (k != x) continue;
		if (mode == 0) s += 1.0;
		else if (mode == 1) { if (keepK(i, k)) s += w(i); }
		else if (keep(i)) s += w(i);
	}
	return sumAll(s);
}

// Largest key x with above(x, mode) reaching goal (>= when ge, else >).
uint searchKey(float goal, int mode, bool ge) {
	uint lo = 0u, hi = 0xffffffffu;
	while (lo < hi) {
		uint d = hi - lo;
		uint mid = lo + (d >> 1) + (d & 1u);
		float a = above(mid, mode);
		if (ge ? a >= goal : a > goal) lo = mid; else hi = mid - 1u;
	}
	return lo;
}

// Smallest id c with before + tiesUpTo(x, c, mode) reaching goal.
int searchTie(uint x, float before, float goal, int mode, bool ge) {
	int lo = 0, hi = p.V - 1;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		float a = before + tiesUpTo(x, mid, mode);
		if (ge ? a >= goal : a > goal) hi = mid; else lo = mid + 1;
	}
	return lo;
}

void main() {
	int row = int(gl_WorkGroupID.x), t = int(gl_LocalInvocationID.x);
	base = row * p.V;
	// argmax, first on ties; NaN or +Inf makes the row invalid.
	float bv = -3.0e38; int bi = -1; int bad = 0;
	for (int i = t; i < p.V; i += 256) {
		float v = lg[base + i];
		if (isnan(v) || (isinf(v) && v > 0.0)) bad = 1;
		if (bi < 0 || v > bv) { bv = v; bi = i; }
	}
	redf[t] = bv; redi[t] = bi;
	barrier();
	for (int k = 128; k > 0; k >>= 1) {
		if (t < k) {
			float ov = redf[t + k]; int oi = redi[t + k];
			if (oi >= 0 && (redi[t] < 0 || ov > redf[t] || (ov == redf[t] && oi < redi[t]))) { redf[t] = ov; redi[t] = oi; }
		}
		barrier();
	}
	mx = redf[0]; int best = redi[0];
	barrier();
	float anyBad = sumAll(float(bad));
	invT = 1.0;
	float rawSum = 0.0;
	for (int i = t; i < p.V; i += 256) rawSum += w(i);
	rawSum = sumAll(rawSum);
	float lRaw = log(rawSum);
	if (anyBad > 0.0 || isinf(mx)) {
		if (t == 0) { tok[row] = 0u; lp[2 * row] = 0.0; lp[2 * row + 1] = 0.0; status[row] = 1u; }
		return;
	}
	if (p.temp <= 0.0) {
		if (t == 0) { tok[row] = uint(best); lp[2 * row] = 0.0; lp[2 * row + 1] = (lg[base + best] - mx) - lRaw; status[row] = 0u; }
		return;
	}
	invT = 1.0 / p.temp;
	kT = 0u; iT = p.V; useP = false; pT = 0u; iP = p.V;
	bool filtered = false;
	if (p.topK > 0 && p.topK < p.V) {
		filtered = true;
		float K = float(p.topK);
		kT = searchKey(K, 0, true);
		float gt = kT == 0xffffffffu ? 0.0 : above(kT + 1u, 0);
		iT = searchTie(kT, gt, K, 0, true);
	}
	if (p.topP > 0.0 && p.topP < 1.0) {
		filtered = true;
		float Z = above(0u, 1);
		float goal = p.topP * Z;
		pT = searchKey(goal, 1, true);
		float gt = pT == 0xffffffffu ? 0.0 : above(pT + 1u, 1);
		iP = searchTie(pT, gt, goal, 1, true);
		useP = true;
	}
	float Zk = above(0u, 2);
	// A uniform that rounded up to 1 in float32 would aim past the last
	// token: aim just below the total, taking the last token with mass as
	// the CPU sampler does when rounding leaves its walk short.
	float goal = min(uu[row] * Zk, uintBitsToFloat(floatBitsToUint(Zk) - 1u));
	int c;
	if (!filtered) {
		// id order: smallest c with mass(ids <= c) > goal.
		int lo = 0, hi = p.V - 1;
		while (lo < hi) {
			int mid = (lo + hi) / 2;
			float s = 0.0;
			for (int i = t; i <= mid; i += 256) s += w(i);
			if (sumAll(s) > goal) hi = mid; else lo = mid + 1;
		}
		c = lo;
		// Sums in another order can leave the walk short of the goal at
		// the very end: take the last token with mass, as the CPU sampler
		// does.
		if (!(w(c) > 0.0)) {
			int last = -1;
			for (int i = t; i < p.V; i += 256) if (w(i) > 0.0) last = i;
			c = maxAll(last);
		}
	} else {
		uint dT = searchKey(goal, 2, false);
		float gt = dT == 0xffffffffu ? 0.0 : above(dT + 1u, 2);
		c = searchTie(dT, gt, goal, 2, false);
		// dT is a kept token's key (the mass above it jumps there); when
		// rounding leaves the tie search short, take that key's last kept
		// token, the last of the walk.
		if (key(lg[base + c]) != dT || !keep(c)) {
			int last = -1;
			for (int i = t; i < p.V; i += 256) if (key(lg[base + i]) == dT && keep(i)) last = i;
			c = maxAll(last);
		}
	}
	if (t == 0) {
		tok[row] = uint(c);
		lp[2 * row] = log(w(c) / Zk);
		lp[2 * row + 1] = (lg[base + c] - mx) - lRaw;
		status[row] = 0u;
	}
}
