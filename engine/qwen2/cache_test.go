package qwen2_test

import (
	"math"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
)

// maxAbs is the largest |a[i]-b[i]|.
func maxAbs(a, b []float32) float64 {
	d := 0.0
	for i := range a {
		d = math.Max(d, math.Abs(float64(a[i]-b[i])))
	}
	return d
}

func clone(x []float32) []float32 { return append([]float32(nil), x...) }

// Prefill over the whole prompt must give the same logits as feeding the
// prompt one token at a time through Decode.
func TestPrefillMatchesStepwiseDecode(t *testing.T) {
	m := loadTiny(t, testmodel.Tiny{}, qwen2.F32)
	V := m.Config.VocabSize
	toks := testTokens(12, V)
	c1, _ := m.NewCache(len(toks))
	all, err := m.PrefillAll(c1, toks)
	if err != nil {
		t.Fatal(err)
	}
	all = clone(all)
	c2, _ := m.NewCache(len(toks))
	for p, tok := range toks {
		got, err := m.Decode([]*qwen2.KVCache{c2}, []int{tok})
		if err != nil {
			t.Fatal(err)
		}
		if d := maxAbs(got, all[p*V:(p+1)*V]); d > 1e-4 {
			t.Fatalf("position %d: decode differs from prefill by %.3g", p, d)
		}
	}
	if c1.Len() != len(toks) || c2.Len() != len(toks) {
		t.Fatalf("cache lengths %d, %d, want %d", c1.Len(), c2.Len(), len(toks))
	}
}

// A batch of sequences at different lengths decoded together must match each
// sequence decoded alone; branches off a shared prefix must match a fresh
// prefill of prefix+suffix.
func TestBatchedAndBranchedDecode(t *testing.T) {
	m := loadTiny(t, testmodel.Tiny{}, qwen2.F32)
	V := m.Config.VocabSize
	prompt := testTokens(9, V)
	suffixes := [][]int{{5, 6, 7, 8}, {100, 3, 3, 9}, {511, 0, 42, 1}}

	// Reference: each prompt+suffix prefilled alone.
	want := make([][]float32, len(suffixes))
	for i, s := range suffixes {
		c, _ := m.NewCache(len(prompt) + len(s))
		full := append(append([]int(nil), prompt...), s...)
		l, err := m.PrefillAll(c, full)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = clone(l[len(prompt)*V:])
	}

	root, _ := m.NewCache(len(prompt))
	if _, err := m.Prefill(root, prompt); err != nil {
		t.Fatal(err)
	}
	kids := make([]*qwen2.KVCache, len(suffixes))
	for i := range kids {
		var err error
		if kids[i], err = root.Branch(len(suffixes[i])); err != nil {
			t.Fatal(err)
		}
	}
	for step := 0; step < 4; step++ {
		toks := make([]int, len(kids))
		for i := range kids {
			toks[i] = suffixes[i][step]
		}
		got, err := m.Decode(kids, toks)
		if err != nil {
			t.Fatal(err)
		}
		for i := range kids {
			if d := maxAbs(got[i*V:(i+1)*V], want[i][step*V:(step+1)*V]); d > 1e-4 {
				t.Fatalf("seq %d step %d: batched branch decode differs by %.3g", i, step, d)
			}
		}
	}
	if root.Len() != len(prompt) {
		t.Fatalf("branches changed the shared prefix length to %d", root.Len())
	}
}

// Branching a branch (prefix → shared answer start → several continuations)
// must see all three segments.
func TestNestedBranch(t *testing.T) {
	m := loadTiny(t, testmodel.Tiny{}, qwen2.F32)
	V := m.Config.VocabSize
	full := testTokens(10, V)
	c, _ := m.NewCache(len(full))
	ref, err := m.PrefillAll(c, full)
	if err != nil {
		t.Fatal(err)
	}
	ref = clone(ref)

	root, _ := m.NewCache(4)
	if _, err := m.Prefill(root, full[:4]); err != nil {
		t.Fatal(err)
	}
	mid, _ := root.Branch(3)
	if _, err := m.Prefill(mid, full[4:7]); err != nil {
		t.Fatal(err)
	}
	leaf, _ := mid.Branch(3)
	got, err := m.PrefillAll(leaf, full[7:])
	if err != nil {
		t.Fatal(err)
	}
	if d := maxAbs(got, ref[7*V:]); d > 1e-4 {
		t.Fatalf("nested branch differs from full prefill by %.3g", d)
	}
}

