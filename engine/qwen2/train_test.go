package qwen2_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/cpu"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
)

// trainTiny is the gradient-check model: small enough for float64 finite
// differences over hundreds of parameters, with GQA (4 query heads on 2 KV
// heads) and head_dim ≠ hidden/heads.
var trainTiny = testmodel.Tiny{Layers: 2, Hidden: 32, Heads: 4, KVHeads: 2, HeadDim: 8, FFN: 48, Vocab: 300, MaxPos: 64}

// trainSeqs is a small batch of unequal sequences (prompt + completion).
func trainSeqs(vocab int) []qwen2.Sequence {
	mk := func(n, start, salt int) qwen2.Sequence {
		toks := make([]int, n)
		for i := range toks {
			toks[i] = (i*7919 + salt*104729 + 13) % vocab
		}
		return qwen2.Sequence{Tokens: toks, Start: start}
	}
	return []qwen2.Sequence{mk(9, 4, 1), mk(6, 1, 2), mk(12, 8, 3)}
}

// randCoefs returns c shaped like the log-probs: the loss is Σ c·logp.
func randCoefs(seqs []qwen2.Sequence, seed uint64) [][]float32 {
	r := rand.New(rand.NewPCG(seed, 1))
	c := make([][]float32, len(seqs))
	for i, s := range seqs {
		c[i] = make([]float32, len(s.Tokens)-s.Start)
		for j := range c[i] {
			c[i][j] = float32(r.NormFloat64())
		}
	}
	return c
}

// gradOf runs TrainForward + Backward and returns the gradient and log-probs.
func gradOf(t testing.TB, m *qwen2.Model, seqs []qwen2.Sequence, c [][]float32) ([]float32, [][]float32) {
	t.Helper()
	tape, logp, err := m.TrainForward(seqs)
	if err != nil {
		t.Fatal(err)
	}
	g := make([]float32, len(m.Trainable()))
	if err := tape.Backward(c, g); err != nil {
		t.Fatal(err)
	}
	return g, logp
}

// TestTrainLogProbsMatchInference: TrainForward and SequenceLogProbs give the
// inference path's log-probs (ScoreContinuation) and the float64 reference's.
func TestTrainLogProbsMatchInference(t *testing.T) {
	for _, v := range []struct {
		name string
		cfg  testmodel.Tiny
	}{{"tied", trainTiny}, {"untied", withUntied(trainTiny)}, {"mha", testmodel.Tiny{Heads: 4, KVHeads: 4}}} {
		t.Run(v.name, func(t *testing.T) {
			m := loadTiny(t, v.cfg, qwen2.F32)
			seqs := trainSeqs(m.Config.VocabSize)
			_, got, err := m.TrainForward(seqs)
			if err != nil {
				t.Fatal(err)
			}
			noTape, err := m.SequenceLogProbs(seqs)
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range seqs {
				want, err := m.ScoreContinuation(s.Tokens[:s.Start], s.Tokens[s.Start:])
				if err != nil {
					t.Fatal(err)
				}
				ref := refLogProbs(t, m, m.Params.F32, nil, s)
				for j := range want {
					if d := math.Abs(float64(got[i][j] - want[j])); d > 2e-5*(1+math.Abs(float64(want[j]))) {
						t.Fatalf("seq %d token %d: train logp %v, inference %v", i, j, got[i][j], want[j])
					}
					if d := math.Abs(float64(got[i][j]) - ref[j]); d > 2e-5*(1+math.Abs(ref[j])) {
						t.Fatalf("seq %d token %d: train logp %v, float64 reference %v", i, j, got[i][j], ref[j])
					}
					if noTape[i][j] != got[i][j] {
						t.Fatalf("seq %d token %d: SequenceLogProbs %v != TrainForward %v", i, j, noTape[i][j], got[i][j])
					}
				}
			}
		})
	}
}

