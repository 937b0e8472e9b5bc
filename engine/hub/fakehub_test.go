package hub

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeHub imitates the parts of huggingface.co that Download uses: the
// revision API, /resolve/ with git-file ETags and LFS 302 redirects to a
// /cdn/ path, Range requests, plus failure modes.
type fakeHub struct {
	srv    *httptest.Server
	cdn    *httptest.Server // separate host:port, like cdn-lfs.hf.co
	repo   string
	commit string
	files  map[string][]byte
	lfs    map[string]bool

	mu               sync.Mutex
	token            string // if set, required on API and resolve
	relativeRedirect bool   // LFS Location is "/cdn/..." instead of absolute
	dropAfter        int    // first CDN GET sends this many bytes then drops
	ignoreRange      bool
	stallAfter       int    // first CDN GET sends this many bytes then hangs until the client goes away
	corrupt          string // file served with a flipped byte
	log              []string
	cdnBytes         int
	cdnAuth          []string
	etags            sync.Map
	apiAuth          []string
}

func newFakeHub(t *testing.T) *fakeHub { return newFakeHubB(t) }

func newFakeHubB(t testing.TB) *fakeHub {
	h := &fakeHub{
		repo:   "Qwen/Qwen2-0.5B",
		commit: "0123456789abcdef0123456789abcdef01234567",
		files:  map[string][]byte{},
		lfs:    map[string]bool{},
	}
	rnd := rand.New(rand.NewSource(7))
	weights := make([]byte, 3<<20+123)
	rnd.Read(weights)
	h.files["config.json"] = []byte(`{"model_type":"qwen2"}`)
	h.files["tokenizer.json"] = []byte(`{"model":{"type":"BPE"}}`)
	h.files["model.safetensors"] = weights
	h.lfs["model.safetensors"] = true
	h.files["README.md"] = []byte("# readme")
	h.files["pytorch_model.bin"] = []byte("not wanted")
	h.lfs["pytorch_model.bin"] = true
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.srv.Close)
	h.cdn = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.cdn.Close)
	return h
}

func sha256Hex(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// gitBlobSHA1 is the etag the hub uses for files stored in git.
func gitBlobSHA1(b []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(b))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// etag is memoised per content buffer so the benchmark measures the
// client, not the fake server re-hashing the file on every request.
func (h *fakeHub) etag(name string) string {
	b := h.files[name]
	key := fmt.Sprintf("%s/%p/%d/%v", name, b, len(b), h.lfs[name])
	if v, ok := h.etags.Load(key); ok {
		return v.(string)
	}
	v := gitBlobSHA1(b)
	if h.lfs[name] {
		v = sha256Hex(b)
	}
	h.etags.Store(key, v)
	return v
}

func (h *fakeHub) record(format string, a ...any) {
	h.mu.Lock()
	h.log = append(h.log, fmt.Sprintf(format, a...))
	h.mu.Unlock()
}

// requests returns logged requests whose text contains substr.
func (h *fakeHub) requests(substr string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, l := range h.log {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return out
}

func (h *fakeHub) resetLog() {
	h.mu.Lock()
	h.log, h.cdnBytes = nil, 0
	h.mu.Unlock()
}

func (h *fakeHub) authorized(r *http.Request) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.token == "" || r.Header.Get("Authorization") == "Bearer "+h.token
}

func (h *fakeHub) serve(w http.ResponseWriter, r *http.Request) {
	h.record("%s %s range=%q", r.Method, r.URL.Path, r.Header.Get("Range"))
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/api/models/"):
		h.mu.Lock()
		h.apiAuth = append(h.apiAuth, r.Header.Get("Authorization"))
		h.mu.Unlock()
		h.serveAPI(w, r, strings.TrimPrefix(p, "/api/models/"))
	case strings.HasPrefix(p, "/cdn/"):
		h.serveCDN(w, r, strings.TrimPrefix(p, "/cdn/"))
	case strings.HasPrefix(p, "/"+h.repo+"/resolve/"):
		h.serveResolve(w, r, strings.TrimPrefix(p, "/"+h.repo+"/resolve/"))
	default:
		w.Header().Set("X-Error-Code", "RepoNotFound")
		http.Error(w, "Repository not found", http.StatusUnauthorized)
	}
}