// Bad input must come back as errors, never panics.
func TestForwardErrors(t *testing.T) {
	m := loadTiny(t, testmodel.Tiny{MaxPos: 16}, qwen2.F32)
	V := m.Config.VocabSize
	small, _ := m.NewCache(2)
	big, _ := m.NewCache(32)
	other := loadTiny(t, testmodel.Tiny{Layers: 1}, qwen2.F32)
	foreign, _ := other.NewCache(4)
	cases := []struct {
		name string
		run  func() error
	}{
		{"token-too-large", func() error { _, err := m.Prefill(big, []int{1, V}); return err }},
		{"negative-token", func() error { _, err := m.Prefill(big, []int{-1}); return err }},
		{"empty-prompt", func() error { _, err := m.Prefill(big, nil); return err }},
		{"cache-full", func() error { _, err := m.Prefill(small, []int{1, 2, 3}); return err }},
		{"past-context", func() error { _, err := m.Prefill(big, testTokens(17, V)); return err }},
		{"repeated-cache", func() error { _, err := m.Decode([]*qwen2.KVCache{big, big}, []int{1, 2}); return err }},
		{"nil-cache", func() error { _, err := m.Decode([]*qwen2.KVCache{nil}, []int{1}); return err }},
		{"foreign-cache", func() error { _, err := m.Decode([]*qwen2.KVCache{foreign}, []int{1}); return err }},
		{"length-mismatch", func() error { _, err := m.Decode([]*qwen2.KVCache{big}, []int{1, 2}); return err }},
		{"bad-want", func() error { _, err := m.Forward([]*qwen2.KVCache{big}, []int{1}, []int{3}); return err }},
		{"zero-capacity", func() error { _, err := m.NewCache(0); return err }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.run(); err == nil {
				t.Fatal("want an error, got nil")
			} else {
				t.Log(err)
			}
		})
	}
	if big.Len() != 0 || small.Len() != 0 {
		t.Fatalf("failed calls changed cache lengths: %d, %d", big.Len(), small.Len())
	}
}

// Copy materialises a branched view (prefix + own positions) into a
// standalone cache that continues exactly like a fresh full prefill.
func TestCopyOnBranch(t *testing.T) {
	m := loadTiny(t, testmodel.Tiny{}, qwen2.F32)
	V := m.Config.VocabSize
	full := testTokens(9, V)
	c, _ := m.NewCache(len(full))
	ref, err := m.PrefillAll(c, full)
	if err != nil {
		t.Fatal(err)
	}
	ref = clone(ref)

	root, _ := m.NewCache(4)
	if _, err := m.Prefill(root, full[:4]); err != nil {
		t.Fatal(err)
	}
	kid, _ := root.Branch(2)
	if _, err := m.Prefill(kid, full[4:6]); err != nil {
		t.Fatal(err)
	}
	flat, err := kid.Copy(3)
	if err != nil {
		t.Fatal(err)
	}
	if flat.Len() != 6 || flat.Free() != 3 {
		t.Fatalf("copy has Len %d Free %d, want 6 and 3", flat.Len(), flat.Free())
	}
	root.Reset() // the copy must not depend on the parent any more
	if _, err := m.Prefill(root, []int{1, 2, 3, 4}); err != nil {
		t.Fatal(err)
	}
	got, err := m.PrefillAll(flat, full[6:])
	if err != nil {
		t.Fatal(err)
	}
	if d := maxAbs(got, ref[6*V:]); d > 1e-4 {
		t.Fatalf("copied cache differs from full prefill by %.3g", d)
	}
	if _, err := kid.Copy(-1); err == nil {
		t.Fatal("negative extra accepted")
	}
}

