package qwen2_test

import (
	"fmt"
	"slices"
	"strings"
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

func TestDeviceBackendRefusesTraining(t *testing.T) {
	m := loadTiny(t, testmodel.Tiny{}, qwen2.F32)
	if err := m.UseBackend(offHost{Backend: host.New()}); err != nil {
		t.Fatal(err)
	}
	toks := testTokens(5, m.Config.VocabSize)
	_, _, err := m.TrainForward([]qwen2.Sequence{{Tokens: toks, Start: 1}})
	if err == nil || !strings.Contains(err.Error(), "engine.device = cpu") {
		t.Fatalf("training on a device backend: %v; want a refusal saying how to train", err)
	}
	// Back on the CPU it trains.
	if err := m.UseBackend(host.New()); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.TrainForward([]qwen2.Sequence{{Tokens: toks, Start: 1}}); err != nil {
		t.Fatal(fmt.Errorf("after moving back to the CPU: %w", err))
	}
}
