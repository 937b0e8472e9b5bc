package cuda

import (
	"encoding/binary"
	"hash/fnv"
	"math"
	"unsafe"
)

// A queue records a step's work in Go memory on the caller's goroutine and
// runs it on the context's thread at Flush: one channel round trip per
// step. When graphs are on and a step's op list equals one seen before
// (same kernels, grids, arguments and addresses; what changes from token
// to token, such as token ids, positions and context lengths, travels in
// pinned host memory the kernels read at run time), the step is replayed
// from its instantiated CUDA graph; a new list is captured once with
// cuStreamBeginCapture and instantiated.

type opKind uint8

const (
	opLaunch opKind = iota
	opHtoD          // async copy from pinned host memory
	opDtoD
	opMemset8
)

const maxArgs = 16

type op struct {
	kind        opKind
	nargs       uint8
	fn          uintptr
	grid, block [3]uint32
	args        [maxArgs]uint64
	dst, src    uintptr
	n           int
}

// kargs builds a kernel's argument list: one 8-byte slot per argument, the
// driver reading as many bytes as the parameter has (little-endian).
type kargs struct {
	v [maxArgs]uint64
	n int
}

func (a *kargs) p(ps ...uintptr) *kargs {
	for _, p := range ps {
		a.v[a.n] = uint64(p)
		a.n++
	}
	return a
}

func (a *kargs) i(xs ...int) *kargs {
	for _, x := range xs {
		a.v[a.n] = uint64(uint32(int32(x)))
		a.n++
	}
	return a
}

func (a *kargs) l(xs ...int) *kargs {
	for _, x := range xs {
		a.v[a.n] = uint64(int64(x))
		a.n++
	}
	return a
}

func (a *kargs) f(xs ...float32) *kargs {
	for _, x := range xs {
		a.v[a.n] = uint64(math.Float32bits(x))
		a.n++
	}
	return a
}

// graphCacheSize bounds the instantiated graphs kept (decode buckets).
const graphCacheSize = 16

// graphMinOps is the smallest step worth a graph: below it, plain launches
// cost less than capturing.
const graphMinOps = 16

type queue struct {
	c      *Context
	ops    []op
	graphs bool
	cache  map[uint64]uintptr // op-list hash → CUgraphExec
	order  []uint64
	// Replays counts steps replayed from a cached graph, Captures steps
	// captured (tests and benchmarks read them).
	Replays, Captures int
}

func (q *queue) launch(fn uintptr, grid, block [3]uint32, a *kargs) {
	o := op{kind: opLaunch, fn: fn, grid: grid, block: block, nargs: uint8(a.n)}
	o.args = a.v
	q.ops = append(q.ops, o)
}

func (q *queue) htod(dst, pinnedSrc uintptr, n int) {
	if n > 0 {
		q.ops = append(q.ops, op{kind: opHtoD, dst: dst, src: pinnedSrc, n: n})
	}
}

func (q *queue) dtod(dst, src uintptr, n int) {
	if n > 0 && dst != src {
		q.ops = append(q.ops, op{kind: opDtoD, dst: dst, src: src, n: n})
	}
}

func (q *queue) memset(dst uintptr, n int) {
	if n > 0 {
		q.ops = append(q.ops, op{kind: opMemset8, dst: dst, n: n})
	}
}

// hash identifies an op list: equal lists replay the same graph.
func (q *queue) hash() uint64 {
	h := fnv.New64a()
	var b [8]byte
	w := func(x uint64) {
		binary.LittleEndian.PutUint64(b[:], x)
		h.Write(b[:])
	}
	for i := range q.ops {
		o := &q.ops[i]
		w(uint64(o.kind) | uint64(o.nargs)<<8)
		w(uint64(o.fn))
		w(uint64(o.grid[0]) | uint64(o.grid[1])<<32)
		w(uint64(o.grid[2]) | uint64(o.block[0])<<32)
		w(uint64(o.block[1]) | uint64(o.block[2])<<32)
		for _, a := range o.args[:o.nargs] {
			w(a)
		}
		w(uint64(o.dst))
		w(uint64(o.src))
		w(uint64(o.n))
	}
	return h.Sum64()
}

