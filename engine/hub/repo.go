package hub

import (
	"fmt"
	"strings"
)

// DefaultRevision is used when a repo id carries no @revision.
const DefaultRevision = "main"

// ParseRepoID splits "org/name[@revision]" (a bare "name" is accepted for
// legacy hub repos such as "gpt2"). The revision defaults to "main" and may
// be a branch, tag, "refs/pr/N" or a commit hash. Names are restricted to
// the hub's character set because they become cache directory names.
func ParseRepoID(s string) (repo, rev string, err error) {
	repo, rev = s, DefaultRevision
	if i := strings.IndexByte(s, '@'); i >= 0 {
		repo, rev = s[:i], s[i+1:]
		if rev == "" {
			return "", "", fmt.Errorf("repo id %q: empty revision after @", s)
		}
	}
	parts := strings.Split(repo, "/")
	if len(parts) > 2 {
		return "", "", fmt.Errorf("repo id %q: want org/name[@revision]", s)
	}
	for _, p := range parts {
		if !validName(p) {
			return "", "", fmt.Errorf("repo id %q: %q is not a valid hub name (letters, digits, '-', '_', '.'; want org/name[@revision])", s, p)
		}
	}
	if err := validRevision(rev); err != nil {
		return "", "", fmt.Errorf("repo id %q: %w", s, err)
	}
	return repo, rev, nil
}

func validName(p string) bool {
	if p == "" || len(p) > 96 || p == "." || p == ".." || strings.Contains(p, "--") || strings.Contains(p, "..") {
		return false
	}
	for _, c := range p {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// validRevision rejects revisions that could escape refs/ when used as a
// path; branch names with slashes ("refs/pr/1") are allowed.
func validRevision(rev string) error {
	if len(rev) > 256 {
		return fmt.Errorf("revision too long")
	}
	for _, seg := range strings.Split(rev, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("invalid revision %q", rev)
		}
	}
	for _, c := range rev {
		if c < 0x21 || c == 0x7f || c == '\\' || c == ':' {
			return fmt.Errorf("invalid character in revision %q", rev)
		}
	}
	return nil
}

// repoFolder is the cache directory name for a model repo.
func repoFolder(repo string) string {
	return "models--" + strings.ReplaceAll(repo, "/", "--")
}

// isCommitHash reports whether rev is a full 40-hex git commit id.
func isCommitHash(rev string) bool {
	return len(rev) == 40 && isHex(rev)
}

func isHex(s string) bool {
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
