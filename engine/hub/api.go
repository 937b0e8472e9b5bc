package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// repoInfo is the subset of GET /api/models/{repo}/revision/{rev} we use.
type repoInfo struct {
	SHA      string `json:"sha"`
	Siblings []struct {
		RFilename string `json:"rfilename"`
	} `json:"siblings"`
}

// maxInfoSize bounds the listing JSON (repos with thousands of files are a
// few MB).
const maxInfoSize = 32 << 20

// fetchInfo resolves rev to a commit and lists the repo's files.
func (r resolved) fetchInfo(ctx context.Context, repo, rev string) (repoInfo, error) {
	what := fmt.Sprintf("list %s@%s", repo, rev)
	u := fmt.Sprintf("%s/api/models/%s/revision/%s", r.Endpoint, repo, url.PathEscape(rev))
	req, err := r.newRequest(ctx, http.MethodGet, u)
	if err != nil {
		return repoInfo{}, fmt.Errorf("%s: %w", what, err)
	}
	resp, err := r.followClient().Do(req)
	if err != nil {
		return repoInfo{}, fmt.Errorf("%s: %w: %w (check your internet connection, or use offline mode)", what, ErrNetwork, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return repoInfo{}, statusError(resp, what)
	}
	info, err := decodeRepoInfo(io.LimitReader(resp.Body, maxInfoSize))
	if err != nil {
		return repoInfo{}, fmt.Errorf("%s: invalid response from %s: %w", what, r.Endpoint, err)
	}
	return info, nil
}

// decodeRepoInfo parses and validates the listing: the commit must be a
// full hash because it becomes a directory name.
func decodeRepoInfo(body io.Reader) (repoInfo, error) {
	var info repoInfo
	if err := json.NewDecoder(body).Decode(&info); err != nil {
		return repoInfo{}, err
	}
	info.SHA = strings.ToLower(info.SHA)
	if !isCommitHash(info.SHA) {
		return repoInfo{}, fmt.Errorf("invalid commit %q", info.SHA)
	}
	return info, nil
}

// newRequest builds a hub request with auth. The token goes only to the
// configured endpoint (see followClient for redirects).
func (r resolved) newRequest(ctx context.Context, method, u string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "swarmdesk-hub/1")
	if r.Token != "" && strings.HasPrefix(u, r.Endpoint+"/") {
		req.Header.Set("Authorization", "Bearer "+r.Token)
	}
	return req, nil
}

// followClient follows every redirect (the LFS CDN is another host) but,
// like Python requests, drops the token once a redirect leaves the
// endpoint's host: Go would otherwise forward it to subdomains such as
// cdn-lfs.huggingface.co, and presigned CDN URLs reject extra auth.
func (r resolved) followClient() *http.Client {
	c := *r.HTTPClient
	orig := c.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Host != via[0].URL.Host {
			req.Header.Del("Authorization")
		}
		if orig != nil {
			return orig(req, via)
		}
		if len(via) >= 10 {
			return fmt.Errorf("stopped after %d redirects", len(via))
		}
		return nil
	}
	return &c
}

// fileURL is the resolve URL of one file at a commit. Path segments are
// escaped individually so nested files keep their slashes.
func (r resolved) fileURL(repo, commit, file string) string {
	segs := strings.Split(file, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return fmt.Sprintf("%s/%s/resolve/%s/%s", r.Endpoint, repo, commit, strings.Join(segs, "/"))
}
