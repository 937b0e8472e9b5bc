package hub

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func fmtInt(n int) string { return strconv.Itoa(n) }

func TestParseRepoID(t *testing.T) {
	tests := []struct {
		in       string
		repo     string
		rev      string
		wantsErr bool
	}{
		{"Qwen/Qwen2-0.5B", "Qwen/Qwen2-0.5B", "main", false},
		{"Qwen/Qwen2.5-0.5B-Instruct@v1.0", "Qwen/Qwen2.5-0.5B-Instruct", "v1.0", false},
		{"gpt2", "gpt2", "main", false},
		{"org/name@refs/pr/1", "org/name", "refs/pr/1", false},
		{"org/name@0123456789abcdef0123456789abcdef01234567", "org/name", "0123456789abcdef0123456789abcdef01234567", false},
		{"", "", "", true},
		{"org/name@", "", "", true},
		{"a/b/c", "", "", true},
		{"../etc", "", "", true},
		{"org/na--me", "", "", true},
		{"org/na me", "", "", true},
		{"org/name@../../x", "", "", true},
		{"org/name@a\\b", "", "", true},
		{"/name", "", "", true},
	}
	for _, tc := range tests {
		repo, rev, err := ParseRepoID(tc.in)
		if (err != nil) != tc.wantsErr || repo != tc.repo || rev != tc.rev {
			t.Errorf("ParseRepoID(%q) = %q, %q, %v", tc.in, repo, rev, err)
		}
	}
}

