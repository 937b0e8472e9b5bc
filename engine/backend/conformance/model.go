package conformance

import (
	"fmt"
	"math"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
)

// TinyModel is the 2-layer test Qwen2 (seed 7) every backend's parity tests load.
func TinyModel(t *testing.T, wdt qwen2.DType) *qwen2.Model {
	t.Helper()
	dir := t.TempDir()
	if err := testmodel.Write(dir, testmodel.Tiny{Layers: 2}, 7); err != nil {
		t.Fatal(err)
	}
	m, err := qwen2.Load(dir, qwen2.LoadOptions{WeightDType: wdt})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// MaxRel is max|a-b| over max|b|: the relative error of a device result a against a reference b.
func MaxRel(a []float32, b []float64) float64 {
	d, s := 0.0, 1e-12
	for i := range b {
		d = math.Max(d, math.Abs(float64(a[i])-b[i]))
		s = math.Max(s, math.Abs(b[i]))
	}
	return d / s
}

// F64 widens v for comparisons against float64 references.
func F64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// RunModel runs a whole tiny Qwen2 on the backend open returns: prefill
// logits and step-by-step decode logits against the same model on the CPU
// (cpuTol: 1e-5 where the device keeps fp32 activations) and against the
// float64 reference, and sampled rollouts against the CPU.
func RunModel(t *testing.T, open func(t *testing.T) backend.Backend, cpuTol float64) {
	for _, wdt := range []qwen2.DType{qwen2.F32, qwen2.BF16} {
		t.Run(wdt.String(), func(t *testing.T) {
			cpuM, devM := TinyModel(t, wdt), TinyModel(t, wdt)
			be := open(t)
			if err := devM.UseBackend(be); err != nil {
				t.Fatal(err)
			}
			ms := models{t, cpuM, devM}
			V := cpuM.Config.VocabSize
			prompt := testPrompt(V)
			tol := map[qwen2.DType]float64{qwen2.F32: 1e-5, qwen2.BF16: 2e-2}[wdt]

			// Prefill: every position against the float64 reference and the CPU.
			cc, dc := ms.caches(len(prompt) + 8)
			got, want := ms.prefill(cc, dc, prompt)
			ref, err := devM.ReferenceLogits(prompt)
			if err != nil {
				t.Fatal(err)
			}
			for p := range prompt {
				if d := MaxRel(got[p*V:(p+1)*V], ref[p]); d > tol {
					t.Fatalf("prefill position %d: %.3g from the float64 reference", p, d)
				}
				if d := MaxRel(got[p*V:(p+1)*V], F64(want[p*V:(p+1)*V])); d > cpuTol {
					t.Fatalf("prefill position %d: %.3g from the CPU", p, d)
				}
			}
			// Decode step by step (greedy on the CPU's logits), comparing
			// each step's logits with the CPU's.
			tok := prompt[len(prompt)-1]
			seq := append([]int(nil), prompt...)
			for step := 0; step < 6; step++ {
				wl := ms.decode([]*qwen2.KVCache{cc}, []*qwen2.KVCache{dc}, []int{tok}, cpuTol, fmt.Sprintf("decode step %d", step))
				seq = append(seq, tok)
				best := 0
				for i, x := range wl {
					if x > wl[best] {
						best = i
					}
				}
				tok = best
			}
			// The decoded sequence's last position against the reference.
			ref, err = devM.ReferenceLogits(seq)
			if err != nil {
				t.Fatal(err)
			}
			c2, err := devM.NewCache(len(seq))
			if err != nil {
				t.Fatal(err)
			}
			all, err := devM.PrefillAll(c2, seq)
			if err != nil {
				t.Fatal(err)
			}
			last := len(seq) - 1
			if d := MaxRel(all[last*V:(last+1)*V], ref[last]); d > tol {
				t.Fatalf("after decoding: %.3g from the float64 reference", d)
			}

			// Sampled rollouts sharing the prompt's cache (3 answers).
			opt := qwen2.GenerateOptions{N: 3, MaxNew: 6, Temperature: 0.9, TopK: 20, Seed: 5, StopIDs: []int{}}
			wc, _, err := cpuM.Generate(prompt, opt)
			if err != nil {
				t.Fatal(err)
			}
			gc, _, err := devM.Generate(prompt, opt)
			if err != nil {
				t.Fatal(err)
			}
			for i := range wc {
				for j := range wc[i].Tokens {
					if j >= len(gc[i].Tokens) || gc[i].Tokens[j] != wc[i].Tokens[j] ||
						math.Abs(float64(gc[i].LogProbs[j]-wc[i].LogProbs[j])) > 1e-4 {
						t.Fatalf("answer %d on the device: %v %v; CPU %v %v", i, gc[i].Tokens, gc[i].LogProbs, wc[i].Tokens, wc[i].LogProbs)
					}
				}
			}
		})
	}
}

// RunModelKVCache runs the tiny model with its KV cache stored as dt on
// the device (Model.SetKVCacheDType; BF16: half the memory of batch
// rollouts) against the same model on the CPU with its float32 cache:
// prefill logits, a batched decode of two answers branched from the
// prompt's cache (attention over a shared run and each answer's own), and
// step-by-step decode, all within the bf16 tolerance since only storage
// rounds; the cache takes dt's bytes. Every GPU backend runs it for each KV
// type its backend.KVCacheDTypes lists, so the model-level check is one
// and the same everywhere.
func RunModelKVCache(t *testing.T, open func(t *testing.T) backend.Backend, dt backend.DType) {
	const tol = 2e-2
	ms := models{t, TinyModel(t, qwen2.F32), TinyModel(t, qwen2.F32)}
	if err := ms.dev.UseBackend(open(t)); err != nil {
		t.Fatal(err)
	}
	if err := ms.dev.SetKVCacheDType(dt); err != nil {
		t.Fatal(err)
	}
	V := ms.cpu.Config.VocabSize
	prompt := testPrompt(V)
	cc, dc := ms.caches(len(prompt) + 8)
	if dc.Bytes()*4 != cc.Bytes()*dt.Size() {
		t.Fatalf("%v cache %d bytes, f32 cache %d", dt, dc.Bytes(), cc.Bytes())
	}
	if got, want := ms.prefill(cc, dc, prompt); MaxRel(got, F64(want)) > tol {
		t.Fatalf("prefill over a %v KV cache: %.3g from the CPU", dt, MaxRel(got, F64(want)))
	}
	// Two answers branched from the prompt, decoded together.
	branch := func(c *qwen2.KVCache) []*qwen2.KVCache {
		t.Helper()
		var bs []*qwen2.KVCache
		for range 2 {
			b, err := c.Branch(8)
			if err != nil {
				t.Fatal(err)
			}
			bs = append(bs, b)
		}
		return bs
	}
	cb, db := branch(cc), branch(dc)
	toks := []int{prompt[len(prompt)-1], prompt[3]}
	for step := 0; step < 4; step++ {
		ms.decode(cb, db, toks, tol, fmt.Sprintf("batched decode step %d over a %v KV cache", step, dt))
		toks = []int{(toks[0]*31 + 7) % V, (toks[1]*17 + 3) % V}
	}
	// One sequence on, step by step.
	tok := prompt[len(prompt)-1]
	for step := 0; step < 6; step++ {
		ms.decode([]*qwen2.KVCache{cc}, []*qwen2.KVCache{dc}, []int{tok}, tol, fmt.Sprintf("decode step %d over a %v KV cache", step, dt))
		tok = (tok*31 + 7) % V
	}
}

// models are the tiny model on the CPU and the same model on the device
// under test, driven in step.
type models struct {
	t        *testing.T
	cpu, dev *qwen2.Model
}

// testPrompt is the 20-token prompt the model checks run, spread over a
// vocabulary of V.
func testPrompt(V int) []int {
	prompt := make([]int, 20)
	for i := range prompt {
		prompt[i] = (i*7919 + 13) % V
	}
	return prompt
}

// caches returns a new cache of n positions on each model.
func (p models) caches(n int) (cc, dc *qwen2.KVCache) {
	p.t.Helper()
	cc, err := p.cpu.NewCache(n)
	if err != nil {
		p.t.Fatal(err)
	}
	if dc, err = p.dev.NewCache(n); err != nil {
		p.t.Fatal(err)
	}
	return cc, dc
}

// prefill runs prompt on both models into their caches and returns every
// position's logits, the device's and the CPU's.
func (p models) prefill(cc, dc *qwen2.KVCache, prompt []int) (got, want []float32) {
	p.t.Helper()
	got, err := p.dev.PrefillAll(dc, prompt)
	if err != nil {
		p.t.Fatal(err)
	}
	got = append([]float32(nil), got...)
	if want, err = p.cpu.PrefillAll(cc, prompt); err != nil {
		p.t.Fatal(err)
	}
	return got, want
}

// decode runs one decode step of toks (one per cache) on both models,
// fails (saying what) when the device's logits are more than tol from the
// CPU's, and returns the CPU's.
func (p models) decode(cc, dc []*qwen2.KVCache, toks []int, tol float64, what string) []float32 {
	p.t.Helper()
	wl, err := p.cpu.Decode(cc, toks)
	if err != nil {
		p.t.Fatal(err)
	}
	gl, err := p.dev.Decode(dc, toks)
	if err != nil {
		p.t.Fatal(err)
	}
	if d := MaxRel(gl, F64(wl)); d > tol {
		p.t.Fatalf("%s: %.3g from the CPU", what, d)
	}
	return wl
}
