package qwen2

import "fmt"

// KVCache holds the rotated keys and the values of one sequence for every
// layer, preallocated to a fixed capacity so decoding never reallocates.
// Each layer's keys (and values) are stored head-major, [kvHeads][cap][hd],
// so one KV head's positions form a contiguous matrix that attention feeds
// to a GEMM without gathering.
//
// A cache may extend a parent: Branch makes a child that sees the parent's
// first Len() positions by pointer and stores only its own new positions.
// This is how G sampled answers share one prefilled prompt without copying
// its keys and values G times.
type KVCache struct {
	k, v   [][]float32 // per layer, [kvHeads][capacity][headDim] for this cache's own positions
	kvDim  int
	hd     int // head dim; kvDim/hd KV heads
	cap    int // own capacity in positions
	n      int // own positions filled
	parent *KVCache
	base   int // positions inherited from parent (parent's 0..base-1)
}

// NewCache returns an empty cache with room for capacity positions.
func (m *Model) NewCache(capacity int) (*KVCache, error) {
	if capacity <= 0 {
		return nil, fmt.Errorf("kv cache capacity %d must be positive", capacity)
	}
	c := (&KVCache{kvDim: m.Config.KVDim(), hd: m.Config.HeadDim, k: make([][]float32, m.Config.NumHiddenLayers)}).alloc(capacity)
	return c, nil
}

// Branch returns a child cache with room for capacity new positions whose
// first c.Len() positions are c's own (shared, not copied). The parent must
// not be reset while children are in use; appending to it is harmless since
// a child sees only the positions that existed when it was made.
func (c *KVCache) Branch(capacity int) (*KVCache, error) {
	if capacity <= 0 {
		return nil, fmt.Errorf("kv cache branch capacity %d must be positive", capacity)
	}
	b := c.alloc(capacity)
	b.parent, b.base = c, c.Len()
	return b, nil
}

// alloc returns an empty cache shaped like c with its own buffers.
func (c *KVCache) alloc(capacity int) *KVCache {
	layers := len(c.k)
	b := &KVCache{kvDim: c.kvDim, hd: c.hd, cap: capacity, k: make([][]float32, layers), v: make([][]float32, layers)}
	for l := 0; l < layers; l++ {
		b.k[l] = make([]float32, capacity*c.kvDim)
		b.v[l] = make([]float32, capacity*c.kvDim)
	}
	return b
}

// Len is the number of positions visible to this sequence (inherited + own).
func (c *KVCache) Len() int { return c.base + c.n }

// Free is how many more positions this cache can append.
func (c *KVCache) Free() int { return c.cap - c.n }

// Reset forgets this cache's own positions (inherited ones stay visible).
func (c *KVCache) Reset() { c.n = 0 }

// kvSeg is a run of n consecutive positions stored in one cache's layer
// buffers (head-major with capacity cap).
type kvSeg struct {
	k, v []float32
	cap  int
	n    int
}

// head returns KV head j's keys and values of the segment, [n, hd] each.
func (s kvSeg) head(j, hd int) (k, v []float32) {
	lo, hi := j*s.cap*hd, (j*s.cap+s.n)*hd
	return s.k[lo:hi], s.v[lo:hi]
}

// segments appends the storage runs that cover positions [0, upto) of layer
// l, root first. upto may reach into own positions being written this step.
func (c *KVCache) segments(l, upto int, dst []kvSeg) []kvSeg {
	if c.parent != nil && c.base > 0 {
		dst = c.parent.segments(l, min(upto, c.base), dst)
	}
	if own := upto - c.base; own > 0 {
		dst = append(dst, kvSeg{k: c.k[l], v: c.v[l], cap: c.cap, n: own})
	}
	return dst
}

// Bytes is the memory this cache owns (excluding its parent).
func (c *KVCache) Bytes() int { return 2 * len(c.k) * c.cap * c.kvDim * 4 }

// Copy returns a standalone cache holding all of c's visible positions
// (inherited ones included) plus room for extra more: copy-on-branch, the
// alternative to Branch's shared prefix. It costs Len() positions of memory
// per copy but lets the parent be dropped.
func (c *KVCache) Copy(extra int) (*KVCache, error) {
	if extra < 0 {
		return nil, fmt.Errorf("kv cache copy: extra capacity %d is negative", extra)
	}
	n := c.Len()
	if n+extra <= 0 {
		return nil, fmt.Errorf("kv cache copy: nothing to copy and no capacity requested")
	}
	out := c.alloc(n + extra)
	out.n = n
	var segs []kvSeg
	for l := range out.k {
		segs = c.segments(l, n, segs[:0])
		for j := 0; j < c.kvDim/c.hd; j++ {
			p := 0
			for _, sg := range segs {
				k, v := sg.head(j, c.hd)
				dst := (j*out.cap + p) * c.hd
				copy(out.k[l][dst:], k)
				copy(out.v[l][dst:], v)
				p += sg.n
			}
		}
	}
	return out, nil
}
