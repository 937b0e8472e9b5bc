package train

import (
	"math"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
)

// Config.Tape on the CPU: auto keeps the f32 tape, bf16 is an opt-in
// whose step has the same loss bit for bit (the forward pass does not
// change) and a gradient norm within bf16's rounding (see engine/qwen2's
// tapedtype_test.go for the bound), and whose plan counts the bf16 tape
// and says so. (On a device, auto is bf16: engine/vulkan's tests and the
// conformance package's RunBF16Tape.)
func TestTapeModes(t *testing.T) {
	groups := []Group{{Prompt: []int{1, 2, 3}, Answers: []Answer{
		{Tokens: []int{4, 5, 6, 7}, LogProbs: []float32{-3, -3, -3, -3}, Reward: 1},
		{Tokens: []int{8, 9}, LogProbs: []float32{-2, -2}, Reward: 0},
	}}}
	var f32 StepStats
	for _, v := range []struct {
		mode TapeMode
		want backend.DType
	}{{TapeAuto, backend.F32}, {TapeF32, backend.F32}, {TapeBF16, backend.BF16}} {
		m := tinyModel(t, testmodel.Default(), 4)
		tr, err := New(m, nil, Config{Optim: DefaultOptimConfig(), Tape: v.mode})
		if err != nil {
			t.Fatal(err)
		}
		if got := m.TapeDType(); got != v.want {
			t.Fatalf("Tape %q on the CPU: the model keeps a %v tape, want %v", v.mode, got, v.want)
		}
		st, err := tr.Step(groups)
		if err != nil {
			t.Fatal(err)
		}
		lens := []int{7, 5}
		if st.Memory.Tape != v.want || st.Memory.Activations != qwen2.TapeBytesAs(m.Config, lens, v.want) {
			t.Fatalf("Tape %q: plan counts %d bytes of %v activations, want %d of %v",
				v.mode, st.Memory.Activations, st.Memory.Tape, qwen2.TapeBytesAs(m.Config, lens, v.want), v.want)
		}
		if s := st.Memory.String(); !strings.Contains(s, "("+v.want.String()+")") {
			t.Fatalf("Tape %q: the plan %q does not name the tape type", v.mode, s)
		}
		switch v.want {
		case backend.F32:
			f32 = st
		default:
			if st.Loss != f32.Loss {
				t.Fatalf("loss %v with the bf16 tape, %v with f32: the forward pass must not change", st.Loss, f32.Loss)
			}
			if d := math.Abs(st.GradNorm-f32.GradNorm) / f32.GradNorm; d > 1.0/32 || d == 0 {
				t.Fatalf("gradient norm %v with the bf16 tape, %v with f32 (%.3g apart; want rounded, within conformance.BF16TapeTol = 16·2⁻⁹)", st.GradNorm, f32.GradNorm, d)
			}
		}
	}
	if _, err := New(tinyModel(t, testmodel.Default(), 4), nil, Config{Tape: "fp8"}); err == nil || !strings.Contains(err.Error(), `"bf16"`) {
		t.Fatalf("Tape fp8: %v, want an error listing the choices", err)
	}
}
