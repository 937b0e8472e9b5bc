package qwen2_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/qwen2"
)

// loraSize is Σ over layers and targets of rank·(in+out).
func loraSize(cfg qwen2.Config, rank int, targets []string) int {
	H, Q, KV, F := cfg.HiddenSize, cfg.QDim(), cfg.KVDim(), cfg.IntermediateSize
	dims := map[string]int{"q": H + Q, "k": H + KV, "v": H + KV, "o": Q + H, "gate": H + F, "up": H + F, "down": F + H}
	n := 0
	for _, t := range targets {
		n += rank * dims[t]
	}
	return n * cfg.NumHiddenLayers
}

func TestEnableLoRALayout(t *testing.T) {
	all := []string{"q", "k", "v", "o", "gate", "up", "down"}
	for _, c := range []struct {
		targets []string
		want    []string
	}{
		{nil, all},
		{[]string{"v", "q"}, []string{"q", "v"}}, // canonical order
		{[]string{"down"}, []string{"down"}},
	} {
		t.Run(fmt.Sprint(c.targets), func(t *testing.T) {
			m := loadTiny(t, trainTiny, qwen2.F32)
			if m.LoRA() != nil || m.LoRATensors() != nil {
				t.Fatal("LoRA reported before EnableLoRA")
			}
			base := len(m.Trainable())
			if err := m.EnableLoRA(qwen2.LoRAConfig{Rank: 4, Alpha: 8, Targets: c.targets, Seed: 1}); err != nil {
				t.Fatal(err)
			}
			lc := m.LoRA()
			if lc == nil || lc.Rank != 4 || lc.Alpha != 8 || fmt.Sprint(lc.Targets) != fmt.Sprint(c.want) {
				t.Fatalf("LoRA() = %+v, want rank 4 alpha 8 targets %v", lc, c.want)
			}
			tr := m.Trainable()
			if want := loraSize(m.Config, 4, c.want); len(tr) != want || len(tr) == base {
				t.Fatalf("Trainable() has %d elements, want %d", len(tr), want)
			}
			ts := m.LoRATensors()
			if len(ts) != 2*len(c.want)*m.Config.NumHiddenLayers {
				t.Fatalf("%d adapter tensors, want %d", len(ts), 2*len(c.want)*m.Config.NumHiddenLayers)
			}
			// Views tile Trainable() in order, A ~ U(±1/√in) non-zero, B = 0.
			off := 0
			for _, nt := range ts {
				if !strings.HasPrefix(nt.Name, "base_model.model.model.layers.") {
					t.Fatalf("tensor name %q is not a PEFT name", nt.Name)
				}
				if nt.Shape[0]*nt.Shape[1] != len(nt.Data) {
					t.Fatalf("%s: shape %v for %d values", nt.Name, nt.Shape, len(nt.Data))
				}
				if &nt.Data[0] != &tr[off] {
					t.Fatalf("%s does not alias Trainable() at offset %d", nt.Name, off)
				}
				off += len(nt.Data)
				isA := strings.HasSuffix(nt.Name, ".lora_A.weight")
				in := nt.Shape[1]
				for _, v := range nt.Data {
					if isA && (v == 0 || math.Abs(float64(v)) > 1/math.Sqrt(float64(in))) {
						t.Fatalf("%s: value %v outside (0, 1/√%d]", nt.Name, v, in)
					}
					if !isA && v != 0 {
						t.Fatalf("%s: B must start at zero", nt.Name)
					}
				}
				if isA && nt.Shape[0] != 4 {
					t.Fatalf("%s: shape %v, want [rank, in]", nt.Name, nt.Shape)
				}
			}
			if off != len(tr) {
				t.Fatalf("tensors cover %d of %d trainable values", off, len(tr))
			}
			if ts[0].Name != "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight" && c.targets == nil {
				t.Fatalf("first tensor %q", ts[0].Name)
			}
		})
	}
}