func TestCacheDirEnv(t *testing.T) {
	home, _ := os.UserHomeDir()
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"HF_HUB_CACHE wins", map[string]string{"HF_HUB_CACHE": "/a", "HF_HOME": "/b", "XDG_CACHE_HOME": "/c"}, "/a"},
		{"legacy var", map[string]string{"HUGGINGFACE_HUB_CACHE": "/l", "HF_HOME": "/b"}, "/l"},
		{"HF_HOME", map[string]string{"HF_HOME": "/b", "XDG_CACHE_HOME": "/c"}, filepath.Join("/b", "hub")},
		{"XDG", map[string]string{"XDG_CACHE_HOME": "/c"}, filepath.Join("/c", "huggingface", "hub")},
		{"default", nil, filepath.Join(home, ".cache", "huggingface", "hub")},
		{"tilde", map[string]string{"HF_HOME": "~/hf"}, filepath.Join(home, "hf", "hub")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_HOME", "XDG_CACHE_HOME"} {
				t.Setenv(k, tc.env[k])
			}
			if got := CacheDir(); got != tc.want {
				t.Errorf("CacheDir() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTokenResolution(t *testing.T) {
	isolateEnv(t)
	home := os.Getenv("HF_HOME")
	if err := os.WriteFile(filepath.Join(home, "token"), []byte("hf_from_file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, _ := Options{}.resolve()
	if r.Token != "hf_from_file" {
		t.Errorf("token file not used: %q", r.Token)
	}
	t.Setenv("HF_TOKEN", "hf_env")
	r, _ = Options{}.resolve()
	if r.Token != "hf_env" {
		t.Errorf("HF_TOKEN not preferred: %q", r.Token)
	}
	r, _ = Options{Token: "hf_opt"}.resolve()
	if r.Token != "hf_opt" {
		t.Errorf("option not preferred: %q", r.Token)
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"*.safetensors", "model-00001-of-00002.safetensors", true},
		{"*.safetensors", "sub/model.safetensors", true}, // fnmatch: * crosses /
		{"*.safetensors", "model.safetensors.index.json", false},
		{"config.json", "config.json", true},
		{"config.json", "configXjson", false},
		{"tokenizer?json", "tokenizer.json", true},
		{"model-0000[12]*", "model-00002-of-00002.safetensors", true},
		{"model-0000[!12]*", "model-00002-of-00002.safetensors", false},
		{"onnx/", "onnx/model.onnx", true},
		{"ünï*", "ünïcode", true},
		{"a+b(c)", "a+b(c)", true},
	}
	for _, tc := range tests {
		re, err := globToRegexp(tc.pattern)
		if err != nil {
			t.Fatal(err)
		}
		if got := re.MatchString(tc.name); got != tc.want {
			t.Errorf("glob %q on %q = %v, want %v", tc.pattern, tc.name, got, tc.want)
		}
	}
}

func TestSafeRepoPath(t *testing.T) {
	for _, ok := range []string{"config.json", "a/b/c.json", "model-00001-of-00002.safetensors"} {
		if err := safeRepoPath(ok); err != nil {
			t.Errorf("%q rejected: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "/etc/passwd", "../x", "a/../../x", "a//b", "a\\b", "./a", "C:x", "a/", "a\x00b"} {
		if err := safeRepoPath(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestDecodeRepoInfo(t *testing.T) {
	good := `{"sha":"0123456789ABCDEF0123456789abcdef01234567","siblings":[{"rfilename":"config.json"}]}`
	info, err := decodeRepoInfo(strings.NewReader(good))
	if err != nil || info.SHA != "0123456789abcdef0123456789abcdef01234567" || len(info.Siblings) != 1 {
		t.Errorf("decode good: %+v, %v", info, err)
	}
	for _, bad := range []string{``, `[]`, `{"sha":"abc"}`, `{"sha":"../../0123456789abcdef0123456789abcdef0123"}`, `{"siblings":[]}`} {
		if _, err := decodeRepoInfo(strings.NewReader(bad)); err == nil {
			t.Errorf("decode %q accepted", bad)
		}
	}
}

func TestContentRangeStart(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"bytes 100-199/200", 100, true},
		{"bytes 0-0/1", 0, true},
		{"bytes */200", 0, false},
		{"items 1-2/3", 0, false},
		{"", 0, false},
	}
	for _, tc := range tests {
		got, ok := contentRangeStart(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("contentRangeStart(%q) = %d, %v", tc.in, got, ok)
		}
	}
}

func TestNormalizeEtag(t *testing.T) {
	for in, want := range map[string]string{`"abc"`: "abc", `W/"abc"`: "abc", "abc": "abc", ` "a" `: "a"} {
		if got := normalizeEtag(in); got != want {
			t.Errorf("normalizeEtag(%q) = %q", in, got)
		}
	}
	if safeEtag("../x") || safeEtag("") || !safeEtag("0123abc-def") {
		t.Error("safeEtag misclassifies")
	}
}

func FuzzDecodeRepoInfo(f *testing.F) {
	f.Add([]byte(`{"sha":"0123456789abcdef0123456789abcdef01234567","siblings":[{"rfilename":"config.json"}]}`))
	f.Add([]byte(`{"sha":null,"siblings":[{"rfilename":"../x"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := decodeRepoInfo(bytes.NewReader(b))
		if err != nil {
			return
		}
		if !isCommitHash(info.SHA) {
			t.Fatalf("accepted bad sha %q", info.SHA)
		}
		for _, s := range info.Siblings {
			if safeRepoPath(s.RFilename) == nil && !filepath.IsLocal(filepath.FromSlash(s.RFilename)) {
				t.Fatalf("unsafe path passed: %q", s.RFilename)
			}
		}
	})
}

func FuzzParseRepoID(f *testing.F) {
	for _, s := range []string{"Qwen/Qwen2-0.5B", "a/b@refs/pr/1", "x@..", "a/b/c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		repo, rev, err := ParseRepoID(s)
		if err != nil {
			return
		}
		folder := repoFolder(repo)
		if !filepath.IsLocal(folder) || strings.ContainsAny(folder, `/\`) {
			t.Fatalf("repo %q gives unsafe folder %q", repo, folder)
		}
		if !filepath.IsLocal(filepath.FromSlash(rev)) {
			t.Fatalf("revision %q escapes refs/", rev)
		}
	})
}

func FuzzContentRange(f *testing.F) {
	f.Add("bytes 1-2/3")
	f.Add("bytes */5")
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := contentRangeStart(s)
		if !ok {
			return
		}
		// Whatever we accept must be a non-negative start written right
		// after the unit, and re-parse to the same value.
		if n < 0 || !strings.HasPrefix(s, "bytes ") {
			t.Fatalf("contentRangeStart(%q) = %d", s, n)
		}
		if m, ok2 := contentRangeStart("bytes " + strconv.FormatInt(n, 10) + "-1/2"); !ok2 || m != n {
			t.Fatalf("re-parse of %d gave %d", n, m)
		}
	})
}