// SequenceLogProbs works on a BF16 model (a frozen reference kept small),
// close to the F32 model's values.
func TestSequenceLogProbsBF16(t *testing.T) {
	m32 := loadTiny(t, trainTiny, qwen2.F32)
	m16 := loadTiny(t, trainTiny, qwen2.BF16)
	seqs := trainSeqs(m32.Config.VocabSize)
	a, err := m32.SequenceLogProbs(seqs)
	if err != nil {
		t.Fatal(err)
	}
	b, err := m16.SequenceLogProbs(seqs)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		for j := range a[i] {
			if d := math.Abs(float64(a[i][j] - b[i][j])); d > 0.1 {
				t.Fatalf("seq %d token %d: bf16 %v vs f32 %v", i, j, b[i][j], a[i][j])
			}
		}
	}
	if _, _, err := m16.TrainForward(seqs); err == nil || !strings.Contains(err.Error(), "load the model with F32 weights to train") {
		t.Fatalf("TrainForward on BF16: err %v, want the F32 hint", err)
	}
}

func withUntied(c testmodel.Tiny) testmodel.Tiny {
	c.Untied = true
	return c
}

// TestGradientFiniteDifferences checks the whole backward pass: the
// analytic float32 gradient of L = Σ c·logp against central differences of
// the float64 twin, for a sample of parameters from every tensor.
func TestGradientFiniteDifferences(t *testing.T) {
	for _, v := range []struct {
		name string
		cfg  testmodel.Tiny
	}{{"tied-gqa", trainTiny}, {"untied-gqa", withUntied(trainTiny)}} {
		t.Run(v.name, func(t *testing.T) {
			m := loadTiny(t, v.cfg, qwen2.F32)
			seqs := trainSeqs(m.Config.VocabSize)
			c := randCoefs(seqs, 3)
			grad, _ := gradOf(t, m, seqs, c)
			theta := toF64(m.Params.F32)
			loss := func(th []float64) float64 { return refLoss(t, m, th, nil, seqs, c) }
			checkFD(t, grad, theta, loss, fdSample(m, 4))
		})
	}
}

// fdSample picks k indices per tensor, always including the first element
// and, for the embeddings, a row of a token in the batch (most rows get no
// gradient at all) and one that is not (must stay zero).
func fdSample(m *qwen2.Model, k int) map[string][]int {
	r := rand.New(rand.NewPCG(9, 9))
	out := map[string][]int{}
	for _, ti := range m.Params.Tensors {
		idx := []int{ti.Offset}
		for j := 1; j < k; j++ {
			idx = append(idx, ti.Offset+r.IntN(ti.Size))
		}
		if ti.Name == "model.embed_tokens.weight" {
			H := ti.Shape[1]
			tok := trainSeqs(m.Config.VocabSize)[0].Tokens[2]
			idx = append(idx, ti.Offset+tok*H+3, ti.Offset+tok*H+H-1)
		}
		out[ti.Name] = idx
	}
	return out
}

// checkFD compares grad[i] with (L(θ+h·e_i) − L(θ−h·e_i))/2h for the sampled
// indices. The bound is relative to the larger of |fd| and the typical
// gradient size of the sample, since float32 gradients carry absolute noise
// near 1e-6 of that size.
func checkFD(t *testing.T, grad []float32, theta []float64, loss func([]float64) float64, sample map[string][]int) {
	t.Helper()
	type res struct {
		name string
		i    int
		got  float64
		fd   float64
	}
	var rs []res
	var scale float64
	fds := finiteDiffs(theta, loss, sample)
	for name, idx := range sample {
		for k, i := range idx {
			fd := fds[name][k]
			rs = append(rs, res{name: name, i: i, got: float64(grad[i]), fd: fd})
			scale += fd * fd
		}
	}
	scale = math.Sqrt(scale / float64(len(rs)))
	if scale == 0 {
		t.Fatal("all sampled finite differences are zero: the check checks nothing")
	}
	worst := 0.0
	for _, r := range rs {
		err := math.Abs(r.got-r.fd) / (math.Abs(r.fd) + 1e-2*scale)
		worst = math.Max(worst, err)
		if err > 1e-2 {
			t.Errorf("%s [%d]: analytic %.6g, finite difference %.6g (rel err %.2g)", r.name, r.i, r.got, r.fd, err)
		}
	}
	t.Logf("%d parameters checked, worst relative error %.2g (gradient scale %.3g)", len(rs), worst, scale)
}

