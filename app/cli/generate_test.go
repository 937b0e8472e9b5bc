package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/testmodel"
)

func TestGenerateTinyModel(t *testing.T) {
	dir := t.TempDir()
	if err := testmodel.Write(dir, testmodel.Default(), 7); err != nil {
		t.Fatal(err)
	}
	e := sandbox(t, "HF_HUB_OFFLINE", "1")
	args := []string{"generate", "--model", dir, "--prompt", "What is 2+2?", "-n", "3", "--max-new", "6", "--seed", "42"}
	out1, errs, code := run(t, e, nil, "", args...)
	if code != 0 {
		t.Fatalf("generate: %d %q", code, errs)
	}
	if got := strings.Count(out1, "--- answer "); got != 3 {
		t.Fatalf("want 3 answers, got %d:\n%s", got, out1)
	}
	if !strings.Contains(errs, "tok/s") {
		t.Fatalf("no speed report on stderr: %q", errs)
	}
	out2, _, _ := run(t, e, nil, "", args...)
	if out1 != out2 {
		t.Fatalf("same seed, different answers:\n%s\n---\n%s", out1, out2)
	}
	for _, dt := range []string{"f32", "bf16"} {
		if _, errs, code := run(t, e, nil, "", "generate", "--model", dir, "--prompt", "hi", "--max-new", "3", "--dtype", dt); code != 0 {
			t.Fatalf("--dtype %s: %q", dt, errs)
		}
	}
}

func TestGenerateBadInput(t *testing.T) {
	e := sandbox(t, "HF_HUB_OFFLINE", "1")
	empty := t.TempDir()
	broken := t.TempDir()
	if err := testmodel.Write(broken, testmodel.Default(), 1); err != nil {
		t.Fatal(err)
	}
	st := filepath.Join(broken, "model.safetensors")
	b, _ := os.ReadFile(st)
	os.WriteFile(st, b[:len(b)/2], 0o644)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"folder without config", []string{"--model", empty, "--prompt", "x"}, "config.json"},
		{"truncated weights", []string{"--model", broken, "--prompt", "x"}, "model.safetensors"},
		{"not cached offline", []string{"--model", "Qwen/Qwen2.5-0.5B-Instruct", "--prompt", "x"}, "Qwen/Qwen2.5-0.5B-Instruct"},
		{"empty prompt", []string{"--model", broken, "--prompt", " "}, "--prompt"},
		{"bad dtype", []string{"--model", broken, "--prompt", "x", "--dtype", "int4"}, "bf16, f32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs, code := run(t, e, nil, "", append([]string{"generate"}, tt.args...)...)
			if code == 0 || !strings.Contains(errs, tt.want) {
				t.Fatalf("code %d, stderr %q, want it to mention %q", code, errs, tt.want)
			}
		})
	}
}
