package hub

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/swarmdesk/swarmdesk/internal/atomicfile"
)

// cacheRepo addresses one repo's folder in the hub cache.
type cacheRepo struct {
	root  string // <cache>/models--org--name
	locks string // <cache>/.locks/models--org--name
}

func newCacheRepo(cacheDir, repo string) cacheRepo {
	return cacheRepo{
		root:  filepath.Join(cacheDir, repoFolder(repo)),
		locks: filepath.Join(cacheDir, ".locks", repoFolder(repo)),
	}
}

// lock is the per-blob lock file path huggingface_hub uses.
func (c cacheRepo) lock(etag string) string { return filepath.Join(c.locks, etag+".lock") }

func (c cacheRepo) blob(etag string) string { return filepath.Join(c.root, "blobs", etag) }
func (c cacheRepo) snapshot(commit string) string {
	return filepath.Join(c.root, "snapshots", commit)
}
func (c cacheRepo) pointer(commit, file string) string {
	return filepath.Join(c.snapshot(commit), filepath.FromSlash(file))
}
func (c cacheRepo) ref(rev string) string {
	return filepath.Join(c.root, "refs", filepath.FromSlash(rev))
}

// readRef returns the commit a revision points to in the cache.
func (c cacheRepo) readRef(rev string) (string, error) {
	if isCommitHash(rev) {
		return rev, nil
	}
	b, err := os.ReadFile(c.ref(rev))
	if err != nil {
		return "", err
	}
	commit := strings.TrimSpace(string(b))
	if !isCommitHash(commit) {
		return "", fmt.Errorf("ref file %s holds %q, not a commit hash", c.ref(rev), commit)
	}
	return commit, nil
}

// writeRef records rev -> commit atomically, so a concurrent reader never
// sees a half-written hash. Python writes the bare hash without newline.
func (c cacheRepo) writeRef(rev, commit string) error {
	if rev == commit {
		return nil
	}
	p := c.ref(rev)
	if old, err := os.ReadFile(p); err == nil && string(old) == commit {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("write ref %s: %w", rev, err)
	}
	if err := atomicfile.WriteFile(p, []byte(commit), 0o644); err != nil {
		return fmt.Errorf("write ref %s: %w", rev, err)
	}
	return nil
}

// LocalSnapshot returns the cached snapshot directory for repoID without
// touching the network; it is what offline mode uses. The revision resolves
// through refs/<rev> (or is used directly when it is a commit hash).
func LocalSnapshot(repoID string, opt Options) (string, error) {
	repo, rev, err := ParseRepoID(repoID)
	if err != nil {
		return "", err
	}
	r, err := opt.resolve()
	if err != nil {
		return "", err
	}
	c := newCacheRepo(r.CacheDir, repo)
	missing := func(why string) error {
		return fmt.Errorf("model %s@%s is not in the hub cache %s (%s); connect to the internet and download it once (unset HF_HUB_OFFLINE): %w", repo, rev, r.CacheDir, why, ErrOffline)
	}
	commit, err := c.readRef(rev)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", missing("no refs/" + rev)
		}
		return "", fmt.Errorf("read cache for %s@%s: %w", repo, rev, err)
	}
	dir := c.snapshot(commit)
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		return "", missing("no snapshot " + commit)
	}
	return dir, nil
}

// cachedFile reports whether the snapshot already has a usable file (a
// pointer whose blob exists, or a plain copied file).
func (c cacheRepo) cachedFile(commit, file string) bool {
	st, err := os.Stat(c.pointer(commit, file)) // follows the symlink
	return err == nil && st.Mode().IsRegular()
}

// link makes snapshots/<commit>/<file> point at blobs/<etag> with a
// relative symlink (what huggingface_hub creates, so the cache can be
// moved). Where symlinks are unavailable (Windows without developer mode)
// the blob is moved into place instead.
func (c cacheRepo) link(commit, file, etag string) error {
	ptr := c.pointer(commit, file)
	blob := c.blob(etag)
	if err := os.MkdirAll(filepath.Dir(ptr), 0o755); err != nil {
		return fmt.Errorf("link %s: %w", file, err)
	}
	rel, err := filepath.Rel(filepath.Dir(ptr), blob)
	if err != nil {
		return fmt.Errorf("link %s: %w", file, err)
	}
	if err := os.Remove(ptr); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("link %s: replace stale pointer: %w", file, err)
	}
	if err := symlink(rel, ptr); err == nil {
		return nil
	}
	// No symlinks: like huggingface_hub, move the blob into the snapshot
	// rather than doubling disk use for multi-GB weights; copy as a last
	// resort (e.g. cross-device cache dirs).
	if err := os.Rename(blob, ptr); err == nil {
		return nil
	}
	if err := copyFile(blob, ptr); err != nil {
		return fmt.Errorf("link %s: symlink, move and copy all failed: %w", file, err)
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := atomicfile.Create(dst, 0o644)
	if err != nil {
		return err
	}
	defer out.Abort()
	if _, err := io.Copy(out, in); err != nil {
		return err
	}
	return out.Commit()
}

// symlink is os.Symlink, swappable so tests can exercise the no-symlink
// fallback on systems that do support symlinks.
var symlink = os.Symlink

// safeRepoPath validates a file name from the hub listing before it is
// joined onto a local directory: the server is not trusted to keep us
// inside the cache.
func safeRepoPath(name string) error {
	if name == "" || strings.ContainsAny(name, "\\\x00:") || path.IsAbs(name) || path.Clean(name) != name || !filepath.IsLocal(filepath.FromSlash(name)) {
		return fmt.Errorf("hub listed an unsafe file name %q", name)
	}
	for _, seg := range strings.Split(name, "/") {
		if seg == ".." || seg == "." {
			return fmt.Errorf("hub listed an unsafe file name %q", name)
		}
	}
	return nil
}

// safeEtag validates an etag before it becomes a blob file name.
func safeEtag(etag string) bool {
	if etag == "" || len(etag) > 128 {
		return false
	}
	for _, c := range etag {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
