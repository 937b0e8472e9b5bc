package qwen2_test

import (
	"math"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/conformance"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
)

// A bf16 tape (Model.SetTapeDType) keeps x, qkv, att, xmid and gate|up of
// every block rounded to bf16 and computes in float32 as before. Gradients
// are compared tensor by tensor with conformance.RelL2 against
// conformance.BF16TapeTol, whose doc gives the tolerance and why.

// TestBF16TapeGradients: the same forward (bit-identical log-probs), and
// gradients within conformance.BF16TapeTol of the f32 tape's, tensor by
// tensor, for a full fine-tune (tied and untied head) and for LoRA
// adapters.
func TestBF16TapeGradients(t *testing.T) {
	for _, v := range []struct {
		name   string
		untied bool
		lora   bool
	}{{"tied", false, false}, {"untied", true, false}, {"lora", true, true}} {
		t.Run(v.name, func(t *testing.T) {
			cfg := trainTiny
			cfg.Untied = v.untied
			m := loadTiny(t, cfg, qwen2.F32)
			if v.lora {
				if err := m.EnableLoRA(qwen2.LoRAConfig{Rank: 4, Alpha: 8}); err != nil {
					t.Fatal(err)
				}
				for i := range m.Trainable() { // B = 0 would leave A's gradient zero
					m.Trainable()[i] = float32(math.Sin(float64(i))) / 20
				}
			}
			if m.TapeDType() != backend.F32 {
				t.Fatalf("default tape type %v, want f32", m.TapeDType())
			}
			seqs := trainSeqs(m.Config.VocabSize)
			c := randCoefs(seqs, 3)
			g32, lp32 := gradOf(t, m, seqs, c)
			if err := m.SetTapeDType(backend.BF16); err != nil {
				t.Fatal(err)
			}
			g16, lp16 := gradOf(t, m, seqs, c)
			for i := range lp32 {
				for j := range lp32[i] {
					if lp16[i][j] != lp32[i][j] {
						t.Fatalf("seq %d token %d: log-prob %v with the bf16 tape, %v with f32: the forward pass must not change", i, j, lp16[i][j], lp32[i][j])
					}
				}
			}
			type span struct {
				name   string
				lo, hi int
			}
			var spans []span
			if v.lora {
				off := 0
				for _, nt := range m.LoRATensors() {
					spans = append(spans, span{nt.Name, off, off + len(nt.Data)})
					off += len(nt.Data)
				}
			} else {
				for _, ti := range m.Params.Tensors {
					spans = append(spans, span{ti.Name, ti.Offset, ti.Offset + ti.Size})
				}
			}
			worst := 0.0
			for _, s := range spans {
				d := conformance.RelL2(g16[s.lo:s.hi], g32[s.lo:s.hi])
				worst = max(worst, d)
				head := s.name == "model.norm.weight" || s.name == "lm_head.weight"
				switch {
				case d > conformance.BF16TapeTol:
					t.Errorf("gradient of %s: %.3g from the f32 tape's (bound %.3g)", s.name, d, conformance.BF16TapeTol)
				case head && d != 0:
					t.Errorf("gradient of %s: %.3g from the f32 tape's; it reads no rounded value", s.name, d)
				}
			}
			if worst == 0 {
				t.Fatal("every gradient is the f32 tape's bit for bit: the tape was not rounded")
			}
			t.Logf("worst tensor %.3g from the f32 tape (%.1f u)", worst, worst*512)
			// Back to f32 in the same model (the arenas are reused): the
			// first run's bits again.
			if err := m.SetTapeDType(backend.F32); err != nil {
				t.Fatal(err)
			}
			if again, _ := gradOf(t, m, seqs, c); conformance.RelL2(again, g32) != 0 {
				t.Fatal("the f32 tape after a bf16 one gives other gradients")
			}
		})
	}
}

