package desktop_test

import (
	"encoding/json"
	"image"
	"image/color"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestWindowUnderXvfb builds the real binary, imports an rl-swarm swarm.pem through the CLI, opens
// the real window on a virtual X display and checks that it shows the peer ID and name, with a
// screenshot kept in test-output/ (not committed). On CI a missing Xvfb is a failure, not a skip.
func TestWindowUnderXvfb(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the app and starts X: skipped with -short")
	}
	xvfb, err := exec.LookPath("xvfb-run")
	if err != nil {
		if os.Getenv("CI") != "" && runtime.GOOS == "linux" {
			t.Fatal("xvfb-run not found: CI must install xvfb (see .ci/run)")
		}
		t.Skip("xvfb-run not found: install xvfb xauth imagemagick to run the window test")
	}
	if _, err := exec.LookPath("import"); err != nil {
		t.Fatal("ImageMagick's import not found (apt-get install imagemagick)")
	}
	root, _ := filepath.Abs("../..")
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "swarmdesk")
	build := exec.Command("go", "build", "-tags", "migrated_fynedo", "-o", bin, ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}

	env := append(os.Environ(),
		"SWARMDESK_HOME="+filepath.Join(tmp, "home"),
		"SWARMDESK_SECRETS_BACKEND=file", // as on a server without a keychain
		"SWARMDESK_PASSPHRASE=e2e passphrase",
		"XDG_RUNTIME_DIR="+tmp,
		"LANG=C.UTF-8",
	)
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
	shot := filepath.Join(outDir, "identity-window.png")
	os.Remove(shot)
	script := `"$BIN" & P=$!
for i in $(seq 1 120); do [ -f "$DUMP/texts.json" ] && break; sleep 0.5; done
sleep 0.5
import -window root "$SHOT"
kill -TERM $P; wait $P`
	cmd := exec.Command(xvfb, "-a", "-s", "-screen 0 1024x640x24", "bash", "-c", script)
	cmd.Env = append(env, "BIN="+bin, "DUMP="+dump, "SHOT="+shot, "SWARMDESK_UI_DUMP="+dump)
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
			t.Fatalf("app under Xvfb: %v\n%s", err, log.String())
		}
	case <-time.After(3 * time.Minute):
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		t.Fatalf("app under Xvfb did not finish\n%s", log.String())
	}

	raw, err := os.ReadFile(filepath.Join(dump, "texts.json"))
	if err != nil {
		t.Fatalf("the window never showed the identity: %v\n%s", err, log.String())
	}
	var got struct {
		Title string
		Texts []string
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{peerID, name, "encrypted file"} {
		if !slices.ContainsFunc(got.Texts, func(s string) bool { return strings.Contains(s, w) }) {
			t.Errorf("window does not show %q; it shows %q", w, got.Texts)
		}
	}
	if !strings.Contains(got.Title, name) {
		t.Errorf("window title %q lacks the name %q", got.Title, name)
	}
	checkScreenshot(t, shot)
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
	r := image.Rect(0, 0, 760, 460).Intersect(img.Bounds())
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
