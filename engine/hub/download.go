package hub

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
)

// Download makes the files of repoID ("org/name[@revision]") that match
// opt.Allow available locally and returns the snapshot directory, ready to
// pass to safetensors.Open and the tokenizer loader.
//
// Files already in the cache cost no download (only the listing request is
// made); blobs shared with other snapshots are linked, not re-fetched.
// In offline mode (opt.Offline or HF_HUB_OFFLINE=1) only the cache is read;
// when the hub cannot be reached at all, a cached snapshot of the revision
// is returned as well.
func Download(ctx context.Context, repoID string, opt Options) (snapshotDir string, err error) {
	repo, rev, err := ParseRepoID(repoID)
	if err != nil {
		return "", err
	}
	r, err := opt.resolve()
	if err != nil {
		return "", err
	}
	if r.Offline {
		return LocalSnapshot(repoID, r.Options)
	}
	info, err := r.fetchInfo(ctx, repo, rev)
	if err != nil {
		// Like huggingface_hub: with no connection, a model already in the
		// cache is still usable, so the app keeps working offline without
		// the user having to flip a setting.
		if errors.Is(err, ErrNetwork) && ctx.Err() == nil {
			if dir, lerr := LocalSnapshot(repoID, r.Options); lerr == nil {
				return dir, nil
			}
		}
		return "", err
	}
	commit := info.SHA
	var files []string
	for _, s := range info.Siblings {
		if !r.allowed(s.RFilename) {
			continue
		}
		if err := safeRepoPath(s.RFilename); err != nil {
			return "", fmt.Errorf("list %s@%s: %w", repo, rev, err)
		}
		files = append(files, s.RFilename)
	}
	if len(files) == 0 {
		return "", fmt.Errorf("%s@%s has no files matching %v; is it a safetensors model?", repo, rev, r.Allow)
	}
	sort.Strings(files)

	c := newCacheRepo(r.CacheDir, repo)
	for i, file := range files {
		report := func(done, total int64) {
			if r.Progress != nil {
				r.Progress(Progress{File: file, Done: done, Total: total, FileIndex: i, FileCount: len(files)})
			}
		}
		if err := ctx.Err(); err != nil {
			return "", fmt.Errorf("download %s: %w", repo, err)
		}
		if err := r.fetchFile(ctx, c, repo, commit, file, report); err != nil {
			return "", fmt.Errorf("download %s@%s: %w", repo, rev, err)
		}
	}
	if err := c.writeRef(rev, commit); err != nil {
		return "", err
	}
	return c.snapshot(commit), nil
}

// fetchFile ensures snapshots/<commit>/<file> exists, downloading its blob
// only if no snapshot already references identical content.
func (r resolved) fetchFile(ctx context.Context, c cacheRepo, repo, commit, file string, report func(done, total int64)) error {
	if c.cachedFile(commit, file) {
		if st, err := os.Stat(c.pointer(commit, file)); err == nil {
			report(st.Size(), st.Size())
		}
		return nil
	}
	u := r.fileURL(repo, commit, file)
	m, err := r.headFile(ctx, u, file)
	if err != nil {
		return err
	}
	if m.commit != "" && m.commit != commit {
		return fmt.Errorf("%s: hub served commit %s while listing said %s; the repo changed during download, run again", file, m.commit, commit)
	}
	unlock, err := lockFile(ctx, c.lock(m.etag))
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	defer unlock()
	st, err := os.Stat(c.blob(m.etag))
	switch {
	case err == nil && (m.size < 0 || st.Size() == m.size):
		report(st.Size(), st.Size())
	case err == nil || errors.Is(err, os.ErrNotExist):
		if err := r.downloadBlob(ctx, c, u, file, m, report); err != nil {
			return err
		}
	default:
		return fmt.Errorf("%s: %w", file, err)
	}
	return c.link(commit, file, m.etag)
}
