package models

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/swarmdesk/swarmdesk/engine/hub"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
)

func TestCheckFolder(t *testing.T) {
	good := filepath.Join(t.TempDir(), "m")
	if err := testmodel.Write(good, testmodel.Tiny{}, 1); err != nil {
		t.Fatal(err)
	}
	noTok := filepath.Join(t.TempDir(), "m")
	testmodel.Write(noTok, testmodel.Tiny{}, 1)
	os.Remove(filepath.Join(noTok, "tokenizer.json"))
	llama := filepath.Join(t.TempDir(), "m")
	testmodel.Write(llama, testmodel.Tiny{}, 1)
	os.WriteFile(filepath.Join(llama, "config.json"), []byte(`{"model_type":"llama"}`), 0o644)
	noWeights := filepath.Join(t.TempDir(), "m")
	testmodel.Write(noWeights, testmodel.Tiny{}, 1)
	os.Remove(filepath.Join(noWeights, "model.safetensors"))
	empty := t.TempDir()
	for _, tc := range []struct {
		dir, want string
	}{
		{good, ""},
		{noTok, "no tokenizer.json"},
		{llama, `"llama" model`},
		{noWeights, "no *.safetensors"},
		{empty, "no config.json"},
		{filepath.Join(empty, "missing"), "not a folder"},
	} {
		err := CheckFolder(tc.dir)
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("CheckFolder(%s) = %v, want %q", tc.dir, err, tc.want)
		}
	}
}

// fakeHub serves one repo the way huggingface.co does (listing, HEAD with the sha256 ETag,
// ranged GETs), and records the ranges asked for.
type fakeHub struct {
	files  map[string][]byte
	commit string
	mu     sync.Mutex
	ranges []string
}

func (h *fakeHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/api/models/") {
		var sib []map[string]string
		for name := range h.files {
			sib = append(sib, map[string]string{"rfilename": name})
		}
		json.NewEncoder(w).Encode(map[string]any{"sha": h.commit, "siblings": sib})
		return
	}
	_, file, ok := strings.Cut(r.URL.Path, "/resolve/"+h.commit+"/")
	data, found := h.files[file]
	if !ok || !found {
		http.NotFound(w, r)
		return
	}
	sum := sha256.Sum256(data)
	w.Header().Set("X-Repo-Commit", h.commit)
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:])+`"`)
	if r.Method == http.MethodGet {
		h.mu.Lock()
		h.ranges = append(h.ranges, file+" "+r.Header.Get("Range"))
		h.mu.Unlock()
	}
	var body io.ReadSeeker = bytes.NewReader(data)
	if r.Method == http.MethodGet && r.Header.Get("Range") == "" && len(data) > 2<<20 {
		// The first full download stalls after 2 MiB until the client gives up, so a pause
		// always lands part-way, however fast the machine.
		body = &stallingReader{ReadSeeker: body, after: 2 << 20, done: r.Context().Done()}
	}
	http.ServeContent(w, r, file, time.Time{}, body)
}

type stallingReader struct {
	io.ReadSeeker
	after, read int64
	done        <-chan struct{}
}

func (s *stallingReader) Read(p []byte) (int, error) {
	if s.read >= s.after {
		<-s.done
		return 0, io.ErrUnexpectedEOF
	}
	p = p[:min(int64(len(p)), s.after-s.read)]
	n, err := s.ReadSeeker.Read(p)
	s.read += int64(n)
	return n, err
}

// A download paused part-way (its context cancelled) keeps what arrived, and the next
// download of the same model resumes with a Range request and ends with the same files.
func TestDownloadPauseResume(t *testing.T) {
	big := bytes.Repeat([]byte("swarmdesk weights "), 200_000) // 3.6 MB: progress comes every MiB
	h := &fakeHub{commit: strings.Repeat("ab", 20), files: map[string][]byte{
		"config.json": []byte(`{"model_type":"qwen2"}`), "model.safetensors": big}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	cache := t.TempDir()

	ctx, pause := context.WithCancel(context.Background())
	var seen int64
	_, err := Resolve(ctx, "Qwen/Tiny", Options{Endpoint: srv.URL, CacheDir: cache, Progress: func(p hub.Progress) {
		if p.File == "model.safetensors" && p.Done > 0 && p.Done < p.Total {
			seen = p.Done
			pause()
		}
	}})
	if !errors.Is(err, context.Canceled) || seen == 0 {
		t.Fatalf("paused download: %v (saw %d bytes)", err, seen)
	}
	dir, err := Resolve(context.Background(), "Qwen/Tiny", Options{Endpoint: srv.URL, CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "model.safetensors"))
	if !bytes.Equal(got, big) {
		t.Fatalf("resumed file has %d bytes, want %d", len(got), len(big))
	}
	resumed := false
	for _, r := range h.ranges {
		if strings.HasPrefix(r, "model.safetensors bytes=") && !strings.HasPrefix(r, "model.safetensors bytes=0-") {
			resumed = true
		}
	}
	if !resumed {
		t.Errorf("the second download did not resume with a Range request: %q", h.ranges)
	}
}

// With no connection, the error says so (ErrNoInternet) and names the other ways.
func TestOffline(t *testing.T) {
	_, err := Resolve(context.Background(), "Qwen/Qwen2.5-0.5B-Instruct", Options{Endpoint: "http://127.0.0.1:1", CacheDir: t.TempDir()})
	if !errors.Is(err, ErrNoInternet) || !strings.Contains(err.Error(), "demo") {
		t.Fatalf("offline download: %v", err)
	}
}

func TestScanCache(t *testing.T) {
	cache := t.TempDir()
	commit := strings.Repeat("cd", 20)
	snap := filepath.Join(cache, "models--Qwen--Tiny", "snapshots", commit)
	if err := testmodel.Write(snap, testmodel.Tiny{}, 1); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(cache, "models--Qwen--Tiny", "refs"), 0o755)
	os.WriteFile(filepath.Join(cache, "models--Qwen--Tiny", "refs", "main"), []byte(commit), 0o644)
	// A partial download (no refs/main) and a dataset are left out.
	os.MkdirAll(filepath.Join(cache, "models--Qwen--Partial", "blobs"), 0o755)
	os.MkdirAll(filepath.Join(cache, "datasets--x--y"), 0o755)
	got, err := ScanCache(cache)
	if err != nil || len(got) != 1 || got[0].ID != "Qwen/Tiny" || got[0].Dir != snap || got[0].Bytes == 0 {
		t.Fatalf("ScanCache = %+v, %v", got, err)
	}
	if none, err := ScanCache(filepath.Join(cache, "missing")); err != nil || len(none) != 0 {
		t.Fatalf("missing cache: %v %v", none, err)
	}
}
