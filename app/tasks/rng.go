package tasks

import "hash/fnv"

// rng is splitmix64 with its own bounded-integer helpers. It is spelled out here, rather than taken
// from math/rand, so a question drawn from a seed is identical on every peer, platform and Go release.
type rng struct{ state uint64 }

const golden = 0x9e3779b97f4a7c15

// newRNG seeds a generator for one question. The task name and level are mixed in, so the same seed
// gives unrelated questions in different tasks and levels.
func newRNG(task string, seed uint64, level int) *rng {
	h := fnv.New64a()
	_, _ = h.Write([]byte(task)) // hash.Hash.Write never fails
	r := &rng{state: seed ^ h.Sum64()}
	r.state = r.next() + uint64(level)*golden
	return r
}

// next returns the next 64 random bits.
func (r *rng) next() uint64 {
	r.state += golden
	z := r.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a uniform int in [0, n); 0 when n <= 0. Rejection sampling keeps it unbiased.
func (r *rng) intn(n int) int {
	if n <= 0 {
		return 0
	}
	un := uint64(n)
	threshold := -un % un // 2^64 mod n
	for {
		v := r.next()
		if v >= threshold {
			return int(v % un)
		}
	}
}

// between returns a uniform int in [lo, hi]; lo when hi < lo.
func (r *rng) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.intn(hi-lo+1)
}

// chance reports true with probability num/den.
func (r *rng) chance(num, den int) bool { return r.intn(den) < num }

// float64 returns a uniform float in [0, 1) built from 53 random bits.
func (r *rng) float64() float64 { return float64(r.next()>>11) / (1 << 53) }

// perm returns a random permutation of 0..n-1 (Fisher–Yates).
func (r *rng) perm(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	for i := n - 1; i > 0; i-- {
		j := r.intn(i + 1)
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// pick returns a random element of xs (the zero value when xs is empty).
func pick[T any](r *rng, xs []T) T {
	var zero T
	if len(xs) == 0 {
		return zero
	}
	return xs[r.intn(len(xs))]
}