// finiteDiffs is (L(θ+h·e_i) − L(θ−h·e_i))/2h for the sampled indices,
// tensor by tensor in sample's order.
func finiteDiffs(theta []float64, loss func([]float64) float64, sample map[string][]int) map[string][]float64 {
	const h = 1e-5
	out := map[string][]float64{}
	for name, idx := range sample {
		for _, i := range idx {
			old := theta[i]
			theta[i] = old + h
			lp := loss(theta)
			theta[i] = old - h
			lm := loss(theta)
			theta[i] = old
			out[name] = append(out[name], (lp-lm)/(2*h))
		}
	}
	return out
}

func toF64(x []float32) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

// TestBatchGradientIsSumOfSequences: one Backward over a batch equals
// accumulating one Backward per sequence into the same buffer.
func TestBatchGradientIsSumOfSequences(t *testing.T) {
	m := loadTiny(t, trainTiny, qwen2.F32)
	seqs := trainSeqs(m.Config.VocabSize)
	c := randCoefs(seqs, 5)
	batch, _ := gradOf(t, m, seqs, c)
	acc := make([]float32, len(batch))
	for i := range seqs {
		tape, _, err := m.TrainForward(seqs[i : i+1])
		if err != nil {
			t.Fatal(err)
		}
		if err := tape.Backward(c[i:i+1], acc); err != nil {
			t.Fatal(err)
		}
	}
	var num, den float64
	for i := range batch {
		d := float64(batch[i] - acc[i])
		num += d * d
		den += float64(batch[i]) * float64(batch[i])
	}
	if rel := math.Sqrt(num / den); rel > 1e-5 {
		t.Fatalf("batch gradient differs from the sum of per-sequence gradients by %.3g (relative L2)", rel)
	}
}

// TestTrainDeterministic: two runs give bit-identical log-probs and
// gradients, and so do different thread counts (every kernel splits work by
// output element and sums in a fixed order).
func TestTrainDeterministic(t *testing.T) {
	prev := cpu.Threads()
	defer cpu.SetThreads(prev)
	m := loadTiny(t, testmodel.Tiny{}, qwen2.F32)
	seqs := trainSeqs(m.Config.VocabSize)
	seqs = append(seqs, qwen2.Sequence{Tokens: testTokens(100, m.Config.VocabSize), Start: 30}) // several attention blocks
	c := randCoefs(seqs, 6)
	var ref []float32
	for _, th := range []int{1, 1, 3, 3} {
		cpu.SetThreads(th)
		g, _ := gradOf(t, m, seqs, c)
		if ref == nil {
			ref = g
			continue
		}
		for i := range g {
			if math.Float32bits(g[i]) != math.Float32bits(ref[i]) {
				t.Fatalf("threads=%d: gradient %d is %v, first run %v", th, i, g[i], ref[i])
			}
		}
	}
}

// TestSGDLowersLoss: ten plain gradient-descent steps on a fixed batch lower
// the negative log-likelihood clearly.
func TestSGDLowersLoss(t *testing.T) {
	m := loadTiny(t, trainTiny, qwen2.F32)
	seqs := trainSeqs(m.Config.VocabSize)
	nll := func(logp [][]float32) float64 {
		s := 0.0
		for _, row := range logp {
			for _, v := range row {
				s -= float64(v)
			}
		}
		return s
	}
	minus := make([][]float32, len(seqs)) // dL/dlogp for L = −Σ logp
	for i, s := range seqs {
		minus[i] = make([]float32, len(s.Tokens)-s.Start)
		for j := range minus[i] {
			minus[i][j] = -1
		}
	}
	var first, last float64
	for step := 0; step < 10; step++ {
		g, logp := gradOf(t, m, seqs, minus)
		if step == 0 {
			first = nll(logp)
		}
		last = nll(logp)
		theta := m.Trainable()
		for i := range theta {
			theta[i] -= 0.02 * g[i]
		}
	}
	logp, err := m.SequenceLogProbs(seqs)
	if err != nil {
		t.Fatal(err)
	}
	last = nll(logp)
	t.Logf("NLL %.3f -> %.3f", first, last)
	if !(last < 0.7*first) {
		t.Fatalf("10 SGD steps: NLL %.3f -> %.3f, want a clear decrease", first, last)
	}
}

