package cli

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var stepLine = regexp.MustCompile(`(?m)^step +(\d+)/(\d+) +reward ([0-9.]+) +answer-loss ([0-9.]+) `)

func TestTrainDemo(t *testing.T) {
	e := sandbox(t)
	args := []string{"train-demo", "--steps", "4", "--questions", "2", "--answers", "3"}
	out, errs, code := run(t, e, nil, "", args...)
	if code != 0 {
		t.Fatalf("train-demo: %d %q", code, errs)
	}
	steps := stepLine.FindAllStringSubmatch(out, -1)
	if len(steps) != 4 || steps[0][1] != "1" || steps[3][1] != "4" {
		t.Fatalf("want steps 1..4, got:\n%s", out)
	}
	if !strings.Contains(out, "mean reward: first steps") || !strings.Contains(errs, "memory for a step:") || !strings.Contains(errs, "checkpoints in") {
		t.Fatalf("missing summary or memory plan:\nstdout %s\nstderr %s", out, errs)
	}
	// Done already: nothing to do, says how to go on.
	out, _, code = run(t, e, nil, "", args...)
	if code != 0 || !strings.Contains(out, "already trained") || stepLine.MatchString(out) {
		t.Fatalf("second run: %d\n%s", code, out)
	}
	// More steps continue from the checkpoint.
	out, _, code = run(t, e, nil, "", "train-demo", "--steps", "6", "--questions", "2", "--answers", "3")
	steps = stepLine.FindAllStringSubmatch(out, -1)
	if code != 0 || len(steps) != 2 || steps[0][1] != "5" || steps[1][1] != "6" {
		t.Fatalf("continued run: %d\n%s", code, out)
	}
	// --fresh starts over.
	out, _, code = run(t, e, nil, "", append(args, "--fresh")...)
	if steps = stepLine.FindAllStringSubmatch(out, -1); code != 0 || len(steps) != 4 || steps[0][1] != "1" {
		t.Fatalf("fresh run: %d\n%s", code, out)
	}
	// A different run in the same folder is refused.
	_, errs, code = run(t, e, nil, "", "train-demo", "--steps", "6", "--questions", "2", "--answers", "3", "--seed", "9")
	if code == 0 || !strings.Contains(errs, "another run") {
		t.Fatalf("other seed on the same checkpoints: %d %q", code, errs)
	}
}

func TestTrainDemoBadInput(t *testing.T) {
	e := sandbox(t, "HF_HUB_OFFLINE", "1")
	base := []string{"train-demo", "--steps", "2", "--questions", "1", "--answers", "2"}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{append(base, "--model", t.TempDir()), "config.json"},
		{append(base, "--lr", "-1"), "learning rate"},
		{append([]string{"--set", "resources.memory_limit_mb=1"}, base...), "memory_limit_mb"},
	} {
		_, errs, code := run(t, e, nil, "", tt.args...)
		if code == 0 || !strings.Contains(errs, tt.want) {
			t.Errorf("%v: code %d, stderr %q (want it to mention %q)", tt.args, code, errs, tt.want)
		}
	}
}

// TestMain lets a test start the CLI as a real child process (to kill it).
func TestMain(m *testing.M) {
	if os.Getenv("SWARMDESK_TEST_CLI_CHILD") == "1" {
		os.Exit(Execute(Options{}, os.Args[1:]))
	}
	os.Exit(m.Run())
}

// A training run killed with SIGKILL mid-run and started again ends with
// the same weights, byte for byte, as a run that was never interrupted.
func TestTrainDemoKillAndResume(t *testing.T) {
	home := t.TempDir()
	args := []string{"train-demo", "--steps", "12", "--questions", "4", "--answers", "4"}
	straight := filepath.Join(t.TempDir(), "straight")
	resumed := filepath.Join(t.TempDir(), "resumed")
	e := map[string]string{"SWARMDESK_HOME": home}
	if _, errs, code := run(t, e, nil, "", append(args, "--checkpoint", straight)...); code != 0 {
		t.Fatalf("straight run: %q", errs)
	}

	child := exec.Command(os.Args[0], append(args, "--checkpoint", resumed)...)
	child.Env = append(os.Environ(), "SWARMDESK_TEST_CLI_CHILD=1", "SWARMDESK_HOME="+home)
	stdout, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	child.Stderr = &stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	killedAt := ""
	for sc.Scan() {
		if m := stepLine.FindStringSubmatch(sc.Text()); m != nil && m[1] == "3" {
			_ = child.Process.Kill()
			killedAt = m[1]
			break
		}
	}
	_ = child.Wait()
	if killedAt == "" {
		t.Fatalf("the child never reported step 3: %s", stderr.String())
	}

	out, errs, code := run(t, e, nil, "", append(args, "--checkpoint", resumed)...)
	if code != 0 {
		t.Fatalf("resumed run: %q", errs)
	}
	steps := stepLine.FindAllStringSubmatch(out, -1)
	if len(steps) == 0 || steps[len(steps)-1][1] != "12" || steps[0][1] == "1" {
		t.Fatalf("the resumed run should continue after step 3 and end at 12:\n%s", out)
	}
	a, b := latestWeights(t, straight), latestWeights(t, resumed)
	if !bytes.Equal(a, b) {
		t.Fatalf("weights after kill-and-resume differ from the uninterrupted run (%d vs %d bytes)", len(a), len(b))
	}
}

// latestWeights reads model.safetensors of the newest checkpoint in dir.
func latestWeights(t *testing.T, dir string) []byte {
	t.Helper()
	name, err := os.ReadFile(filepath.Join(dir, "latest"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, strings.TrimSpace(string(name)), "model.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
