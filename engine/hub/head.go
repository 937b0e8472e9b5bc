package hub

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// fileMeta is what the hub says about one file before we download it.
type fileMeta struct {
	commit string // X-Repo-Commit, may be empty
	etag   string // blob name: sha256 for LFS files, git sha1 otherwise
	size   int64  // -1 if unknown
}

// headFile asks the hub for a file's etag and size. Like huggingface_hub it
// follows only relative redirects (renamed repos): the hub answers LFS files
// with a 302 to the CDN whose response carries X-Linked-Etag/X-Linked-Size,
// and the CDN's own ETag is not the content hash, so we must stop there.
func (r resolved) headFile(ctx context.Context, u, file string) (fileMeta, error) {
	what := "metadata for " + file
	noFollow := *r.HTTPClient
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for hops := 0; ; hops++ {
		if hops > 10 {
			return fileMeta{}, fmt.Errorf("%s: too many redirects", what)
		}
		req, err := r.newRequest(ctx, http.MethodHead, u)
		if err != nil {
			return fileMeta{}, fmt.Errorf("%s: %w", what, err)
		}
		req.Header.Set("Accept-Encoding", "identity")
		resp, err := noFollow.Do(req)
		if err != nil {
			return fileMeta{}, fmt.Errorf("%s: %w (check your internet connection, or use offline mode)", what, err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 400 {
			return fileMeta{}, statusError(resp, what)
		}
		loc := resp.Header.Get("Location")
		if resp.StatusCode >= 300 && loc != "" {
			next, err := url.Parse(loc)
			if err != nil {
				return fileMeta{}, fmt.Errorf("%s: bad redirect %q: %w", what, loc, err)
			}
			if next.Scheme == "" && next.Host == "" {
				u = resp.Request.URL.ResolveReference(next).String()
				continue
			}
		}
		m := fileMeta{commit: strings.ToLower(resp.Header.Get("X-Repo-Commit")), size: -1}
		m.etag = normalizeEtag(resp.Header.Get("X-Linked-Etag"))
		if m.etag == "" {
			m.etag = normalizeEtag(resp.Header.Get("ETag"))
		}
		sizeHdr := resp.Header.Get("X-Linked-Size")
		if sizeHdr == "" && resp.StatusCode < 300 {
			sizeHdr = resp.Header.Get("Content-Length")
		}
		if n, err := strconv.ParseInt(sizeHdr, 10, 64); err == nil && n >= 0 {
			m.size = n
		}
		if !safeEtag(m.etag) {
			return fileMeta{}, fmt.Errorf("%s: hub sent no usable ETag (%q); cannot place the file in the cache", what, m.etag)
		}
		return m, nil
	}
}

// normalizeEtag strips the weak marker and quotes: `W/"abc"` → abc.
func normalizeEtag(e string) string {
	e = strings.TrimSpace(e)
	e = strings.TrimPrefix(e, "W/")
	return strings.Trim(e, `"`)
}

// sha256Etag reports whether the etag is an LFS content sha256 we can
// verify downloads against (git-stored small files use a git blob sha1).
func sha256Etag(etag string) bool {
	return len(etag) == 64 && isHex(etag)
}