// TestBF16TapeFiniteDifferences: the bf16 tape's gradient against central
// differences of the float64 twin, tensor by tensor: the RMS error of 8
// sampled elements relative to the tensor's RMS gradient (rounding errors
// scale with the tensor's gradients, not with each sampled element), within
// conformance.BF16TapeTol.
func TestBF16TapeFiniteDifferences(t *testing.T) {
	m := loadTiny(t, withUntied(trainTiny), qwen2.F32)
	if err := m.SetTapeDType(backend.BF16); err != nil {
		t.Fatal(err)
	}
	seqs := trainSeqs(m.Config.VocabSize)
	c := randCoefs(seqs, 3)
	grad, _ := gradOf(t, m, seqs, c)
	sample := fdSample(m, 8)
	fds := finiteDiffs(toF64(m.Params.F32), func(th []float64) float64 { return refLoss(t, m, th, nil, seqs, c) }, sample)
	worst := 0.0
	for _, ti := range m.Params.Tensors {
		idx, fd := sample[ti.Name], fds[ti.Name]
		var e2, g2 float64
		for k, i := range idx {
			e2 += (float64(grad[i]) - fd[k]) * (float64(grad[i]) - fd[k])
		}
		for _, g := range grad[ti.Offset : ti.Offset+ti.Size] {
			g2 += float64(g) * float64(g)
		}
		d := math.Sqrt(e2/float64(len(idx))) / math.Sqrt(g2/float64(ti.Size))
		worst = max(worst, d)
		name := ti.Name
		if d > conformance.BF16TapeTol {
			t.Errorf("gradient of %s: %.3g from the float64 finite differences (bound %.3g)", name, d, conformance.BF16TapeTol)
		}
	}
	t.Logf("worst tensor %.3g from the float64 reference (%.1f u)", worst, worst*512)
}

func TestSetTapeDTypeErrors(t *testing.T) {
	m := loadTiny(t, trainTiny, qwen2.F32)
	err := m.SetTapeDType(backend.F16)
	if err == nil || !strings.Contains(err.Error(), "f32 or bf16") {
		t.Fatalf("SetTapeDType(F16): %v, want an error naming f32 and bf16", err)
	}
	if m.TapeDType() != backend.F32 {
		t.Fatalf("a refused type changed the tape type to %v", m.TapeDType())
	}
}

// TestBF16TapeBytesQwen05B: on Qwen2.5-0.5B's shape the bf16 tape's kept
// activations take exactly half the f32 tape's bytes; with one layer's
// float32 working rows and the (unchanged) backward scratch, a GRPO-sized
// micro-batch's whole tape is under 60 % of the f32 one's.
func TestBF16TapeBytesQwen05B(t *testing.T) {
	cfg := testmodel.Qwen05B
	H, Q, KV, F, L := cfg.HiddenSize, cfg.QDim(), cfg.KVDim(), cfg.IntermediateSize, cfg.NumHiddenLayers
	rounded := int64(H + Q + 2*KV + Q + H + 2*F) // x, qkv, att, xmid, gu per row and layer
	for _, lens := range [][]int{{352}, {352, 352, 352, 352}, {352, 352, 352, 352, 352, 352, 352, 352}, {128, 97}} {
		N := int64(0)
		for _, n := range lens {
			N += int64(n - 1)
		}
		f32, bf16 := qwen2.TapeBytes(cfg, lens), qwen2.TapeBytesAs(cfg, lens, backend.BF16)
		// Kept: 4 → 2 bytes for L layers; added: the working rows and the
		// second residual stream buffer in float32.
		if want := 2*int64(L)*N*rounded - 4*N*(rounded+int64(H)); f32-bf16 != want {
			t.Errorf("%v: the bf16 tape saves %d bytes, want %d", lens, f32-bf16, want)
		}
		r := float64(bf16) / float64(f32)
		t.Logf("%v: f32 tape %.1f MiB, bf16 %.1f MiB (%.2f)", lens, float64(f32)/(1<<20), float64(bf16)/(1<<20), r)
		if r > 0.6 {
			t.Errorf("%v: a bf16 tape is %.2f of an f32 one, want under 0.6", lens, r)
		}
	}
}
