package cuda

import (
	"math"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend/gpu"
)

// The arena hands out the same addresses for the same requests after a
// reset (what graph replay relies on) and grows by chunks.
func TestArenaStableAddresses(t *testing.T) {
	next := uintptr(1 << 40)
	var allocs int
	a := arena{alloc: func(n int) (uintptr, error) {
		allocs++
		p := next
		next += uintptr(n) + 4096
		return p, nil
	}, free: func(uintptr) {}}
	reqs := []int{10, 300, 1 << 20, 5, 3 << 20}
	var first []uintptr
	for step := 0; step < 3; step++ {
		for i, n := range reqs {
			p, err := a.get(n)
			if err != nil {
				t.Fatal(err)
			}
			if p%arenaAlign != 0 {
				t.Fatalf("unaligned %x", p)
			}
			if step == 0 {
				first = append(first, p)
			} else if p != first[i] {
				t.Fatalf("step %d request %d: %x, first step %x", step, i, p, first[i])
			}
		}
		a.reset()
	}
	if allocs != 3 {
		t.Errorf("%d chunk allocations, want 3 (1 MiB, 2 MiB, 4 MiB)", allocs)
	}
}

// Equal op lists hash equal (so a decode step replays its graph); any
// changed argument, grid or address changes the hash.
func TestQueueHash(t *testing.T) {
	rec := func(mut func(*kargs, *[3]uint32, *uintptr)) uint64 {
		q := queue{}
		a := args().p(0x1000, 0x2000).i(7, 64).f(0.125)
		grid := [3]uint32{4, 2, 1}
		dst := uintptr(0x3000)
		if mut != nil {
			mut(a, &grid, &dst)
		}
		q.launch(0xbeef, grid, [3]uint32{128, 1, 1}, a)
		q.htod(dst, 0x9000, 64)
		return q.hash()
	}
	base := rec(nil)
	if rec(nil) != base {
		t.Fatal("hash not deterministic")
	}
	for name, m := range map[string]func(*kargs, *[3]uint32, *uintptr){
		"argument": func(a *kargs, _ *[3]uint32, _ *uintptr) { a.v[2] = 8 },
		"grid":     func(_ *kargs, g *[3]uint32, _ *uintptr) { g[1] = 3 },
		"address":  func(_ *kargs, _ *[3]uint32, d *uintptr) { *d += 256 },
	} {
		if rec(m) == base {
			t.Errorf("changing the %s keeps the hash", name)
		}
	}
}

// sample_rows' parameters are packed in the kernel's order: the three
// output arrays carved from one block (tokens, then two log-probs per row,
// then status), the logits and uniforms, then V, topK (32-bit) and the two
// floats as their bits.
func TestSampleArgsPacking(t *testing.T) {
	const out, logits, u = 0x10000, 0x20000, 0x30000
	a := sampleArgs(out, logits, u, 5, 151936, gpu.SampleArgs{Temperature: 0.7, TopK: 50, TopP: 0.9})
	want := []uint64{out, out + 20, out + 60, logits, u, 151936, 50,
		uint64(math.Float32bits(0.7)), uint64(math.Float32bits(0.9))}
	if a.n != len(want) {
		t.Fatalf("%d arguments, want %d", a.n, len(want))
	}
	for i, w := range want {
		if a.v[i] != w {
			t.Errorf("argument %d: %#x, want %#x", i, a.v[i], w)
		}
	}
	// The outputs fill exactly the 16 bytes per row Sample downloads.
	if end := a.v[2] + 4*5; end != out+16*5 {
		t.Errorf("outputs end at %#x, the block at %#x", end, out+16*5)
	}
}
