package qwen2

import (
	"fmt"
	"slices"

	"github.com/swarmdesk/swarmdesk/engine/backend"
)

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
	be     backend.Backend
	k, v   []backend.View // per layer, [kvHeads][capacity][headDim] for this cache's own positions
	kvDim  int
	hd     int // head dim; kvDim/hd KV heads
	cap    int // own capacity in positions
	n      int // own positions filled
	parent *KVCache
	base   int            // positions inherited from parent (parent's 0..base-1)
	dt     backend.DType  // element type of k and v (Model.SetKVCacheDType)
	buf    backend.Buffer // k and v's one allocation; nil once released
}

// NewCache returns an empty cache with room for capacity positions.
func (m *Model) NewCache(capacity int) (*KVCache, error) {
	if capacity <= 0 {
		return nil, fmt.Errorf("kv cache capacity %d must be positive", capacity)
	}
	return (&KVCache{be: m.be, kvDim: m.Config.KVDim(), hd: m.Config.HeadDim, k: make([]backend.View, m.Config.NumHiddenLayers),
		dt: m.kvCacheDType()}).alloc(capacity)
}

// Branch returns a child cache with room for capacity new positions whose
// first c.Len() positions are c's own (shared, not copied). The parent must
// not be reset while children are in use; appending to it is harmless since
// a child sees only the positions that existed when it was made.
func (c *KVCache) Branch(capacity int) (*KVCache, error) {
	if capacity <= 0 {
		return nil, fmt.Errorf("kv cache branch capacity %d must be positive", capacity)
	}
	if err := c.usable(); err != nil {
		return nil, fmt.Errorf("kv cache branch: %w", err)
	}
	b, err := c.alloc(capacity)
	if err != nil {
		return nil, err
	}
	b.parent, b.base = c, c.Len()
	return b, nil
}

// alloc returns an empty cache shaped like c with its own buffers (one
// allocation for all layers' keys and values).
func (c *KVCache) alloc(capacity int) (*KVCache, error) {
	layers := len(c.k)
	per := capacity * c.kvDim
	buf, err := c.be.Alloc(c.dt, 2*layers*per)
	if err != nil {
		return nil, fmt.Errorf("kv cache of %d positions on %s: %w", capacity, c.be.Device(), err)
	}
	all := backend.Whole(buf)
	b := &KVCache{be: c.be, kvDim: c.kvDim, hd: c.hd, cap: capacity, k: make([]backend.View, layers), v: make([]backend.View, layers), dt: c.dt, buf: buf}
	for l := 0; l < layers; l++ {
		b.k[l] = all.Slice(2*l*per, (2*l+1)*per)
		b.v[l] = all.Slice((2*l+1)*per, (2*l+2)*per)
	}
	return b, nil
}

// SetKVCacheDType makes the caches NewCache returns from now on store keys
// and values as dt: F32 (the default, exact) or BF16 (half the memory, for
// batch rollouts; attention still accumulates in float32) where the
// backend accepts it (backend.KVCacheDTypes: CUDA, Vulkan, Metal). On a backend that
// does not, the caches stay F32, and asking for BF16 there is an error
// only when it is the model's backend now.
func (m *Model) SetKVCacheDType(dt backend.DType) error {
	if dt != backend.F32 && !kvDTypeOK(m.be, dt) {
		return fmt.Errorf("the %s backend keeps the KV cache in f32 only, not %v", m.be.Device().Backend, dt)
	}
	m.kvDT = dt
	return nil
}

// kvCacheDType is the type new caches use on the current backend.
func (m *Model) kvCacheDType() backend.DType {
	if kvDTypeOK(m.be, m.kvDT) {
		return m.kvDT
	}
	return backend.F32
}

func kvDTypeOK(be backend.Backend, dt backend.DType) bool {
	if dt == backend.F32 {
		return true
	}
	k, ok := be.(backend.KVCacheDTypes)
	return ok && slices.Contains(k.KVDTypes(), dt)
}

// Len is the number of positions visible to this sequence (inherited + own).
func (c *KVCache) Len() int { return c.base + c.n }

// Free is how many more positions this cache can append.
func (c *KVCache) Free() int { return c.cap - c.n }

// Release frees the cache's own memory now. On a GPU this is the only way
// it is freed (device buffers are not garbage-collected), so whoever makes
// a cache releases it when done, children (Branch) before their parent,
// whose positions they read. A released cache takes no more positions, and
// using it, or a child of it, is an error, never a read of freed memory.
// Releasing twice is harmless.
func (c *KVCache) Release() {
	if c.buf != nil {
		c.be.Free(c.buf)
		c.buf = nil
	}
}

// usable reports an error if c or a cache it inherits from was released.
func (c *KVCache) usable() error {
	for p := c; p != nil; p = p.parent {
		if p.buf == nil {
			if p == c {
				return fmt.Errorf("the kv cache was released")
			}
			return fmt.Errorf("the kv cache it was branched from was released")
		}
	}
	return nil
}

// Reset forgets this cache's own positions (inherited ones stay visible).
func (c *KVCache) Reset() { c.n = 0 }

// ownRun is layer l's own storage with its first n positions counted.
func (c *KVCache) ownRun(l, n int) backend.KVRun {
	return backend.KVRun{K: c.k[l], V: c.v[l], Cap: c.cap, N: n}
}

// runs appends the storage runs that cover positions [0, upto) of layer l,
// root first. upto may reach into own positions being written this step.
func (c *KVCache) runs(l, upto int, dst []backend.KVRun) []backend.KVRun {
	if c.parent != nil && c.base > 0 {
		dst = c.parent.runs(l, min(upto, c.base), dst)
	}
	if own := upto - c.base; own > 0 {
		dst = append(dst, c.ownRun(l, own))
	}
	return dst
}

// Bytes is the memory this cache owns (excluding its parent); none once
// released.
func (c *KVCache) Bytes() int {
	if c.buf == nil {
		return 0
	}
	return 2 * len(c.k) * c.cap * c.kvDim * c.dt.Size()
}

// Copy returns a standalone cache holding all of c's visible positions
// (inherited ones included) plus room for extra more: copy-on-branch, the
// alternative to Branch's shared prefix. It costs Len() positions of memory
// per copy but lets the parent be dropped.
func (c *KVCache) Copy(extra int) (*KVCache, error) {
	if extra < 0 {
		return nil, fmt.Errorf("kv cache copy: extra capacity %d is negative", extra)
	}
	if err := c.usable(); err != nil {
		return nil, fmt.Errorf("kv cache copy: %w", err)
	}
	n := c.Len()
	if n+extra <= 0 {
		return nil, fmt.Errorf("kv cache copy: nothing to copy and no capacity requested")
	}
	out, err := c.alloc(n + extra)
	if err != nil {
		return nil, fmt.Errorf("kv cache copy: %w", err)
	}
	out.n = n
	var runs []backend.KVRun
	hd := c.hd
	for l := range out.k {
		runs = c.runs(l, n, runs[:0])
		for j := 0; j < c.kvDim/hd; j++ {
			p := 0
			for _, r := range runs {
				src, dst := j*r.Cap*hd, (j*out.cap+p)*hd
				c.be.Copy(out.k[l].Slice(dst, dst+r.N*hd), r.K.Slice(src, src+r.N*hd))
				c.be.Copy(out.v[l].Slice(dst, dst+r.N*hd), r.V.Slice(src, src+r.N*hd))
				p += r.N
			}
		}
	}
	return out, nil
}