func (h *fakeHub) serveAPI(w http.ResponseWriter, r *http.Request, rest string) {
	repo, rev, ok := strings.Cut(rest, "/revision/")
	if !ok || repo != h.repo {
		w.Header().Set("X-Error-Code", "RepoNotFound")
		http.Error(w, "Repository not found", http.StatusUnauthorized)
		return
	}
	if !h.authorized(r) {
		w.Header().Set("X-Error-Code", "GatedRepo")
		http.Error(w, "Access to model is restricted", http.StatusUnauthorized)
		return
	}
	if rev != "main" && rev != h.commit {
		w.Header().Set("X-Error-Code", "RevisionNotFound")
		http.Error(w, "Invalid rev id", http.StatusNotFound)
		return
	}
	type sib struct {
		R string `json:"rfilename"`
	}
	out := struct {
		ID       string `json:"id"`
		SHA      string `json:"sha"`
		Siblings []sib  `json:"siblings"`
	}{ID: h.repo, SHA: h.commit}
	for name := range h.files {
		out.Siblings = append(out.Siblings, sib{name})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

func (h *fakeHub) serveResolve(w http.ResponseWriter, r *http.Request, rest string) {
	rev, name, _ := strings.Cut(rest, "/")
	body, ok := h.files[name]
	if !ok || rev != h.commit && rev != "main" {
		w.Header().Set("X-Error-Code", "EntryNotFound")
		http.Error(w, "Entry not found", http.StatusNotFound)
		return
	}
	if !h.authorized(r) {
		w.Header().Set("X-Error-Code", "GatedRepo")
		http.Error(w, "restricted", http.StatusForbidden)
		return
	}
	w.Header().Set("X-Repo-Commit", h.commit)
	if h.lfs[name] {
		sum := h.etag(name)
		loc := h.cdn.URL + "/cdn/" + sum
		if h.relativeRedirect {
			loc = "/cdn/" + sum
		}
		w.Header().Set("X-Linked-Etag", `"`+sum+`"`)
		w.Header().Set("X-Linked-Size", strconv.Itoa(len(body)))
		w.Header().Set("ETag", `W/"git-pointer-etag"`)
		w.Header().Set("Location", loc)
		w.WriteHeader(http.StatusFound)
		return
	}
	w.Header().Set("ETag", `"`+h.etag(name)+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method == http.MethodGet {
		w.Write(body)
	}
}

func (h *fakeHub) serveCDN(w http.ResponseWriter, r *http.Request, sum string) {
	h.mu.Lock()
	h.cdnAuth = append(h.cdnAuth, r.Header.Get("Authorization"))
	h.mu.Unlock()
	var name string
	for n := range h.files {
		if h.lfs[n] && h.etag(n) == sum {
			name = n
		}
	}
	if name == "" {
		http.NotFound(w, r)
		return
	}
	body := h.files[name]
	h.mu.Lock()
	if h.corrupt == name {
		body = append([]byte(nil), body...)
		body[len(body)/2] ^= 0xff
	}
	drop := 0
	if r.Method == http.MethodGet {
		drop, h.dropAfter = h.dropAfter, 0
	}
	ignoreRange := h.ignoreRange
	stall := 0
	if r.Method == http.MethodGet {
		stall, h.stallAfter = h.stallAfter, 0
	}
	h.mu.Unlock()
	// The CDN's own ETag is not the content hash; only relative-redirect
	// setups (where HEAD ends here) see the hash, as X-Linked-Etag.
	if h.relativeRedirect {
		w.Header().Set("X-Linked-Etag", sum)
		w.Header().Set("X-Linked-Size", strconv.Itoa(len(body)))
	}
	w.Header().Set("ETag", `"cdn-`+sum[:8]+`"`)
	start := 0
	if rg := r.Header.Get("Range"); rg != "" && !ignoreRange {
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(rg, "bytes="), "-"))
		if err != nil || n >= len(body) {
			w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
			return
		}
		start = n
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", n, len(body)-1, len(body)))
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)-start))
	if start > 0 {
		w.WriteHeader(http.StatusPartialContent)
	}
	if r.Method != http.MethodGet {
		return
	}
	out := body[start:]
	if drop > 0 && drop < len(out) {
		w.Write(out[:drop])
		w.(http.Flusher).Flush()
		h.mu.Lock()
		h.cdnBytes += drop
		h.mu.Unlock()
		panic(http.ErrAbortHandler) // cut the connection mid-body
	}
	if stall > 0 && stall < len(out) {
		w.Write(out[:stall])
		w.(http.Flusher).Flush()
		<-r.Context().Done()
		return
	}
	w.Write(out)
	h.mu.Lock()
	h.cdnBytes += len(out)
	h.mu.Unlock()
}
