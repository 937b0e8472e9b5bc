package platform

import (
	"os"
	"path/filepath"
)

// HFHome is the Hugging Face home folder as huggingface_hub resolves it, so models downloaded by
// Python tools are found by swarmdesk and the other way round: $HF_HOME, else
// $XDG_CACHE_HOME/huggingface, else ~/.cache/huggingface (on every OS, Windows included).
func HFHome() string {
	home, _ := os.UserHomeDir()
	return HFHomeFor(os.Getenv, home)
}

// HFHubCache is the hub cache (models--org--name folders): $HF_HUB_CACHE, else the legacy
// $HUGGINGFACE_HUB_CACHE, else HFHome()/hub.
func HFHubCache() string {
	home, _ := os.UserHomeDir()
	return HFHubCacheFor(os.Getenv, home)
}

// HFHomeFor is HFHome with an explicit environment and home folder.
func HFHomeFor(env Env, home string) string {
	if v := env("HF_HOME"); v != "" {
		return expandHome(v, home)
	}
	if v := env("XDG_CACHE_HOME"); v != "" {
		return filepath.Join(expandHome(v, home), "huggingface")
	}
	return filepath.Join(home, ".cache", "huggingface")
}

// HFHubCacheFor is HFHubCache with an explicit environment and home folder.
func HFHubCacheFor(env Env, home string) string {
	if v := env("HF_HUB_CACHE"); v != "" {
		return expandHome(v, home)
	}
	if v := env("HUGGINGFACE_HUB_CACHE"); v != "" {
		return expandHome(v, home)
	}
	return filepath.Join(HFHomeFor(env, home), "hub")
}

// expandHome expands a leading "~" the way Python's os.path.expanduser does for these variables.
func expandHome(p, home string) string {
	if p == "~" {
		return home
	}
	if len(p) > 1 && p[0] == '~' && (p[1] == '/' || p[1] == '\\') {
		return filepath.Join(home, p[2:])
	}
	return p
}
