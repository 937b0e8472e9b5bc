package ui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/swarmdesk/swarmdesk/app/models"
	"github.com/swarmdesk/swarmdesk/app/session"
)

// fakeModels is a ModelBackend whose download the test steers.
type fakeModels struct {
	mu        sync.Mutex
	name      string
	cached    []models.Cached
	offline   bool
	downloads []string
	used      []string
}

func (f *fakeModels) ModelName() string                      { return f.name }
func (f *fakeModels) HubCache() string                       { return "/cache/hub" }
func (f *fakeModels) CachedModels() ([]models.Cached, error) { return f.cached, nil }
func (f *fakeModels) UseModel(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.used = append(f.used, name)
	return nil
}

// DownloadModel reports 10 MB of a 100 MB file, then waits to be paused (offline: fails).
func (f *fakeModels) DownloadModel(ctx context.Context, id string, progress func(session.DownloadProgress)) error {
	f.mu.Lock()
	f.downloads = append(f.downloads, id)
	f.mu.Unlock()
	if f.offline {
		return fmt.Errorf("model %s: list: %w: dial tcp: no such host", id, models.ErrNoInternet)
	}
	progress(session.DownloadProgress{File: "model.safetensors", FileIndex: 1, FileCount: 3, Done: 10e6, Total: 100e6})
	<-ctx.Done()
	return ctx.Err()
}

func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestModelChooserPauseResume(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewWindow(nil)
	defer w.Close()
	f := &fakeModels{name: models.DemoName}
	c := newModelChooser(f, w, func(fn func()) { go fn() }, nil)
	if !strings.Contains(strings.Join(Texts(c.obj), "\n"), "built-in demo model") {
		t.Errorf("the chooser does not say the demo is in use: %q", Texts(c.obj))
	}
	if len(c.pick.Options) != len(models.Catalog) || !strings.Contains(c.pick.Options[0], "Qwen/Qwen2.5-0.5B-Instruct · 988 MB download · about 9.0 GB of memory to train") {
		t.Errorf("catalogue lines: %q", c.pick.Options)
	}
	test.Tap(c.download)
	waitUntil(t, "progress", func() bool { return strings.Contains(c.dlText.Text, "10 MB of 100 MB") })
	if !c.pause.Visible() || c.pause.Text != "Pause" || !c.download.Disabled() {
		t.Fatalf("while downloading: pause %v %q, download disabled %v", c.pause.Visible(), c.pause.Text, c.download.Disabled())
	}
	test.Tap(c.pause)
	waitUntil(t, "the pause", func() bool { return c.pause.Text == "Resume" })
	if !strings.HasSuffix(c.dlText.Text, "paused") {
		t.Errorf("paused line: %q", c.dlText.Text)
	}
	test.Tap(c.pause)
	waitUntil(t, "the resumed download", func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return len(f.downloads) == 2 && c.pause.Text == "Pause"
	})
	if f.downloads[1] != "Qwen/Qwen2.5-0.5B-Instruct" {
		t.Errorf("resumed %q", f.downloads)
	}
	c.close()
}

// No internet: the chooser says so and points at the other ways, which work.
func TestModelChooserOffline(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewWindow(nil)
	defer w.Close()
	f := &fakeModels{name: "Qwen/Qwen2.5-0.5B-Instruct", offline: true,
		cached: []models.Cached{{ID: "Qwen/Qwen2.5-Coder-0.5B-Instruct", Bytes: 988e6}}}
	var chosen []string
	c := newModelChooser(f, w, func(fn func()) { fn() }, func(n string) { chosen = append(chosen, n) })
	test.Tap(c.download)
	if !c.status.Visible() || !strings.Contains(c.status.Text, "cannot reach huggingface.co") || !strings.Contains(c.status.Text, "demo model") {
		t.Fatalf("offline status: %q", c.status.Text)
	}
	if c.bar.Visible() || c.pause.Visible() {
		t.Error("a failed download still shows its progress")
	}
	if !TapButton(c.obj, "Use Qwen/Qwen2.5-Coder-0.5B-Instruct (988 MB, in the cache)") {
		t.Fatalf("no button for the cached model: %q", Texts(c.obj))
	}
	if !TapButton(c.obj, "Use the built-in demo model") {
		t.Fatal("no demo button")
	}
	if want := []string{"Qwen/Qwen2.5-Coder-0.5B-Instruct", models.DemoName}; fmt.Sprint(f.used) != fmt.Sprint(want) || fmt.Sprint(chosen) != fmt.Sprint(want) {
		t.Errorf("used %q, chosen %q; want %q", f.used, chosen, want)
	}
}

func TestDownloadText(t *testing.T) {
	for _, tc := range []struct {
		p     session.DownloadProgress
		speed float64
		want  string
	}{
		{session.DownloadProgress{File: "model.safetensors", FileIndex: 1, FileCount: 4, Done: 312e6, Total: 988e6}, 4.2e6,
			"File 2 of 4 (model.safetensors): 312 MB of 988 MB · 4 MB/s · about 3 min left"},
		{session.DownloadProgress{File: "config.json", FileCount: 4, Done: 600, Total: 700}, 0, "File 1 of 4 (config.json): 600 B of 700 B"},
		{session.DownloadProgress{File: "x", FileCount: 1, Done: 5e6, Total: -1}, 1e6, "File 1 of 1 (x): 5 MB · 1 MB/s"},
		{session.DownloadProgress{File: "x", FileCount: 1, Done: 0, Total: 10e6}, 1e6, "File 1 of 1 (x): 0 B of 10 MB · 1 MB/s · 10 s left"},
	} {
		if got := downloadText(tc.p, tc.speed); got != tc.want {
			t.Errorf("downloadText(%+v, %v) = %q, want %q", tc.p, tc.speed, got, tc.want)
		}
	}
	if got := timeLeft(3 * time.Hour); got != "about 3.0 h" {
		t.Errorf("timeLeft(3h) = %q", got)
	}
	var m rateMeter
	t0 := time.Unix(0, 0)
	m.add("f", 0, t0)
	if v := m.add("f", 2e6, t0.Add(time.Second)); v != 2e6 {
		t.Errorf("speed %v, want 2 MB/s", v)
	}
	if v := m.add("g", 0, t0.Add(2*time.Second)); v != 2e6 {
		t.Errorf("a new file keeps the last speed until it has its own: %v", v)
	}
}
