package hub

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func testOptions(h *fakeHub, cache string) Options {
	return Options{Endpoint: h.srv.URL, CacheDir: cache, HTTPClient: h.srv.Client()}
}

// isolateEnv keeps the developer's real HF_* settings out of tests.
func isolateEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE", "HF_ENDPOINT", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "XDG_CACHE_HOME"} {
		t.Setenv(k, "")
	}
	t.Setenv("HF_HOME", t.TempDir())
}

var wantFiles = []string{"config.json", "model.safetensors", "tokenizer.json"}

// checkSnapshot verifies the huggingface_hub layout: every wanted file is a
// relative symlink into blobs/<etag> with the right bytes, and nothing else
// was downloaded.
func checkSnapshot(t *testing.T, h *fakeHub, cache, dir string) {
	t.Helper()
	root := filepath.Join(cache, "models--Qwen--Qwen2-0.5B")
	if want := filepath.Join(root, "snapshots", h.commit); dir != want {
		t.Fatalf("snapshot dir %s, want %s", dir, want)
	}
	for _, name := range wantFiles {
		p := filepath.Join(dir, name)
		got, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		if !bytes.Equal(got, h.files[name]) {
			t.Errorf("%s: content differs", name)
		}
		if runtime.GOOS != "windows" {
			target, err := os.Readlink(p)
			if err != nil {
				t.Fatalf("%s is not a symlink: %v", name, err)
			}
			if want := filepath.Join("..", "..", "blobs", h.etag(name)); target != want {
				t.Errorf("%s -> %s, want %s", name, target, want)
			}
		}
	}
	for _, skip := range []string{"README.md", "pytorch_model.bin"} {
		if _, err := os.Lstat(filepath.Join(dir, skip)); !os.IsNotExist(err) {
			t.Errorf("%s should not be downloaded by default", skip)
		}
	}
	ref, err := os.ReadFile(filepath.Join(root, "refs", "main"))
	if err != nil || string(ref) != h.commit {
		t.Errorf("refs/main = %q, %v; want %s", ref, err, h.commit)
	}
	blobs, _ := os.ReadDir(filepath.Join(root, "blobs"))
	for _, b := range blobs {
		if strings.HasSuffix(b.Name(), ".incomplete") {
			t.Errorf("leftover %s", b.Name())
		}
	}
}

func TestDownloadAndNoopSecondRun(t *testing.T) {
	isolateEnv(t)
	h := newFakeHub(t)
	cache := t.TempDir()
	opt := testOptions(h, cache)
	var events []Progress
	opt.Progress = func(p Progress) { events = append(events, p) }
	dir, err := Download(context.Background(), "Qwen/Qwen2-0.5B", opt)
	if err != nil {
		t.Fatal(err)
	}
	checkSnapshot(t, h, cache, dir)

	// Progress: per file monotonic, ends at Done == Total == size.
	last := map[string]Progress{}
	for _, e := range events {
		if prev, ok := last[e.File]; ok && e.Done < prev.Done {
			t.Errorf("progress for %s went backwards", e.File)
		}
		if e.FileCount != 3 {
			t.Errorf("FileCount %d, want 3", e.FileCount)
		}
		last[e.File] = e
	}
	for _, name := range wantFiles {
		e := last[name]
		if size := int64(len(h.files[name])); e.Done != size || e.Total != size {
			t.Errorf("final progress %s = %+v, want %d/%d", name, e, size, size)
		}
	}
	if n := len(h.requests("/cdn/")); n != 1 {
		t.Errorf("%d CDN requests, want 1", n)
	}

	h.resetLog()
	dir2, err := Download(context.Background(), "Qwen/Qwen2-0.5B@main", opt)
	if err != nil || dir2 != dir {
		t.Fatalf("second download: %s, %v", dir2, err)
	}
	if got := h.requests("/resolve/"); len(got) != 0 {
		t.Errorf("second download re-fetched files: %v", got)
	}
	if got := h.requests("/cdn/"); len(got) != 0 {
		t.Errorf("second download hit the CDN: %v", got)
	}
}

