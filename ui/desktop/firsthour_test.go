package desktop_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFirstHour walks what a new user lives through on a fresh computer with no internet: the
// real app, built from this tree, opens on a virtual X display from an empty home folder, and
// the test clicks through it as a person would — welcome → "Try it locally" → "Keep this
// identity" → the node starts → the dashboard. Nothing is downloaded (the Hugging Face endpoint
// points at a closed port): the node trains the built-in demo model, rounds complete, and the
// test waits until a round's reward rises above the first round's. A screenshot of each step
// is kept in test-output/first-hour/ (01-welcome.png … 06-charts.png, then the model chooser
// and what it says with no internet, 07 and 08; not committed).
//
// Buttons are tapped through the app's test hook (desktop.DumpEnv's tap file), which taps the
// real widget the way a click does. On CI a missing Xvfb is a failure, not a skip.
func TestFirstHour(t *testing.T) {
	root, tmp, bin, xvfb := windowTestSetup(t, "Xvfb")
	outDir := filepath.Join(root, "test-output", "first-hour")
	os.RemoveAll(outDir)
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		t.Fatal(err)
	}

	// A virtual display; -displayfd picks a free display number and writes it to us.
	r, w, _ := os.Pipe()
	x := exec.Command(xvfb, "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { x.Process.Kill(); x.Wait() }()
	w.Close()
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		t.Fatalf("Xvfb did not report its display: %v", err)
	}
	display := ":" + strings.TrimSpace(line)

	home := filepath.Join(tmp, "home") // empty: no config, no keys, no models, no caches
	os.MkdirAll(home, 0o700)
	dump := filepath.Join(tmp, "dump")
	app := exec.Command(bin)
	app.Env = append(appEnv(cleanEnv(), filepath.Join(home, "swarmdesk"), tmp, "first hour"), // a computer without a keychain
		"DISPLAY="+display, "HOME="+home,
		"HF_ENDPOINT=http://127.0.0.1:9", // no internet: nothing answers there
		"SWARMDESK_UI_DUMP="+dump)
	var log strings.Builder
	app.Stdout, app.Stderr = &log, &log
	app.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- app.Wait() }()
	defer func() {
		syscall.Kill(-app.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			syscall.Kill(-app.Process.Pid, syscall.SIGKILL)
		}
	}()

	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("%s\nthe window shows: %q\napp log:\n%s", fmt.Sprintf(format, args...), texts(dump), tail(log.String()))
	}
	waitFor := func(what string, limit time.Duration, ok func([]string) bool) {
		t.Helper()
		deadline := time.Now().Add(limit)
		for time.Now().Before(deadline) {
			select {
			case err := <-exited:
				fail("the app exited (%v) while waiting for %s", err, what)
			default:
			}
			if ok(texts(dump)) {
				time.Sleep(700 * time.Millisecond) // let the window draw it
				return
			}
			time.Sleep(250 * time.Millisecond)
		}
		fail("waited %v for %s", limit, what)
	}
	shows := func(words ...string) func([]string) bool {
		return func(got []string) bool {
			for _, w := range words {
				if !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, w) }) {
					return false
				}
			}
			return true
		}
	}
	shot := func(name string) {
		t.Helper()
		path := filepath.Join(outDir, name)
		cmd := exec.Command("import", "-display", display, "-window", "root", path)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("screenshot %s: %v\n%s", name, err, out)
		}
		checkScreenshot(t, path)
	}
	tap := func(label string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dump, "tap"), []byte(label), 0o644); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			if _, err := os.Stat(filepath.Join(dump, "tap")); os.IsNotExist(err) {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		fail("no enabled button %q to tap", label)
	}

	start := time.Now()
	waitFor("the welcome", 60*time.Second, shows("Welcome to swarmdesk", "Try it locally"))
	shot("01-welcome.png")
	tap("Try it locally")
	waitFor("the identity step", 30*time.Second, shows("Your identity", "Keep this identity"))
	shot("02-identity.png")
	tap("Keep this identity")
	waitFor("the start step", 30*time.Second, shows("Starting swarmdesk on this computer"))
	shot("03-starting.png")
	waitFor("the dashboard", 3*time.Minute, shows("demo model", "Training on"))
	shot("04-dashboard.png")
	t.Logf("welcome → dashboard in %v", time.Since(start).Round(time.Second))

	// Rounds complete, and the reward rises above the first round's.
	rounds := filepath.Join(home, "swarmdesk", "data", "node", "rounds.jsonl")
	var rewards []float64
	deadline := time.Now().Add(3 * time.Minute)
	for {
		rewards = readRewards(rounds)
		if len(rewards) >= 3 && slices.Max(rewards[1:]) > rewards[0] {
			break
		}
		if time.Now().After(deadline) {
			fail("after %v the rewards by round are %.3f: no round beat the first", time.Since(start).Round(time.Second), rewards)
		}
		time.Sleep(time.Second)
	}
	t.Logf("rewards by round after %v: %.3f", time.Since(start).Round(time.Second), rewards)
	waitFor("a finished round on the dashboard", 30*time.Second, shows(": reward "))
	shot("05-dashboard-rounds.png")
	tap("Charts")
	time.Sleep(2 * time.Second)
	shot("06-charts.png")
	if out := log.String(); strings.Contains(out, "127.0.0.1:9") {
		t.Errorf("the app tried to download something:\n%s", tail(out))
	}
	// The way to a real model: the chooser, and what it says with no internet.
	tap("Use a real model…")
	time.Sleep(2 * time.Second)
	shot("07-model-chooser.png")
	tap("Download and use")
	deadline = time.Now().Add(30 * time.Second)
	for !strings.Contains(log.String(), "model download stopped") {
		if time.Now().After(deadline) {
			fail("the download with no internet did not end")
		}
		time.Sleep(250 * time.Millisecond)
	}
	time.Sleep(time.Second)
	shot("08-model-chooser-offline.png")
	t.Logf("screenshots in %s", outDir)
}

// cleanEnv is the test's environment without what would point the app elsewhere (a real home,
// a display, Hugging Face settings).
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "DISPLAY" || k == "HOME" || k == "WAYLAND_DISPLAY" || strings.HasPrefix(k, "HF_") ||
			strings.HasPrefix(k, "SWARMDESK_") || strings.HasPrefix(k, "XDG_") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// texts is what the window showed last (desktop.DumpEnv's texts.json).
func texts(dump string) []string {
	raw, err := os.ReadFile(filepath.Join(dump, "texts.json"))
	if err != nil {
		return nil
	}
	var got struct{ Texts []string }
	_ = json.Unmarshal(raw, &got)
	return got.Texts
}

// readRewards is the mean reward of each round played so far (node/rounds.jsonl).
func readRewards(path string) []float64 {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var out []float64
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var m struct {
			Reward float64 `json:"reward"`
		}
		if json.Unmarshal([]byte(line), &m) == nil && line != "" {
			out = append(out, m.Reward)
		}
	}
	return out
}
