package cpu

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// pool is a persistent set of worker goroutines. Kernels run ~170 times per
// decoded token, so spawning goroutines per call would cost more than the
// small GEMVs themselves; workers instead wait on a channel for chunks.
type pool struct {
	mu      sync.RWMutex // senders hold R; retiring the pool holds W to close work
	threads int
	work    chan task
}

// job tracks one parallel call. Chunks are handed out dynamically from an
// atomic counter, so a core slowed by another process (the machine is shared
// with the desktop app's UI and the p2p node) does not hold up the others;
// the last participant to finish closes done.
type job struct {
	fn      func(lo, hi int)
	next    atomic.Int64 // next chunk index to hand out
	chunks  int64
	per     int // elements per chunk (a multiple of align)
	n       int
	pending atomic.Int32 // participants still running, excluding the caller
	done    chan struct{}
}

// participate runs chunks until none are left.
func (j *job) participate() {
	for {
		c := j.next.Add(1) - 1
		if c >= j.chunks {
			return
		}
		lo := int(c) * j.per
		j.fn(lo, min(lo+j.per, j.n))
	}
}

type task struct{ j *job }

func (t task) run() {
	t.j.participate()
	if t.j.pending.Add(-1) == 0 {
		close(t.j.done)
	}
}

func newPool(n int) *pool {
	if n < 1 {
		n = 1
	}
	p := &pool{threads: n, work: make(chan task, 256)}
	for i := 0; i < n-1; i++ {
		go p.worker()
	}
	return p
}

func (p *pool) worker() {
	for {
		var t task
		ok := true
		if !poll(func() bool {
			select {
			case t, ok = <-p.work:
				return true
			default:
				return false
			}
		}) {
			t, ok = <-p.work
		}
		if !ok {
			return
		}
		t.run()
	}
}

// spinWindow is how long an idle participant keeps polling before it parks.
// Decode issues ~100 products per token with a few microseconds of serial
// work between them; a parked worker takes tens of microseconds to wake
// (futex), during which one core streams the weights alone at about half
// the memory bandwidth. Polling for a short window, as OpenMP runtimes and
// llama.cpp's thread pool do, keeps both cores on the next product; outside
// bursts of work the cost is one window of CPU per idle period.
const spinWindow = 200 * time.Microsecond

// poll calls try until it reports success or spinWindow has passed, and
// says whether it succeeded; the caller then blocks the ordinary way.
func poll(try func() bool) bool {
	deadline := time.Now().Add(spinWindow)
	for i := 0; ; i++ {
		if try() {
			return true
		}
		if i&63 == 63 && time.Now().After(deadline) {
			return false
		}
	}
}

var poolPtr atomic.Pointer[pool]

func init() { poolPtr.Store(newPool(runtime.GOMAXPROCS(0))) }

// SetThreads sets the worker count used by all kernels. The default is
// runtime.GOMAXPROCS(0): the CPU count, or the container's CPU quota when Go
// detects one, so a limited container does not oversubscribe. Values below 1
// mean 1. Calls already in flight finish on the old pool, whose workers then
// exit.
func SetThreads(n int) {
	if n < 1 {
		n = 1
	}
	old := poolPtr.Swap(newPool(n))
	// The old pool may still have senders in flight; close its queue only
	// once they are gone so workers drain it and exit.
	go func() {
		old.mu.Lock()
		close(old.work)
		old.mu.Unlock()
	}()
}

// Threads returns the worker count used by all kernels.
func Threads() int { return poolPtr.Load().threads }

// ParallelFor splits [0,n) into contiguous chunks and runs fn on them over
// the worker pool, the calling goroutine taking part. It returns when all
// chunks are done. fn must be safe to call concurrently on disjoint ranges.
// Nested calls (fn itself calling ParallelFor) are allowed: a waiting caller
// runs queued work instead of blocking, so the pool cannot deadlock.
func ParallelFor(n int, fn func(lo, hi int)) {
	parallelChunks(n, 1, 4*Threads(), fn)
}

// parallelChunks runs fn over [0,n) in about `chunks` pieces whose
// boundaries are multiples of align (except the end), so SIMD kernels keep
// whole tiles per call. More chunks than threads balance load; exactly
// Threads() chunks minimise overhead for tiny calls.
func parallelChunks(n, align, chunks int, fn func(lo, hi int)) {
	if n <= 0 {
		return
	}
	p := poolPtr.Load()
	blocks := (n + align - 1) / align
	chunks = max(1, min(chunks, blocks))
	if chunks == 1 || p.threads == 1 {
		fn(0, n)
		return
	}
	per := (blocks + chunks - 1) / chunks * align
	j := &job{fn: fn, per: per, n: n, chunks: int64((n + per - 1) / per), done: make(chan struct{})}
	helpers := min(p.threads, int(j.chunks)) - 1
	j.pending.Store(int32(helpers))
	p.mu.RLock()
	for i := 0; i < helpers; i++ {
		p.work <- task{j: j}
	}
	p.mu.RUnlock()
	j.participate()
	// Helpers usually finish within microseconds of the caller: poll (running
	// any queued nested work meanwhile) before parking, so the caller does not
	// pay a futex wake-up per product.
	work := p.work
	if poll(func() bool {
		if work != nil {
			select {
			case t, ok := <-work:
				if !ok {
					work = nil
				} else {
					t.run()
				}
			default:
			}
		}
		return j.pending.Load() == 0
	}) {
		return
	}
	for {
		select {
		case <-j.done:
			return
		case t, ok := <-work:
			if !ok { // pool retired by SetThreads: its workers finish our tasks
				work = nil
				continue
			}
			t.run()
		}
	}
}

// chunksFor picks how many pieces an M×N×K product is split into: one for
// tiny products (attention scores of a single head: a pool round trip costs
// more than the work, and such calls often run nested inside ParallelFor),
// one per thread for decode-sized ones, and 8 per thread for large ones so
// a core slowed by other work does not hold up the rest.
func chunksFor(M, N, K int) int {
	switch flops := 2 * M * N * K; {
	case flops < 1<<17:
		return 1
	case flops <= 8<<20:
		return Threads()
	default:
		return 8 * Threads()
	}
}