// TestTrainErrors: bad inputs are refused with errors, never panics.
func TestTrainErrors(t *testing.T) {
	m := loadTiny(t, trainTiny, qwen2.F32)
	V, P := m.Config.VocabSize, m.Config.MaxPositionEmbeddings
	ok := qwen2.Sequence{Tokens: []int{1, 2, 3}, Start: 1}
	for _, c := range []struct {
		name string
		seqs []qwen2.Sequence
		want string
	}{
		{"empty batch", nil, "empty batch"},
		{"start zero", []qwen2.Sequence{{Tokens: []int{1, 2}, Start: 0}}, "start 0"},
		{"start at end", []qwen2.Sequence{ok, {Tokens: []int{1, 2}, Start: 2}}, "start 2"},
		{"one token", []qwen2.Sequence{{Tokens: []int{1}, Start: 1}}, "start 1"},
		{"token too large", []qwen2.Sequence{{Tokens: []int{1, V}, Start: 1}}, "outside the vocabulary"},
		{"negative token", []qwen2.Sequence{{Tokens: []int{-1, 2}, Start: 1}}, "outside the vocabulary"},
		{"too long", []qwen2.Sequence{{Tokens: make([]int, P+1), Start: 1}}, "exceed the model context"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, _, err := m.TrainForward(c.seqs); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("TrainForward: err %v, want %q", err, c.want)
			}
			if _, err := m.SequenceLogProbs(c.seqs); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("SequenceLogProbs: err %v, want %q", err, c.want)
			}
		})
	}
	seqs := []qwen2.Sequence{ok, {Tokens: []int{4, 5, 6, 7}, Start: 2}}
	good := [][]float32{{1, 1}, {1, 1}}
	for _, c := range []struct {
		name  string
		dlogp [][]float32
		grad  []float32
		want  string
	}{
		{"dlogp rows", good[:1], make([]float32, len(m.Trainable())), "dlogp has 1 rows"},
		{"dlogp cols", [][]float32{{1, 1}, {1}}, make([]float32, len(m.Trainable())), "dlogp[1] has 1 values"},
		{"grad length", good, make([]float32, 5), "gradient buffer has 5"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tape, _, err := m.TrainForward(seqs)
			if err != nil {
				t.Fatal(err)
			}
			if err := tape.Backward(c.dlogp, c.grad); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Backward: err %v, want %q", err, c.want)
			}
			// A refused call leaves the tape usable.
			if err := tape.Backward(good, make([]float32, len(m.Trainable()))); err != nil {
				t.Fatalf("Backward after a refused call: %v", err)
			}
		})
	}
	tape, _, err := m.TrainForward(seqs)
	if err != nil {
		t.Fatal(err)
	}
	g := make([]float32, len(m.Trainable()))
	if err := tape.Backward(good, g); err != nil {
		t.Fatal(err)
	}
	if err := tape.Backward(good, g); err == nil || !strings.Contains(err.Error(), "already") {
		t.Fatalf("second Backward: err %v, want an error", err)
	}
	var nilTape *qwen2.Tape
	if err := nilTape.Backward(good, g); err == nil {
		t.Fatal("Backward on a nil tape: want an error")
	}
}

