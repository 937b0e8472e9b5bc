package qwen2_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend/host"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
)

// offHost is the CPU backend dressed as a device: its Host field hides the
// zero-copy HostMemory method and it is not a *host.Backend, so a model on
// it takes the path a GPU backend gets (weights uploaded by UseBackend,
// logits downloaded, training refused). Its numbers must equal the CPU's.
type offHost struct {
	*host.Backend
	Host int
}

func TestDeviceBackendPathMatchesCPU(t *testing.T) {
	for _, wdt := range []qwen2.DType{qwen2.F32, qwen2.BF16} {
		t.Run(wdt.String(), func(t *testing.T) {
			cpuM := loadTiny(t, testmodel.Tiny{Layers: 2}, wdt)
			devM := loadTiny(t, testmodel.Tiny{Layers: 2}, wdt)
			if err := devM.UseBackend(offHost{Backend: host.New()}); err != nil {
				t.Fatal(err)
			}
			V := cpuM.Config.VocabSize
			prompt := testTokens(70, V) // more than one 64-row attention block
			opt := qwen2.GenerateOptions{N: 3, MaxNew: 6, Temperature: 0.9, TopK: 20, Seed: 5, StopIDs: []int{}}
			want, _, err := cpuM.Generate(prompt, opt)
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := devM.Generate(prompt, opt)
			if err != nil {
				t.Fatal(err)
			}
			for i := range want {
				if !slices.Equal(got[i].Tokens, want[i].Tokens) || !slices.Equal(got[i].LogProbs, want[i].LogProbs) {
					t.Fatalf("answer %d on the device path: %v %v; on the CPU %v %v", i, got[i].Tokens, got[i].LogProbs, want[i].Tokens, want[i].LogProbs)
				}
			}
			// Against the float64 reference, through a copied cache.
			c, err := devM.NewCache(len(prompt))
			if err != nil {
				t.Fatal(err)
			}
			logits, err := devM.PrefillAll(c, prompt)
			if err != nil {
				t.Fatal(err)
			}
			ref, err := devM.ReferenceLogits(prompt)
			if err != nil {
				t.Fatal(err)
			}
			tol := map[qwen2.DType]float64{qwen2.F32: 1e-5, qwen2.BF16: 2e-2}[wdt]
			for p := range prompt {
				if d := maxRelDiff(logits[p*V:(p+1)*V], ref[p]); d > tol {
					t.Fatalf("position %d differs from the float64 reference by %.3g", p, d)
				}
			}
			if _, err := c.Copy(4); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// A model on a device trains on the CPU (its host Params) and its next
// forward pass on the device sees the updated weights.
func TestDeviceBackendTrainsOnCPUAndResyncs(t *testing.T) {
	cpuM := loadTiny(t, testmodel.Tiny{}, qwen2.F32)
	devM := loadTiny(t, testmodel.Tiny{}, qwen2.F32)
	if err := devM.UseBackend(offHost{Backend: host.New()}); err != nil {
		t.Fatal(err)
	}
	toks := testTokens(9, devM.Config.VocabSize)
	seqs := []qwen2.Sequence{{Tokens: toks, Start: 2}}
	for _, m := range []*qwen2.Model{cpuM, devM} {
		tape, logp, err := m.TrainForward(seqs)
		if err != nil {
			t.Fatal(err)
		}
		dl := make([][]float32, 1)
		dl[0] = make([]float32, len(logp[0]))
		for i := range dl[0] {
			dl[0][i] = -1
		}
		grad := make([]float32, len(m.Trainable()))
		if err := tape.Backward(dl, grad); err != nil {
			t.Fatal(err)
		}
		for i, g := range grad { // one plain SGD step, in place
			m.Params.F32[i] -= 0.5 * g
		}
		m.WeightsChanged()
	}
	V := cpuM.Config.VocabSize
	want := prefillAll(t, cpuM, toks)
	got := prefillAll(t, devM, toks)
	if !slices.Equal(got, want) {
		t.Fatalf("after a training step the device logits differ from the CPU's (max rel %.3g)", maxRelDiff(got[:V], widen64(want[:V])))
	}
}

func prefillAll(t *testing.T, m *qwen2.Model, toks []int) []float32 {
	t.Helper()
	c, err := m.NewCache(len(toks))
	if err != nil {
		t.Fatal(err)
	}
	l, err := m.PrefillAll(c, toks)
	if err != nil {
		t.Fatal(fmt.Errorf("prefill: %w", err))
	}
	return slices.Clone(l)
}

func widen64(x []float32) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}
