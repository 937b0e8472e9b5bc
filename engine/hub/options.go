package hub

import (
	"net/http"
	"os"
	"regexp"
	"strings"
)

// DefaultEndpoint is the public hub; HF_ENDPOINT overrides it (mirrors).
const DefaultEndpoint = "https://huggingface.co"

// DefaultAllow lists the files a Qwen2-style causal LM needs, so we skip
// the PyTorch .bin duplicates, ONNX exports and READMEs many repos carry.
var DefaultAllow = []string{
	"config.json",
	"generation_config.json",
	"tokenizer.json",
	"tokenizer_config.json",
	"*.safetensors",
	"model.safetensors.index.json",
}

// Options configures Download and LocalSnapshot. The zero value uses the
// environment (HF_ENDPOINT, HF_HUB_CACHE/HF_HOME, HF_TOKEN,
// HF_HUB_OFFLINE), DefaultAllow and http.DefaultClient.
type Options struct {
	// Endpoint is the hub base URL; default $HF_ENDPOINT or huggingface.co.
	Endpoint string
	// CacheDir is the hub cache root; default CacheDir().
	CacheDir string
	// Token authenticates gated/private repos; default $HF_TOKEN, then the
	// token file huggingface-cli login writes. It is sent only to Endpoint
	// and never appears in errors or logs.
	Token string
	// Offline reads the cache only (also enabled by HF_HUB_OFFLINE=1).
	Offline bool
	// Allow holds glob patterns on repo-relative file names ('*' also
	// matches '/', as in huggingface_hub allow_patterns); default
	// DefaultAllow.
	Allow []string
	// Progress, if set, is called as bytes arrive (at most every 1 MiB and
	// once at the end of each file), from the downloading goroutine.
	Progress func(Progress)
	// HTTPClient is used for all requests; default http.DefaultClient.
	HTTPClient *http.Client
}

// Progress reports one file's download state for UIs.
type Progress struct {
	File                 string
	Done, Total          int64 // Total is -1 when the server did not say
	FileIndex, FileCount int
}

// resolved is Options with every default filled in.
type resolved struct {
	Options
	allow []*regexp.Regexp
}

func (o Options) resolve() (resolved, error) {
	if o.Endpoint == "" {
		o.Endpoint = os.Getenv("HF_ENDPOINT")
	}
	if o.Endpoint == "" {
		o.Endpoint = DefaultEndpoint
	}
	o.Endpoint = strings.TrimRight(o.Endpoint, "/")
	if o.CacheDir == "" {
		o.CacheDir = CacheDir()
	}
	if o.Token == "" {
		o.Token = envToken()
	}
	if !o.Offline {
		o.Offline = OfflineFor(os.Getenv)
	}
	if o.Allow == nil {
		o.Allow = DefaultAllow
	}
	if o.HTTPClient == nil {
		o.HTTPClient = http.DefaultClient
	}
	r := resolved{Options: o}
	for _, p := range o.Allow {
		re, err := globToRegexp(p)
		if err != nil {
			return resolved{}, err
		}
		r.allow = append(r.allow, re)
	}
	return r, nil
}

func (r resolved) allowed(name string) bool {
	for _, re := range r.allow {
		if re.MatchString(name) {
			return true
		}
	}
	return false
}
