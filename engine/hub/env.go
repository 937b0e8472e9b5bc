package hub

import (
	"os"
	"path/filepath"
	"strings"
)

// The Hugging Face environment, read in this one place: where huggingface_hub keeps its cache,
// whether the hub may be asked at all, and the token. The rules are huggingface_hub's own, so
// models downloaded by Python tools are found here and the other way round; the app passes its
// own getenv (tests pass a map) and never reads these variables itself.

// Getenv reads one environment variable: os.Getenv, or a test's map.
type Getenv func(string) string

// HomeFor is the Hugging Face home folder: $HF_HOME, else $XDG_CACHE_HOME/huggingface, else
// ~/.cache/huggingface (on every OS, Windows included).
func HomeFor(getenv Getenv, home string) string {
	if v := getenv("HF_HOME"); v != "" {
		return expandHome(v, home)
	}
	if v := getenv("XDG_CACHE_HOME"); v != "" {
		return filepath.Join(expandHome(v, home), "huggingface")
	}
	return filepath.Join(home, ".cache", "huggingface")
}

// CacheDirFor is the hub cache (models--org--name folders): $HF_HUB_CACHE, else the legacy
// $HUGGINGFACE_HUB_CACHE, else HomeFor()/hub.
func CacheDirFor(getenv Getenv, home string) string {
	if v := getenv("HF_HUB_CACHE"); v != "" {
		return expandHome(v, home)
	}
	if v := getenv("HUGGINGFACE_HUB_CACHE"); v != "" {
		return expandHome(v, home)
	}
	return filepath.Join(HomeFor(getenv, home), "hub")
}

// CacheDir is CacheDirFor this process's environment and user: the default of Options.CacheDir.
func CacheDir() string { return CacheDirFor(os.Getenv, userHome()) }

// OfflineFor says whether HF_HUB_OFFLINE forbids asking the hub (1, true, yes or on).
func OfflineFor(getenv Getenv) bool {
	switch strings.ToLower(strings.TrimSpace(getenv("HF_HUB_OFFLINE"))) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// userHome is the user's home folder, or "." when the OS does not say.
func userHome() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return "."
	}
	return home
}

// expandHome expands a leading "~" the way Python's os.path.expanduser does for these variables
// ("~", "~/x" and, as Windows writes it, "~\x").
func expandHome(p, home string) string {
	if p == "~" {
		return home
	}
	if len(p) > 1 && p[0] == '~' && (p[1] == '/' || p[1] == '\\') {
		return filepath.Join(home, p[2:])
	}
	return p
}

// envToken is the token for gated and private repos: $HF_TOKEN, the legacy
// $HUGGING_FACE_HUB_TOKEN, then the file huggingface-cli login writes ($HF_TOKEN_PATH or the
// Hugging Face home's token).
func envToken() string {
	for _, k := range []string{"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"} {
		if v := strings.TrimSpace(os.Getenv(k)); v != "" {
			return v
		}
	}
	p := os.Getenv("HF_TOKEN_PATH")
	if p == "" {
		p = filepath.Join(HomeFor(os.Getenv, userHome()), "token")
	}
	if b, err := os.ReadFile(p); err == nil {
		return strings.TrimSpace(string(b))
	}
	return ""
}