// TestTapeBytesMatchesAllocation: TapeBytes predicts what a training step
// allocates (TotalAlloc around TrainForward + Backward) within 10%, for an
// f32 and a bf16 tape, and what a bf16 tape saves within 2%. The batch is
// long enough and the model deep enough (6 layers) for the kept
// activations to dominate, as they do for real models; the kernels' small
// per-call allocations come on top.
func TestTapeBytesMatchesAllocation(t *testing.T) {
	type key struct {
		lora bool
		dt   backend.DType
	}
	predicted, measured := map[key]int64{}, map[key]int64{}
	for _, v := range []key{{false, backend.F32}, {true, backend.F32}, {false, backend.BF16}, {true, backend.BF16}} {
		lora := v.lora
		t.Run(fmt.Sprintf("lora=%v/%v", lora, v.dt), func(t *testing.T) {
			cfg := trainTiny
			cfg.MaxPos, cfg.Layers, cfg.Hidden, cfg.FFN = 256, 6, 64, 128
			m := loadTiny(t, cfg, qwen2.F32)
			if lora {
				if err := m.EnableLoRA(qwen2.LoRAConfig{Rank: 4, Alpha: 4}); err != nil {
					t.Fatal(err)
				}
			}
			if err := m.SetTapeDType(v.dt); err != nil {
				t.Fatal(err)
			}
			V := m.Config.VocabSize
			var seqs []qwen2.Sequence
			var lens []int
			for i, n := range []int{256, 160, 227, 256} {
				toks := testTokens(n+i, V)[i:]
				seqs = append(seqs, qwen2.Sequence{Tokens: toks, Start: 1})
				lens = append(lens, n)
			}
			c := randCoefs(seqs, 1)
			grad := make([]float32, len(m.Trainable()))
			step := func() {
				tape, _, err := m.TrainForward(seqs)
				if err != nil {
					t.Fatal(err)
				}
				if err := tape.Backward(c, grad); err != nil {
					t.Fatal(err)
				}
			}
			// Warm the kernels' reusable scratch (sync.Pools) and keep it
			// warm: no GC to empty the pools, one P so a Get finds what the
			// last Put left. TapeBytes excludes that scratch by design; the
			// benchmark reports the allocation per step under normal running
			// on the 0.5B shape.
			defer debug.SetGCPercent(debug.SetGCPercent(-1))
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
			defer cpu.SetThreads(cpu.Threads())
			cpu.SetThreads(1)
			step()
			allocated := func() int64 {
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				clear(grad)
				step()
				runtime.ReadMemStats(&after)
				return int64(after.TotalAlloc - before.TotalAlloc)
			}
			// Without a spare arena a step allocates the whole tape...
			m.ReleaseTrainingMemory()
			got := allocated()
			fresh := slices.Clone(grad)
			// ...and with one (the last step's) it allocates little (the
			// kernels' per-call scratch) and computes the same bits in the
			// reused memory.
			again := allocated()
			t.Logf("a step after another allocated %d bytes", again)
			if again > got/4 {
				t.Fatalf("a step after another allocated %d bytes of the fresh step's %d; the tape arena should be reused", again, got)
			}
			if !slices.Equal(grad, fresh) {
				t.Fatal("gradient from a reused tape arena differs from a fresh one")
			}
			want := m.TapeBytes(lens)
			if plain := qwen2.TapeBytesAs(m.Config, lens, v.dt); lora != (want > plain) {
				t.Fatalf("(*Model).TapeBytes %d vs TapeBytesAs %d with lora=%v", want, plain, lora)
			}
			t.Logf("TapeBytes %d, allocated %d (%+.1f%%)", want, got, 100*float64(got-want)/float64(want))
			if math.Abs(float64(got-want)) > 0.1*float64(want) {
				t.Fatalf("TapeBytes = %d, a step allocated %d", want, got)
			}
			predicted[v], measured[v] = want, got
			// Half the lengths need about half the memory.
			if l2 := m.TapeBytes([]int{128, 80, 114, 128}); l2 > 6*want/10 || l2 < 4*want/10 {
				t.Fatalf("TapeBytes for halved lengths %d, want about half of %d", l2, want)
			}
		})
	}
	for _, lora := range []bool{false, true} {
		f32, bf16 := key{lora, backend.F32}, key{lora, backend.BF16}
		want, got := predicted[f32]-predicted[bf16], measured[f32]-measured[bf16]
		t.Logf("lora=%v: a bf16 tape saves %d bytes, %d predicted", lora, got, want)
		if want <= 0 || math.Abs(float64(got-want)) > 0.02*float64(want) {
			t.Errorf("lora=%v: a bf16 tape saved %d bytes, TapeBytes says %d", lora, got, want)
		}
	}
}