func TestDownloadRedirectModes(t *testing.T) {
	for _, relative := range []bool{false, true} {
		t.Run(map[bool]string{false: "absolute", true: "relative"}[relative], func(t *testing.T) {
			isolateEnv(t)
			h := newFakeHub(t)
			h.relativeRedirect = relative
			cache := t.TempDir()
			dir, err := Download(context.Background(), "Qwen/Qwen2-0.5B", testOptions(h, cache))
			if err != nil {
				t.Fatal(err)
			}
			checkSnapshot(t, h, cache, dir)
		})
	}
}

func TestResumeAfterDroppedConnection(t *testing.T) {
	isolateEnv(t)
	h := newFakeHub(t)
	h.dropAfter = 1 << 20
	cache := t.TempDir()
	dir, err := Download(context.Background(), "Qwen/Qwen2-0.5B", testOptions(h, cache))
	if err != nil {
		t.Fatal(err)
	}
	checkSnapshot(t, h, cache, dir)
	gets := h.requests("GET /cdn/")
	if len(gets) != 2 || !strings.Contains(gets[1], `range="bytes=`) || strings.Contains(gets[1], `range="bytes=0-"`) {
		t.Errorf("want a fresh GET then a ranged resume, got %v", gets)
	}
	if want := len(h.files["model.safetensors"]); h.cdnBytes != want {
		t.Errorf("CDN sent %d bytes in total, want exactly %d (no re-download)", h.cdnBytes, want)
	}
}

func TestResumeFromIncompleteBlob(t *testing.T) {
	isolateEnv(t)
	h := newFakeHub(t)
	cache := t.TempDir()
	weights := h.files["model.safetensors"]
	half := len(weights) / 2
	blobs := filepath.Join(cache, "models--Qwen--Qwen2-0.5B", "blobs")
	if err := os.MkdirAll(blobs, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(blobs, h.etag("model.safetensors")+".incomplete"), weights[:half], 0o644); err != nil {
		t.Fatal(err)
	}
	dir, err := Download(context.Background(), "Qwen/Qwen2-0.5B", testOptions(h, cache))
	if err != nil {
		t.Fatal(err)
	}
	checkSnapshot(t, h, cache, dir)
	gets := h.requests("GET /cdn/")
	if len(gets) != 1 || !strings.Contains(gets[0], `range="bytes=`+itoa(half)+`-"`) {
		t.Errorf("want one GET resuming at %d, got %v", half, gets)
	}
	if want := len(weights) - half; h.cdnBytes != want {
		t.Errorf("CDN sent %d bytes, want %d", h.cdnBytes, want)
	}
}

func TestServerIgnoringRangeRestartsCleanly(t *testing.T) {
	isolateEnv(t)
	h := newFakeHub(t)
	h.ignoreRange = true
	cache := t.TempDir()
	blobs := filepath.Join(cache, "models--Qwen--Qwen2-0.5B", "blobs")
	if err := os.MkdirAll(blobs, 0o755); err != nil {
		t.Fatal(err)
	}
	// A garbage prefix: if we appended the full 200 body to it, or kept it,
	// the checksum would fail.
	if err := os.WriteFile(filepath.Join(blobs, h.etag("model.safetensors")+".incomplete"), bytes.Repeat([]byte{0xAA}, 1000), 0o644); err != nil {
		t.Fatal(err)
	}
	dir, err := Download(context.Background(), "Qwen/Qwen2-0.5B", testOptions(h, cache))
	if err != nil {
		t.Fatal(err)
	}
	checkSnapshot(t, h, cache, dir)
}

