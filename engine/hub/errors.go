package hub

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Sentinel errors callers can test with errors.Is to pick a UI message.
var (
	// ErrAuth: the repo is gated or private and the token is missing or
	// lacks access.
	ErrAuth = errors.New("gated or private model: set HF_TOKEN (and accept the model's terms on huggingface.co)")
	// ErrNotFound: the repo, revision or file does not exist.
	ErrNotFound = errors.New("no such model/revision")
	// ErrOffline: the cache does not hold what offline mode needs
	// (returned by LocalSnapshot and by Download in offline mode).
	ErrOffline = errors.New("not available offline")
	// ErrChecksum: downloaded bytes did not match the hub's sha256.
	ErrChecksum = errors.New("checksum mismatch")
	// ErrNetwork marks transport failures (no connection, DNS), as opposed
	// to answers from the hub; only these fall back to the cache, and a UI
	// tells the person that this computer seems to be offline.
	ErrNetwork = errors.New("cannot reach the hub")
)

// statusError converts a non-success hub response into an actionable
// error. The hub answers 401 for repos that do not exist when the request is
// unauthenticated (so private names do not leak); X-Error-Code tells the
// cases apart.
func statusError(resp *http.Response, what string) error {
	code := resp.Header.Get("X-Error-Code")
	msg := serverMessage(resp)
	switch {
	case code == "RepoNotFound" || code == "RevisionNotFound" || code == "EntryNotFound":
		hint := ""
		if code == "RepoNotFound" && resp.StatusCode == http.StatusUnauthorized {
			hint = " (if the model is private, set HF_TOKEN)"
		}
		return fmt.Errorf("%s: %w%s (%s)", what, ErrNotFound, hint, code)
	case code == "GatedRepo" || resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return fmt.Errorf("%s: HTTP %d: %w%s", what, resp.StatusCode, ErrAuth, msg)
	case resp.StatusCode == http.StatusNotFound:
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	case resp.StatusCode == http.StatusTooManyRequests:
		return fmt.Errorf("%s: HTTP 429 rate limited by the hub; wait a few minutes or set HF_TOKEN%s", what, msg)
	default:
		return fmt.Errorf("%s: unexpected HTTP %d%s", what, resp.StatusCode, msg)
	}
}

// serverMessage extracts a short server message for context, bounded so a
// hostile server cannot flood logs.
func serverMessage(resp *http.Response) string {
	if m := resp.Header.Get("X-Error-Message"); m != "" {
		return ": " + truncate(m)
	}
	if resp.Body == nil {
		return ""
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	s := strings.TrimSpace(string(b))
	if s == "" {
		return ""
	}
	return ": " + truncate(s)
}

func truncate(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 {
			return ' '
		}
		return r
	}, s)
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
