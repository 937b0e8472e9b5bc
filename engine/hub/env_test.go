package hub

import (
	"path/filepath"
	"testing"
)

func envOf(m map[string]string) Getenv { return func(k string) string { return m[k] } }

func TestHFCache(t *testing.T) {
	home := "/home/ana"
	tests := []struct {
		env       map[string]string
		wantHome  string
		wantCache string
	}{
		{nil, "/home/ana/.cache/huggingface", "/home/ana/.cache/huggingface/hub"},
		{map[string]string{"XDG_CACHE_HOME": "/c"}, "/c/huggingface", "/c/huggingface/hub"},
		{map[string]string{"HF_HOME": "/hf"}, "/hf", "/hf/hub"},
		{map[string]string{"HF_HOME": "~/hf"}, "/home/ana/hf", "/home/ana/hf/hub"},
		{map[string]string{"HF_HOME": `~\hf`}, "/home/ana/hf", "/home/ana/hf/hub"},
		{map[string]string{"HF_HUB_CACHE": "~"}, "/home/ana/.cache/huggingface", "/home/ana"},
		{map[string]string{"HF_HOME": "/hf", "HF_HUB_CACHE": "/models"}, "/hf", "/models"},
		{map[string]string{"HUGGINGFACE_HUB_CACHE": "/legacy"}, "/home/ana/.cache/huggingface", "/legacy"},
	}
	for _, tt := range tests {
		if got := HomeFor(envOf(tt.env), home); got != filepath.FromSlash(tt.wantHome) {
			t.Errorf("HomeFor(%v) = %s, want %s", tt.env, got, tt.wantHome)
		}
		if got := CacheDirFor(envOf(tt.env), home); got != filepath.FromSlash(tt.wantCache) {
			t.Errorf("CacheDirFor(%v) = %s, want %s", tt.env, got, tt.wantCache)
		}
	}
}

func TestOfflineFor(t *testing.T) {
	for v, want := range map[string]bool{"": false, "0": false, "1": true, "true": true, " YES ": true, "on": true, "no": false} {
		if got := OfflineFor(envOf(map[string]string{"HF_HUB_OFFLINE": v})); got != want {
			t.Errorf("HF_HUB_OFFLINE=%q: offline %v, want %v", v, got, want)
		}
	}
}