func TestChecksumMismatchDiscardsBlob(t *testing.T) {
	isolateEnv(t)
	h := newFakeHub(t)
	h.corrupt = "model.safetensors"
	cache := t.TempDir()
	_, err := Download(context.Background(), "Qwen/Qwen2-0.5B", testOptions(h, cache))
	if !errors.Is(err, ErrChecksum) {
		t.Fatalf("want ErrChecksum, got %v", err)
	}
	t.Logf("error text: %v", err)
	if !strings.Contains(err.Error(), "model.safetensors") {
		t.Errorf("error %q does not name the file", err)
	}
	root := filepath.Join(cache, "models--Qwen--Qwen2-0.5B")
	blob := filepath.Join(root, "blobs", h.etag("model.safetensors"))
	for _, p := range []string{blob, blob + ".incomplete", filepath.Join(root, "snapshots", h.commit, "model.safetensors")} {
		if _, err := os.Lstat(p); !os.IsNotExist(err) {
			t.Errorf("%s kept after checksum failure", p)
		}
	}
	if _, err := LocalSnapshot("Qwen/Qwen2-0.5B", Options{CacheDir: cache}); err == nil {
		t.Error("failed download registered refs/main")
	}
}

func TestOfflineMode(t *testing.T) {
	isolateEnv(t)
	h := newFakeHub(t)
	cache := t.TempDir()
	opt := testOptions(h, cache)
	_, err := Download(context.Background(), "Qwen/Qwen2-0.5B", Options{CacheDir: cache, Offline: true})
	if !errors.Is(err, ErrOffline) || !strings.Contains(err.Error(), "Qwen/Qwen2-0.5B@main") {
		t.Fatalf("want ErrOffline naming the model, got %v", err)
	}
	t.Logf("error text: %v", err)
	dir, err := Download(context.Background(), "Qwen/Qwen2-0.5B", opt)
	if err != nil {
		t.Fatal(err)
	}
	h.srv.Close()
	h.resetLog()
	for _, tc := range []struct {
		name string
		opt  Options
		env  string
		id   string
	}{
		{"option", Options{CacheDir: cache, Offline: true, Endpoint: h.srv.URL}, "", "Qwen/Qwen2-0.5B"},
		{"env", Options{CacheDir: cache, Endpoint: h.srv.URL}, "1", "Qwen/Qwen2-0.5B@main"},
		{"commit", Options{CacheDir: cache, Offline: true}, "", "Qwen/Qwen2-0.5B@" + h.commit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("HF_HUB_OFFLINE", tc.env)
			got, err := Download(context.Background(), tc.id, tc.opt)
			if err != nil || got != dir {
				t.Errorf("offline Download = %s, %v; want %s", got, err, dir)
			}
		})
	}
	if n := len(h.requests("")); n != 0 {
		t.Errorf("offline mode made %d requests", n)
	}
	// Hub unreachable (server closed) without offline mode: the cached
	// snapshot is still returned.
	got, err := Download(context.Background(), "Qwen/Qwen2-0.5B", Options{CacheDir: cache, Endpoint: h.srv.URL})
	if err != nil || got != dir {
		t.Errorf("unreachable hub: %s, %v; want cached %s", got, err, dir)
	}
	_, err = Download(context.Background(), "Qwen/Qwen2-0.5B@v2", Options{CacheDir: cache, Endpoint: h.srv.URL})
	if err == nil || !strings.Contains(err.Error(), "internet connection") {
		t.Errorf("unreachable hub, uncached revision: want connection error, got %v", err)
	}
	if _, err := LocalSnapshot("Qwen/Qwen2-0.5B@v2", Options{CacheDir: cache}); err == nil || !strings.Contains(err.Error(), "refs/v2") {
		t.Errorf("missing revision: %v", err)
	}
}

