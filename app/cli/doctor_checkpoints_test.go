package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// doctor lists each model's checkpoint folder with its newest step, its size and an interrupted
// write left behind, and the free space of the data disk.
func TestDoctorReportsCheckpoints(t *testing.T) {
	home := t.TempDir()
	getenv := func(k string) string {
		if k == "SWARMDESK_HOME" {
			return home
		}
		return ""
	}
	run := func() string {
		var out bytes.Buffer
		if code := Execute(Options{Stdout: &out, Stderr: &out, Getenv: getenv}, []string{"doctor"}); code != 0 {
			t.Fatalf("doctor exit %d: %s", code, out.String())
		}
		return out.String()
	}
	if s := run(); !strings.Contains(s, "Checkpoints and disk") || !strings.Contains(s, "no checkpoints yet") {
		t.Fatalf("without checkpoints:\n%s", s)
	}
	data := filepath.Join(home, "data") // SWARMDESK_HOME's data folder
	ck := filepath.Join(data, "node", "checkpoints", "Qwen_Qwen2.5-0.5B-Instruct")
	for _, f := range []struct {
		path string
		size int
	}{{"latest", 15}, {"step-000000007/model.safetensors", 2_000_000}, {".tmp-step-000000008-1/model.safetensors", 1_000_000}} {
		p := filepath.Join(ck, f.path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		b := make([]byte, f.size)
		if f.path == "latest" {
			b = []byte("step-000000007\n")
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := run()
	for _, want := range []string{"Qwen_Qwen2.5-0.5B-Instruct: newest step-000000007, 0.00 GB on disk (1 interrupted write(s)", "free on the data disk"} {
		if !strings.Contains(s, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, s)
		}
	}
}
