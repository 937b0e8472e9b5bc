package train

import (
	"encoding/json"
	"math"
	"os/exec"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/testmodel"
)

// TestCheckpointReadsInPython hands a saved checkpoint to testdata/hfcheck.py,
// which reads it as Python tools do (the reference safetensors reader's
// validation, transformers' Qwen2ForCausalLM state-dict names and shapes
// for the config.json beside it) using only Python's standard library, and
// compares what Python read with the model's weights. Skipped where no
// python3 is installed.
func TestCheckpointReadsInPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	for _, c := range []testmodel.Tiny{{}, {Untied: true}} {
		m := ckptModel(t, c)
		opt := fakeTraining(t, m, 3, 5)
		path, err := Save(t.TempDir(), m, opt, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(py, "testdata/hfcheck.py", path).CombinedOutput()
		if err != nil {
			t.Fatalf("untied=%v: Python refuses the checkpoint: %v\n%s", c.Untied, err, out)
		}
		var got map[string][2]json.RawMessage
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("hfcheck output: %v\n%s", err, out)
		}
		if len(got) != len(m.Params.Tensors) {
			t.Fatalf("untied=%v: Python read %d tensors, the model has %d", c.Untied, len(got), len(m.Params.Tensors))
		}
		for _, ti := range m.Params.Tensors {
			r, ok := got[ti.Name]
			if !ok {
				t.Fatalf("Python did not read %s", ti.Name)
			}
			var sum float64
			if err := json.Unmarshal(r[1], &sum); err != nil {
				t.Fatalf("%s: %v (not stored as F32?)", ti.Name, err)
			}
			var want float64
			for _, v := range m.Params.F32View(ti.Name) {
				want += float64(v)
			}
			if math.Abs(sum-want) > 1e-9*(1+math.Abs(want)) {
				t.Errorf("%s: Python sums to %v, the model to %v", ti.Name, sum, want)
			}
		}
	}
}