// TestPythonPopulatedCache builds the cache exactly as huggingface_hub
// leaves it (bare commit in refs/main without newline, relative symlinks)
// and checks it is found offline and reused online without any download.
func TestPythonPopulatedCache(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("huggingface_hub layout with symlinks needs symlink support")
	}
	isolateEnv(t)
	h := newFakeHub(t)
	cache := t.TempDir()
	root := filepath.Join(cache, "models--Qwen--Qwen2-0.5B")
	snap := filepath.Join(root, "snapshots", h.commit)
	for _, d := range []string{filepath.Join(root, "blobs"), filepath.Join(root, "refs"), snap, filepath.Join(root, ".no_exist", h.commit)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range wantFiles {
		if err := os.WriteFile(filepath.Join(root, "blobs", h.etag(name)), h.files[name], 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("../../blobs/"+h.etag(name), filepath.Join(snap, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "refs", "main"), []byte(h.commit), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HF_HUB_CACHE", cache)
	dir, err := LocalSnapshot("Qwen/Qwen2-0.5B", Options{})
	if err != nil || dir != snap {
		t.Fatalf("LocalSnapshot = %s, %v; want %s", dir, err, snap)
	}
	dir, err = Download(context.Background(), "Qwen/Qwen2-0.5B", Options{Endpoint: h.srv.URL, HTTPClient: h.srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	checkSnapshot(t, h, cache, dir)
	if got := h.requests("/resolve/"); len(got) != 0 {
		t.Errorf("cached files were re-requested: %v", got)
	}
}

// TestBlobSharedAcrossCommits: a new commit whose weights are unchanged
// links the existing blob after a metadata HEAD, without a CDN download.
func TestBlobSharedAcrossCommits(t *testing.T) {
	isolateEnv(t)
	h := newFakeHub(t)
	cache := t.TempDir()
	opt := testOptions(h, cache)
	if _, err := Download(context.Background(), "Qwen/Qwen2-0.5B", opt); err != nil {
		t.Fatal(err)
	}
	h.commit = "fedcba9876543210fedcba9876543210fedcba98"
	h.files["config.json"] = []byte(`{"model_type":"qwen2","v":2}`)
	h.resetLog()
	dir, err := Download(context.Background(), "Qwen/Qwen2-0.5B", opt)
	if err != nil {
		t.Fatal(err)
	}
	checkSnapshot(t, h, cache, dir)
	if got := h.requests("GET /cdn/"); len(got) != 0 {
		t.Errorf("unchanged weights re-downloaded: %v", got)
	}
	if got := h.requests("GET /" + h.repo + "/resolve/"); len(got) != 1 || !strings.Contains(got[0], "config.json") {
		t.Errorf("want only config.json fetched, got %v", got)
	}
}

func TestAllowPatternsAndNestedFiles(t *testing.T) {
	isolateEnv(t)
	h := newFakeHub(t)
	h.files["onnx/sub/model.json"] = []byte(`{"nested":true}`)
	cache := t.TempDir()
	opt := testOptions(h, cache)
	opt.Allow = []string{"onnx/"}
	dir, err := Download(context.Background(), "Qwen/Qwen2-0.5B", opt)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "onnx", "sub", "model.json"))
	if err != nil || string(got) != `{"nested":true}` {
		t.Fatalf("nested file: %q, %v", got, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("snapshot has %d entries, want only onnx/", len(entries))
	}
	opt.Allow = []string{"*.gguf"}
	_, err = Download(context.Background(), "Qwen/Qwen2-0.5B", opt)
	if err == nil || !strings.Contains(err.Error(), "no files matching") {
		t.Errorf("want no-match error, got %v", err)
	}
}

func TestUnsafeListingRejected(t *testing.T) {
	isolateEnv(t)
	h := newFakeHub(t)
	h.files["../../../evil.json"] = []byte("x")
	cache := t.TempDir()
	opt := testOptions(h, cache)
	opt.Allow = []string{"*"}
	_, err := Download(context.Background(), "Qwen/Qwen2-0.5B", opt)
	if err == nil || !strings.Contains(err.Error(), "unsafe file name") {
		t.Fatalf("want unsafe name error, got %v", err)
	}
}

func TestAuthAndNotFoundErrors(t *testing.T) {
	isolateEnv(t)
	h := newFakeHub(t)
	h.token = "hf_secret_token"
	cache := t.TempDir()
	opt := testOptions(h, cache)
	tests := []struct {
		name  string
		id    string
		token string
		is    error
		want  string
	}{
		{"gated without token", "Qwen/Qwen2-0.5B", "", ErrAuth, "HF_TOKEN"},
		{"wrong token", "Qwen/Qwen2-0.5B", "hf_wrong", ErrAuth, "HF_TOKEN"},
		{"unknown repo", "nobody/nothing", "hf_secret_token", ErrNotFound, "no such model"},
		{"unknown revision", "Qwen/Qwen2-0.5B@v9", "hf_secret_token", ErrNotFound, "no such model/revision"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := opt
			o.Token = tc.token
			_, err := Download(context.Background(), tc.id, o)
			t.Logf("error text: %v", err)
			if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %v containing %q", err, tc.is, tc.want)
			}
			if strings.Contains(err.Error(), "hf_") {
				t.Errorf("error leaks the token: %v", err)
			}
		})
	}
	t.Setenv("HF_TOKEN", "hf_secret_token")
	dir, err := Download(context.Background(), "Qwen/Qwen2-0.5B", opt)
	if err != nil {
		t.Fatal(err)
	}
	checkSnapshot(t, h, cache, dir)
	for _, a := range h.cdnAuth {
		if a != "" {
			t.Errorf("token sent to the CDN host")
		}
	}
}

func TestCancelKeepsPartialForResume(t *testing.T) {
	isolateEnv(t)
	h := newFakeHub(t)
	h.stallAfter = 3 << 19 // 1.5 MiB: past the first progress report
	cache := t.TempDir()
	opt := testOptions(h, cache)
	ctx, cancel := context.WithCancel(context.Background())
	opt.Progress = func(p Progress) {
		if p.File == "model.safetensors" && p.Done > 0 && p.Done < p.Total {
			cancel()
		}
	}
	_, err := Download(ctx, "Qwen/Qwen2-0.5B", opt)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	partial := filepath.Join(cache, "models--Qwen--Qwen2-0.5B", "blobs", h.etag("model.safetensors")+".incomplete")
	st, err := os.Stat(partial)
	if err != nil || st.Size() == 0 {
		t.Fatalf("partial download not kept: %v", err)
	}
	opt.Progress = nil
	h.resetLog()
	dir, err := Download(context.Background(), "Qwen/Qwen2-0.5B", opt)
	if err != nil {
		t.Fatal(err)
	}
	checkSnapshot(t, h, cache, dir)
	if gets := h.requests("GET /cdn/"); len(gets) != 1 || !strings.Contains(gets[0], "bytes=") {
		t.Errorf("want a ranged resume, got %v", gets)
	}
}

func itoa(n int) string { return fmtInt(n) }

func TestStalledConnectionIsResumed(t *testing.T) {
	isolateEnv(t)
	old := stallTimeout
	stallTimeout = 300 * time.Millisecond
	t.Cleanup(func() { stallTimeout = old })
	h := newFakeHub(t)
	h.stallAfter = 1 << 20 // then hang forever
	cache := t.TempDir()
	dir, err := Download(context.Background(), "Qwen/Qwen2-0.5B", testOptions(h, cache))
	if err != nil {
		t.Fatal(err)
	}
	checkSnapshot(t, h, cache, dir)
	if gets := h.requests("GET /cdn/"); len(gets) < 2 || !strings.Contains(gets[1], "bytes=") {
		t.Errorf("want a stalled GET then a ranged resume, got %v", gets)
	}
}

// TestConcurrentDownloadsShareOneTransfer: two Downloads of the same
// model into one cache (two app instances, or us and Python) must not
// corrupt the blob; the per-blob lock makes the second reuse the first's.
func TestConcurrentDownloadsShareOneTransfer(t *testing.T) {
	isolateEnv(t)
	h := newFakeHub(t)
	cache := t.TempDir()
	errs := make(chan error, 2)
	dirs := make(chan string, 2)
	for i := 0; i < 2; i++ {
		go func() {
			d, err := Download(context.Background(), "Qwen/Qwen2-0.5B", testOptions(h, cache))
			dirs <- d
			errs <- err
		}()
	}
	for i := 0; i < 2; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		checkSnapshot(t, h, cache, <-dirs)
	}
	if runtime.GOOS != "windows" {
		if gets := h.requests("GET /cdn/"); len(gets) != 1 {
			t.Errorf("weights transferred %d times, want once", len(gets))
		}
	}
}
