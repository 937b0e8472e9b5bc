package desktop_test

import (
	"encoding/json"
	"image"
	"image/color"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/swarmdesk/swarmdesk/engine/testmodel"
)

// TestWindowUnderXvfb builds the real binary, imports an rl-swarm swarm.pem through the CLI and
// opens the real window on a virtual X display. The app starts the real session in local mode
// (SWARMDESK_UI_AUTOSTART=local, in place of the first-run screens) with a tiny test model and
// 10-second rounds, and the test waits until the dashboard shows a finished round, with the
// identity's name and peer ID. A screenshot of the dashboard with data is kept in
// test-output/e2e/ (not committed). On CI a missing Xvfb is a failure, not a skip.
func TestWindowUnderXvfb(t *testing.T) {
	root, tmp, bin, xvfb := windowTestSetup(t, "xvfb-run")
	model := filepath.Join(tmp, "model")
	if err := testmodel.Write(model, testmodel.Tiny{MaxPos: 1024}, 1); err != nil {
		t.Fatal(err)
	}

	env := appEnv(os.Environ(), filepath.Join(tmp, "home"), tmp, "e2e passphrase") // as on a server without a keychain
	imp := exec.Command(bin, "identity", "import", filepath.Join(root, "app/identity/testdata/swarm.pem"))
	imp.Env = env
	if out, err := imp.CombinedOutput(); err != nil {
		t.Fatalf("identity import: %v\n%s", err, out)
	}
	want, _ := os.ReadFile(filepath.Join(root, "app/identity/testdata/swarm.pem.peerid"))
	peerID, name, _ := strings.Cut(strings.TrimSpace(string(want)), "\n")

	outDir := filepath.Join(root, "test-output", "e2e")
	os.MkdirAll(outDir, 0o755)
	dump := filepath.Join(tmp, "dump")
	shot := filepath.Join(outDir, "dashboard-window.png")
	os.Remove(shot)
	// Wait for the dashboard to show a finished round ("Last round: round N: reward …"), then
	// let it draw and take the screenshot.
	script := `"$BIN" --set model.name="$MODEL" --set network.round_seconds=10 \
  --set training.max_new_tokens=16 --set training.gather_seconds=2 & P=$!
for i in $(seq 1 480); do grep -qs '"round [0-9]*: reward' "$DUMP/texts.json" && break; sleep 0.5; done
sleep 1.5
cp "$DUMP/texts.json" "$DUMP/final.json"
import -window root "$SHOT"
kill -TERM $P; wait $P`
	cmd := exec.Command(xvfb, "-a", "-s", "-screen 0 1280x800x24", "bash", "-c", script)
	cmd.Env = append(env, "BIN="+bin, "DUMP="+dump, "SHOT="+shot, "MODEL="+model,
		"SWARMDESK_UI_DUMP="+dump, "SWARMDESK_UI_AUTOSTART=local")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	done := make(chan error, 1)
	var log strings.Builder
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("app under Xvfb: %v\n%s", err, tail(log.String()))
		}
	case <-time.After(6 * time.Minute):
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		t.Fatalf("app under Xvfb did not finish\n%s", tail(log.String()))
	}

	raw, err := os.ReadFile(filepath.Join(dump, "final.json"))
	if err != nil {
		t.Fatalf("the window never showed anything: %v\n%s", err, tail(log.String()))
	}
	var got struct {
		Title string
		Texts []string
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	has := func(w string) bool {
		return slices.ContainsFunc(got.Texts, func(s string) bool { return strings.Contains(s, w) })
	}
	if !has(": reward ") {
		t.Fatalf("the dashboard never showed a finished round; it shows %q\n%s", got.Texts, tail(log.String()))
	}
	for _, w := range []string{peerID, name, "Training on", "Round ", "CPU", "Submissions"} {
		if !has(w) {
			t.Errorf("window does not show %q; it shows %q", w, got.Texts)
		}
	}
	if !strings.Contains(got.Title, name) {
		t.Errorf("window title %q lacks the name %q", got.Title, name)
	}
	checkScreenshot(t, shot)
}

// tail is the end of the app's log, enough to see why it failed.
func tail(s string) string {
	if len(s) > 6000 {
		return "…" + s[len(s)-6000:]
	}
	return s
}

// checkScreenshot makes sure the screenshot shows a drawn window: a dark background with a good
// number of light (text) pixels in the area the window occupies.
func checkScreenshot(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	light, drawn := 0, 0
	r := image.Rect(0, 0, 1024, 700).Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			g := color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y
			if g > 180 {
				light++
			}
			if g > 0 {
				drawn++
			}
		}
	}
	if drawn < r.Dx()*r.Dy()/2 || light < 2000 {
		t.Fatalf("screenshot %s looks empty: %d drawn, %d light pixels", path, drawn, light)
	}
	t.Logf("screenshot: %s", path)
}