// refLoss is Σ c·logp of the float64 twin at parameters theta (and LoRA
// adapter values lora, when the model has adapters).
func refLoss(t testing.TB, m *qwen2.Model, theta, lora []float64, seqs []qwen2.Sequence, c [][]float32) float64 {
	s := 0.0
	for i, sq := range seqs {
		for j, lp := range refLogProbs(t, m, theta, lora, sq) {
			s += float64(c[i][j]) * lp
		}
	}
	return s
}

// refLogProbs is the float64 twin of TrainForward for one sequence:
// ReferenceLogits' equations, reading parameters from theta (the F32 layout
// of m.Params) and adding LoRA adapters read from lora (the layout of
// m.Trainable() with adapters), then a float64 log-softmax.
func refLogProbs[P float32 | float64](t testing.TB, m *qwen2.Model, theta []P, lora []float64, s qwen2.Sequence) []float64 {
	t.Helper()
	cfg := m.Config
	w := func(name string) []float64 {
		info, ok := m.Params.Info(name)
		if !ok {
			t.Fatalf("no tensor %s", name)
		}
		out := make([]float64, info.Size)
		for i := range out {
			out[i] = float64(theta[info.Offset+i])
		}
		return out
	}
	type ab struct{ A, B []float64 }
	adapters := map[string]ab{}
	var scale float64
	if lc := m.LoRA(); lc != nil && lora != nil {
		scale = lc.Alpha / float64(lc.Rank)
		off := 0 // the tensors lie back to back in Trainable(), in list order
		for _, nt := range m.LoRATensors() {
			key := strings.TrimSuffix(strings.TrimSuffix(nt.Name, ".lora_A.weight"), ".lora_B.weight")
			key = strings.TrimPrefix(key, "base_model.model.")
			e := adapters[key]
			if strings.HasSuffix(nt.Name, "lora_A.weight") {
				e.A = lora[off : off+len(nt.Data)]
			} else {
				e.B = lora[off : off+len(nt.Data)]
			}
			adapters[key] = e
			off += len(nt.Data)
		}
	}
	lin := func(module string, h []float64, bias bool) []float64 {
		var b []float64
		if bias {
			b = w(module + ".bias")
		}
		y := qwen2.RefLinear(w(module+".weight"), b, h)
		if a, ok := adapters[module]; ok {
			xa := qwen2.RefLinear(a.A, nil, h)
			d := qwen2.RefLinear(a.B, nil, xa)
			for i := range y {
				y[i] += scale * d[i]
			}
		}
		return y
	}
	T := len(s.Tokens) - 1
	H, hd := cfg.HiddenSize, cfg.HeadDim
	nh, nkv := cfg.NumAttentionHeads, cfg.NumKeyValueHeads
	eps := cfg.RMSNormEps
	embed := w("model.embed_tokens.weight")
	x := make([][]float64, T)
	for p := 0; p < T; p++ {
		id := s.Tokens[p]
		x[p] = append([]float64(nil), embed[id*H:(id+1)*H]...)
	}
	for l := 0; l < cfg.NumHiddenLayers; l++ {
		n := func(s string) string { return fmt.Sprintf("model.layers.%d.%s", l, s) }
		q, k, v := make([][]float64, T), make([][]float64, T), make([][]float64, T)
		for p := 0; p < T; p++ {
			h := qwen2.RefRMSNorm(x[p], w(n("input_layernorm.weight")), eps)
			q[p] = lin(n("self_attn.q_proj"), h, true)
			k[p] = lin(n("self_attn.k_proj"), h, true)
			v[p] = lin(n("self_attn.v_proj"), h, true)
			for i := 0; i < nh; i++ {
				qwen2.RefRoPE(q[p][i*hd:(i+1)*hd], p, cfg.RopeTheta)
			}
			for i := 0; i < nkv; i++ {
				qwen2.RefRoPE(k[p][i*hd:(i+1)*hd], p, cfg.RopeTheta)
			}
		}
		for p := 0; p < T; p++ {
			att := make([]float64, nh*hd)
			for i := 0; i < nh; i++ {
				j := i / (nh / nkv)
				sc := make([]float64, p+1)
				for s := 0; s <= p; s++ {
					for d := 0; d < hd; d++ {
						sc[s] += q[p][i*hd+d] * k[s][j*hd+d]
					}
					sc[s] /= math.Sqrt(float64(hd))
				}
				lse := logSumExp64(sc)
				for s := 0; s <= p; s++ {
					pr := math.Exp(sc[s] - lse)
					for d := 0; d < hd; d++ {
						att[i*hd+d] += pr * v[s][j*hd+d]
					}
				}
			}
			o := lin(n("self_attn.o_proj"), att, false)
			for i := range o {
				x[p][i] += o[i]
			}
			h := qwen2.RefRMSNorm(x[p], w(n("post_attention_layernorm.weight")), eps)
			g, u := lin(n("mlp.gate_proj"), h, false), lin(n("mlp.up_proj"), h, false)
			for i := range g {
				g[i] = g[i] / (1 + math.Exp(-g[i])) * u[i]
			}
			d := lin(n("mlp.down_proj"), g, false)
			for i := range d {
				x[p][i] += d[i]
			}
		}
	}
	head := "lm_head.weight"
	if cfg.TieWordEmbeddings {
		head = "model.embed_tokens.weight"
	}
	W, norm := w(head), w("model.norm.weight")
	var out []float64
	for p := s.Start - 1; p < T; p++ {
		logits := qwen2.RefLinear(W, nil, qwen2.RefRMSNorm(x[p], norm, eps))
		out = append(out, logits[s.Tokens[p+1]]-logSumExp64(logits))
	}
	return out
}