// Sequences of different lengths (different positions, independent
// caches) decoded in one batch must match each decoded alone.
func TestMixedLengthBatch(t *testing.T) {
	m := loadTiny(t, testmodel.Tiny{}, qwen2.F32)
	V := m.Config.VocabSize
	prompts := [][]int{testTokens(3, V), testTokens(11, V)[5:], testTokens(20, V), {42}}
	next := []int{7, 8, 9, 10}
	var alone [][]float32
	var caches []*qwen2.KVCache
	for i, p := range prompts {
		c, _ := m.NewCache(len(p) + 1)
		if _, err := m.Prefill(c, p); err != nil {
			t.Fatal(err)
		}
		caches = append(caches, c)
		solo, _ := m.NewCache(len(p) + 1)
		l, err := m.PrefillAll(solo, append(append([]int(nil), p...), next[i]))
		if err != nil {
			t.Fatal(err)
		}
		alone = append(alone, clone(l[len(p)*V:]))
	}
	got, err := m.Decode(caches, next)
	if err != nil {
		t.Fatal(err)
	}
	for i := range prompts {
		if d := maxAbs(got[i*V:(i+1)*V], alone[i]); d > 1e-4 {
			t.Fatalf("sequence %d (length %d): batched decode differs by %.3g", i, len(prompts[i]), d)
		}
	}
}

// A released cache (and a child branched from one) is refused with a
// sentence by everything that would read or write it; releasing twice and
// releasing a child before its parent are harmless.
func TestReleasedCacheIsRefused(t *testing.T) {
	m := loadTiny(t, testmodel.Tiny{}, qwen2.F32)
	toks := testTokens(6, m.Config.VocabSize)
	setup := func(t *testing.T) (root, child *qwen2.KVCache) {
		root, err := m.NewCache(len(toks) + 4)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Prefill(root, toks); err != nil {
			t.Fatal(err)
		}
		if child, err = root.Branch(4); err != nil {
			t.Fatal(err)
		}
		return root, child
	}
	for _, tc := range []struct {
		name    string
		release func(root, child *qwen2.KVCache)
		use     func(root, child *qwen2.KVCache) error
		want    string
	}{
		{"prefill a released cache", func(r, _ *qwen2.KVCache) { r.Release() },
			func(r, _ *qwen2.KVCache) error { _, err := m.Prefill(r, toks[:1]); return err }, "was released"},
		{"decode a released cache", func(_, c *qwen2.KVCache) { c.Release() },
			func(_, c *qwen2.KVCache) error { _, err := m.Decode([]*qwen2.KVCache{c}, toks[:1]); return err }, "was released"},
		{"decode a child of a released cache", func(r, _ *qwen2.KVCache) { r.Release() },
			func(_, c *qwen2.KVCache) error { _, err := m.Decode([]*qwen2.KVCache{c}, toks[:1]); return err }, "branched from was released"},
		{"branch a released cache", func(r, _ *qwen2.KVCache) { r.Release() },
			func(r, _ *qwen2.KVCache) error { _, err := r.Branch(2); return err }, "was released"},
		{"copy a child of a released cache", func(r, _ *qwen2.KVCache) { r.Release() },
			func(_, c *qwen2.KVCache) error { _, err := c.Copy(2); return err }, "branched from was released"},
		{"child first, then parent, twice", func(r, c *qwen2.KVCache) { c.Release(); r.Release(); r.Release(); c.Release() },
			func(r, _ *qwen2.KVCache) error { _, err := m.Prefill(r, toks[:1]); return err }, "was released"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root, child := setup(t)
			if _, err := m.Decode([]*qwen2.KVCache{child}, toks[:1]); err != nil {
				t.Fatalf("before release: %v", err)
			}
			tc.release(root, child)
			err := tc.use(root, child)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error saying %q", err, tc.want)
			}
			if root.Bytes() != 0 && child.Bytes() != 0 {
				t.Errorf("no cache reports its memory gone: %d and %d bytes", root.Bytes(), child.Bytes())
			}
		})
	}
}