// flush runs the recorded ops and waits for them. It must be called on the
// caller's goroutine; it hops to the context's thread once.
func (q *queue) flush() error {
	if len(q.ops) == 0 {
		return nil
	}
	useGraph := q.graphs && len(q.ops) >= graphMinOps
	var key uint64
	if useGraph {
		key = q.hash()
	}
	err := q.c.Do(func() error {
		if !useGraph {
			if err := q.issue(); err != nil {
				return err
			}
			return q.c.sync()
		}
		return q.runGraph(key)
	})
	q.ops = q.ops[:0]
	return err
}

// issue enqueues the ops on the stream (context thread).
func (q *queue) issue() error {
	c, d := q.c, q.c.d
	var params [maxArgs]uintptr
	for i := range q.ops {
		o := &q.ops[i]
		var r Result
		switch o.kind {
		case opLaunch:
			for j := 0; j < int(o.nargs); j++ {
				params[j] = uintptr(unsafe.Pointer(&o.args[j]))
			}
			r = d.call(fnLaunchKernel, o.fn, uintptr(o.grid[0]), uintptr(o.grid[1]), uintptr(o.grid[2]),
				uintptr(o.block[0]), uintptr(o.block[1]), uintptr(o.block[2]), 0, c.stream,
				uintptr(unsafe.Pointer(&params[0])), 0)
			if r != resSuccess {
				return d.check(r, "cuLaunchKernel", ErrKernel)
			}
		case opHtoD:
			r = d.call(fnMemcpyHtoDAsync, o.dst, o.src, uintptr(o.n), c.stream)
		case opDtoD:
			r = d.call(fnMemcpyDtoDAsync, o.dst, o.src, uintptr(o.n), c.stream)
		case opMemset8:
			r = d.call(fnMemsetD8Async, o.dst, 0, uintptr(o.n), c.stream)
		}
		if r != resSuccess {
			return d.check(r, "enqueue a copy", ErrInit)
		}
	}
	return nil
}

// Stream capture modes (CUstreamCaptureMode).
const captureModeRelaxed = 2

// runGraph replays the cached graph for key, or captures the ops into a new
// one; either way the step runs as one cuGraphLaunch (context thread).
func (q *queue) runGraph(key uint64) error {
	c, d := q.c, q.c.d
	exec, ok := q.cache[key]
	if !ok {
		if r := d.call(fnStreamBeginCapture, c.stream, captureModeRelaxed); r != resSuccess {
			// Capture refused (an old driver, say): run the ops directly.
			if err := q.issue(); err != nil {
				return err
			}
			return c.sync()
		}
		ierr := q.issue()
		var graph uintptr
		r := d.call(fnStreamEndCapture, c.stream, uintptr(unsafe.Pointer(&graph)))
		if ierr != nil {
			if graph != 0 {
				d.call(fnGraphDestroy, graph)
			}
			return ierr
		}
		if r != resSuccess {
			return d.check(r, "cuStreamEndCapture", ErrKernel)
		}
		r = d.call(fnGraphInstantiate, uintptr(unsafe.Pointer(&exec)), graph, 0)
		d.call(fnGraphDestroy, graph)
		if r != resSuccess {
			return d.check(r, "cuGraphInstantiate", ErrKernel)
		}
		if q.cache == nil {
			q.cache = map[uint64]uintptr{}
		}
		if len(q.order) >= graphCacheSize {
			old := q.order[0]
			q.order = q.order[1:]
			d.call(fnGraphExecDestroy, q.cache[old])
			delete(q.cache, old)
		}
		q.cache[key] = exec
		q.order = append(q.order, key)
		q.Captures++
	} else {
		q.Replays++
	}
	if r := d.call(fnGraphLaunch, exec, c.stream); r != resSuccess {
		return d.check(r, "cuGraphLaunch", ErrKernel)
	}
	return c.sync()
}

// release destroys the cached graphs (context thread).
func (q *queue) release() {
	for _, e := range q.cache {
		q.c.d.call(fnGraphExecDestroy, e)
	}
	q.cache, q.order = nil, nil
}