func logSumExp64(x []float64) float64 {
	mx := math.Inf(-1)
	for _, v := range x {
		mx = math.Max(mx, v)
	}
	s := 0.0
	for _, v := range x {
		s += math.Exp(v - mx)
	}
	return mx + math.Log(s)
}

// BenchmarkTrainStep is one GRPO-shaped training step on the Qwen2.5-0.5B
// shape (random F32 weights, 2 threads): TrainForward + Backward over 2
// sequences of 64 prompt + 64 completion tokens (254 fed rows, 128 scored).
//
// FLOPs as Config.TrainFLOPs counts them. engine/train's BenchmarkGRPOStep
// measures a whole optimizer step of rl-swarm's shape.
func BenchmarkTrainStep(b *testing.B) {
	skipShort(b)
	m := benchModel(b, qwen2.F32)
	cfg := m.Config
	const prompt, completion = 64, 64
	seqs := make([]qwen2.Sequence, 2)
	var lens []int
	for i := range seqs {
		toks := make([]int, prompt+completion)
		for j := range toks {
			toks[j] = (j*7919 + i*104729 + 3) % cfg.VocabSize
		}
		seqs[i] = qwen2.Sequence{Tokens: toks, Start: prompt}
		lens = append(lens, len(toks))
	}
	dlogp := randCoefs(seqs, 1)
	grad := make([]float32, len(m.Trainable()))
	flops := cfg.TrainFLOPs(seqs)
	N := 0.0
	for _, s := range seqs {
		N += float64(len(s.Tokens) - 1)
	}
	step := func() {
		tape, _, err := m.TrainForward(seqs)
		if err != nil {
			b.Fatal(err)
		}
		if err := tape.Backward(dlogp, grad); err != nil {
			b.Fatal(err)
		}
	}
	step() // warm up: page in the weights and the gradient buffer
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuSeconds()
	for i := 0; i < b.N; i++ {
		step()
	}
	sec := time.Since(start).Seconds() / float64(b.N)
	b.StopTimer()
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(N/sec, "tok/s")
	b.ReportMetric(flops/sec/1e9, "GFLOP/s")
	if c := cpuSeconds() - cpu0; c > 0 {
		b.ReportMetric(flops*float64(b.N)/c/1e9, "GFLOP/cpu-s")
	}
	b.ReportMetric(float64(qwen2.TapeBytes(cfg, lens))/(1<<20), "tape-MiB")
	b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(b.N)/(1<<20), "alloc-MiB/step")
	b.ReportMetric(peakRSSMiB(), "peakRSS-MiB")
}
