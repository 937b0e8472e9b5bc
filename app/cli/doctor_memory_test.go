package cli

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/testmodel"
)

// doctor shows the memory plan of a model on this computer from its config.json, and what to
// do when the model is not there yet.
func TestDoctorMemoryPlan(t *testing.T) {
	model := filepath.Join(t.TempDir(), "model")
	if err := testmodel.Write(model, testmodel.Tiny{Vocab: 512, MaxPos: 1024}, 1); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"fits", []string{"--set", "model.name=" + model, "--set", "resources.memory_limit_mb=4000"},
			[]string{"Memory plan", "limit       3.91 GiB (resources.memory_limit_mb = 4000)", "trains      the full model",
				"why         training the full model: it needs", "compare     full model", "checkpoints "}},
		{"lora", []string{"--set", "model.name=" + model, "--set", "training.mode=lora", "--set", "training.lora_rank=4"},
			[]string{"trains      LoRA adapters of rank 4", "training.mode = lora, training.lora_rank = 4", "-lora4"}},
		{"too small", []string{"--set", "model.name=" + model, "--set", "resources.memory_limit_mb=100"},
			[]string{"problem: the model does not fit the memory limit: even answering without training needs"}},
		{"not downloaded", []string{"--set", "model.name=" + filepath.Join(t.TempDir(), "missing")},
			[]string{"problem: the model"}},
	}
	for _, tc := range cases {
		var out bytes.Buffer
		home := t.TempDir()
		code := Execute(Options{Stdout: &out, Stderr: &out, Getenv: func(k string) string {
			switch k {
			case "SWARMDESK_HOME":
				return home
			case "HF_HUB_OFFLINE":
				return "1"
			}
			return ""
		}}, append([]string{"doctor"}, tc.args...))
		if code != 0 {
			t.Fatalf("%s: doctor exit %d: %s", tc.name, code, out.String())
		}
		for _, w := range tc.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%s: doctor output lacks %q:\n%s", tc.name, w, out.String())
			}
		}
	}
}
