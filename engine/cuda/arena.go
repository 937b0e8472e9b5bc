package cuda

// arena is a bump allocator over chunks of device or pinned host memory,
// reset after every step. The same sequence of requests gets the same
// addresses step after step, which is what lets a decode step's CUDA graph
// be replayed: its temporaries and its metadata sit where they sat when it
// was captured.
type arena struct {
	alloc  func(n int) (uintptr, error) // runs on the context thread
	free   func(p uintptr)
	chunks []chunk
	cur    int
	off    int
}

type chunk struct {
	p    uintptr
	size int
}

const arenaAlign = 256

// get returns n bytes valid until reset.
func (a *arena) get(n int) (uintptr, error) {
	n = (max(n, 1) + arenaAlign - 1) &^ (arenaAlign - 1)
	for a.cur < len(a.chunks) {
		ch := a.chunks[a.cur]
		if a.off+n <= ch.size {
			p := ch.p + uintptr(a.off)
			a.off += n
			return p, nil
		}
		a.cur++
		a.off = 0
	}
	size := 1 << 20
	if len(a.chunks) > 0 {
		size = a.chunks[len(a.chunks)-1].size * 2
	}
	size = max(size, n)
	p, err := a.alloc(size)
	if err != nil {
		return 0, err
	}
	a.chunks = append(a.chunks, chunk{p, size})
	a.cur, a.off = len(a.chunks)-1, n
	return p, nil
}

func (a *arena) reset() { a.cur, a.off = 0, 0 }

// release frees every chunk (context thread).
func (a *arena) release() {
	for _, ch := range a.chunks {
		a.free(ch.p)
	}
	a.chunks = nil
	a.reset()
}