// With B = 0 the adapted model is the base model, in training and inference.
func TestLoRAZeroBIsBaseModel(t *testing.T) {
	m := loadTiny(t, trainTiny, qwen2.F32)
	seqs := trainSeqs(m.Config.VocabSize)
	before, err := m.SequenceLogProbs(seqs)
	if err != nil {
		t.Fatal(err)
	}
	score0, _ := m.ScoreContinuation(seqs[0].Tokens[:seqs[0].Start], seqs[0].Tokens[seqs[0].Start:])
	if err := m.EnableLoRA(qwen2.LoRAConfig{Rank: 3, Alpha: 6, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	_, after, err := m.TrainForward(seqs)
	if err != nil {
		t.Fatal(err)
	}
	score1, _ := m.ScoreContinuation(seqs[0].Tokens[:seqs[0].Start], seqs[0].Tokens[seqs[0].Start:])
	for i := range before {
		for j := range before[i] {
			if before[i][j] != after[i][j] {
				t.Fatalf("seq %d token %d: %v with zero-B adapters, %v without", i, j, after[i][j], before[i][j])
			}
		}
	}
	for j := range score0 {
		if score0[j] != score1[j] {
			t.Fatalf("inference token %d: %v with zero-B adapters, %v without", j, score1[j], score0[j])
		}
	}
}

// TestLoRAGradientFiniteDifferences checks dA and dB against central
// differences of the float64 twin with adapters, first at B = 0 (dA must be
// exactly zero, dB not) and then with random B; and that the adapted
// inference path (KV-cache scoring) agrees with the training forward.
func TestLoRAGradientFiniteDifferences(t *testing.T) {
	m := loadTiny(t, trainTiny, qwen2.F32)
	seqs := trainSeqs(m.Config.VocabSize)
	c := randCoefs(seqs, 4)
	if err := m.EnableLoRA(qwen2.LoRAConfig{Rank: 2, Alpha: 3, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	base := toF64(m.Params.F32)
	grad, _ := gradOf(t, m, seqs, c)
	off := 0
	sawDB := false
	for _, nt := range m.LoRATensors() {
		for i := range nt.Data {
			g := grad[off+i]
			if strings.HasSuffix(nt.Name, "lora_A.weight") && g != 0 {
				t.Fatalf("%s: gradient %v with B = 0, want exactly 0", nt.Name, g)
			}
			sawDB = sawDB || (strings.HasSuffix(nt.Name, "lora_B.weight") && g != 0)
		}
		off += len(nt.Data)
	}
	if !sawDB {
		t.Fatal("no B gradient at B = 0")
	}

	r := rand.New(rand.NewPCG(5, 5))
	tr := m.Trainable()
	for _, nt := range m.LoRATensors() {
		if strings.HasSuffix(nt.Name, "lora_B.weight") {
			for i := range nt.Data {
				nt.Data[i] = float32(0.2 * r.NormFloat64())
			}
		}
	}
	grad, logp := gradOf(t, m, seqs, c)
	for i, s := range seqs {
		score, err := m.ScoreContinuation(s.Tokens[:s.Start], s.Tokens[s.Start:])
		if err != nil {
			t.Fatal(err)
		}
		for j := range score {
			if math.Abs(float64(score[j]-logp[i][j])) > 2e-5*(1+math.Abs(float64(score[j]))) {
				t.Fatalf("seq %d token %d: adapted inference %v, training forward %v", i, j, score[j], logp[i][j])
			}
		}
	}
	theta := toF64(tr)
	loss := func(th []float64) float64 { return refLoss(t, m, base, th, seqs, c) }
	sample := map[string][]int{}
	off = 0
	for _, nt := range m.LoRATensors() {
		idx := []int{off, off + len(nt.Data) - 1, off + r.IntN(len(nt.Data))}
		sample[nt.Name] = idx
		off += len(nt.Data)
	}
	checkFD(t, grad, theta, loss, sample)
}

func TestLoRAErrors(t *testing.T) {
	m := loadTiny(t, trainTiny, qwen2.F32)
	for _, c := range []struct {
		cfg  qwen2.LoRAConfig
		want string
	}{
		{qwen2.LoRAConfig{Rank: 0, Alpha: 1}, "rank"},
		{qwen2.LoRAConfig{Rank: 1 << 20, Alpha: 1}, "rank"},
		{qwen2.LoRAConfig{Rank: 2, Alpha: 0}, "alpha"},
		{qwen2.LoRAConfig{Rank: 2, Alpha: math.NaN()}, "alpha"},
		{qwen2.LoRAConfig{Rank: 2, Alpha: 1, Targets: []string{"q", "qkv"}}, "unknown target"},
		{qwen2.LoRAConfig{Rank: 2, Alpha: 1, Targets: []string{"q", "q"}}, "twice"},
	} {
		if err := m.EnableLoRA(c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Fatalf("EnableLoRA(%+v): err %v, want %q", c.cfg, err, c.want)
		}
		if m.LoRA() != nil {
			t.Fatal("a refused EnableLoRA left adapters behind")
		}
	}
	seqs := trainSeqs(m.Config.VocabSize)
	tape, _, err := m.TrainForward(seqs)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.EnableLoRA(qwen2.LoRAConfig{Rank: 2, Alpha: 1}); err != nil {
		t.Fatal(err)
	}
	if err := tape.Backward(randCoefs(seqs, 1), make([]float32, len(m.Trainable()))); err == nil || !strings.Contains(err.Error(), "LoRA") {
		t.Fatalf("Backward of a pre-LoRA tape: err %v, want a LoRA error", err)
	}
	if err := m.EnableLoRA(qwen2.LoRAConfig{Rank: 2, Alpha: 1}); err == nil || !strings.Contains(err.Error(), "already") {
		t.Fatalf("second EnableLoRA: err %v", err)
	}
	m16 := loadTiny(t, trainTiny, qwen2.BF16)
	if err := m16.EnableLoRA(qwen2.LoRAConfig{Rank: 2, Alpha: 1}); err == nil || !strings.Contains(err.Error(), "F32") {
		t.Fatalf("EnableLoRA on BF16: err %v, want the F32 hint", err)
	}
}

// A few SGD steps on the adapters alone lower the loss and leave the base
// weights untouched.
func TestLoRASGDLowersLoss(t *testing.T) {
	m := loadTiny(t, trainTiny, qwen2.F32)
	seqs := trainSeqs(m.Config.VocabSize)
	base := append([]float32(nil), m.Params.F32...)
	if err := m.EnableLoRA(qwen2.LoRAConfig{Rank: 4, Alpha: 8, Seed: 4}); err != nil {
		t.Fatal(err)
	}
	minus := randCoefs(seqs, 0)
	for i := range minus {
		for j := range minus[i] {
			minus[i][j] = -1
		}
	}
	nll := func() float64 {
		lp, err := m.SequenceLogProbs(seqs)
		if err != nil {
			t.Fatal(err)
		}
		s := 0.0
		for _, row := range lp {
			for _, v := range row {
				s -= float64(v)
			}
		}
		return s
	}
	first := nll()
	for step := 0; step < 10; step++ {
		g, _ := gradOf(t, m, seqs, minus)
		for i, v := range g {
			m.Trainable()[i] -= 0.05 * v
		}
	}
	last := nll()
	t.Logf("NLL %.3f -> %.3f", first, last)
	if !(last < 0.8*first) {
		t.Fatalf("LoRA SGD: NLL %.3f -> %.3f, want a clear decrease", first, last)
	}
	for i, v := range m.Params.F32 {
		if v != base[i] {
			t.Fatalf("base parameter %d changed under LoRA training", i)
		}
	}
}
