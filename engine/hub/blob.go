package hub

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// maxAttempts bounds automatic resumes after dropped connections.
const maxAttempts = 5

// stallTimeout aborts (and then resumes) a download that receives nothing
// for this long; a variable so tests can shorten it.
var stallTimeout = 60 * time.Second

// progressEvery throttles Progress callbacks.
const progressEvery = 1 << 20

// downloadBlob fetches url into blobs/<etag>, resuming from
// blobs/<etag>.incomplete with a Range request. A server that ignores Range
// (answers 200) makes us restart from byte 0; a dropped connection is
// retried from where it stopped. The blob only appears under its final name
// once complete and, for sha256 etags, verified.
func (r resolved) downloadBlob(ctx context.Context, c cacheRepo, u, file string, m fileMeta, report func(done, total int64)) error {
	final := c.blob(m.etag)
	partial := final + ".incomplete"
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return fmt.Errorf("download %s: %w", file, err)
	}
	f, err := os.OpenFile(partial, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("download %s: %w", file, err)
	}
	closed := false
	defer func() {
		if !closed {
			f.Close()
		}
	}()

	var hs *hashState
	if sha256Etag(m.etag) {
		hs = &hashState{h: sha256.New()}
	}
	var lastErr error
	for attempt := 0; attempt < maxAttempts; attempt++ {
		if attempt > 0 {
			if err := sleepCtx(ctx, time.Duration(attempt)*200*time.Millisecond); err != nil {
				return fmt.Errorf("download %s: %w", file, err)
			}
		}
		done, retry, err := r.fetchOnce(ctx, f, u, file, m, hs, report)
		if err == nil && (m.size < 0 || done == m.size) {
			lastErr = nil
			break
		}
		if err == nil {
			err = fmt.Errorf("got %d of %d bytes", done, m.size)
			retry = done < m.size
		}
		lastErr = err
		if !retry || ctx.Err() != nil {
			break
		}
	}
	if lastErr != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("download %s: %w (partial data kept for resume)", file, ctx.Err())
		}
		if st, err := f.Stat(); err == nil && st.Size() > 0 {
			return fmt.Errorf("download %s: %w (partial data kept; run again to resume)", file, lastErr)
		}
		return fmt.Errorf("download %s: %w", file, lastErr)
	}
	if hs != nil {
		sum, err := hs.sum(f)
		if err != nil {
			return fmt.Errorf("download %s: verify: %w", file, err)
		}
		if sum != m.etag {
			f.Close()
			closed = true
			os.Remove(partial)
			return fmt.Errorf("download %s: %w: sha256 %s, hub says %s; the corrupt download was deleted, run again", file, ErrChecksum, sum, m.etag)
		}
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("download %s: sync: %w", file, err)
	}
	closed = true
	if err := f.Close(); err != nil {
		return fmt.Errorf("download %s: close: %w", file, err)
	}
	if err := os.Rename(partial, final); err != nil {
		return fmt.Errorf("download %s: %w", file, err)
	}
	return nil
}

// fetchOnce performs one GET, appending to f from its current size. It
// returns the bytes now in f and whether a failure is worth retrying.
func (r resolved) fetchOnce(ctx context.Context, f *os.File, u, file string, m fileMeta, hs *hashState, report func(done, total int64)) (int64, bool, error) {
	st, err := f.Stat()
	if err != nil {
		return 0, false, err
	}
	offset := st.Size()
	if m.size >= 0 && offset > m.size {
		offset = 0 // stale partial from a different file version
	}
	if m.size >= 0 && offset == m.size && offset > 0 {
		return offset, false, nil
	}
	// A watchdog cancels the request when no bytes arrive for stallTimeout,
	// turning a silently hung connection into a resumable retry.
	reqCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	watchdog := time.AfterFunc(stallTimeout, cancel)
	defer watchdog.Stop()
	req, err := r.newRequest(reqCtx, http.MethodGet, u)
	if err != nil {
		return 0, false, err
	}
	req.Header.Set("Accept-Encoding", "identity")
	if offset > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(offset, 10)+"-")
	}
	resp, err := r.followClient().Do(req)
	if err != nil {
		return offset, true, err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusPartialContent:
		if start, ok := contentRangeStart(resp.Header.Get("Content-Range")); !ok || start != offset {
			// Server resumed somewhere else; start over rather than splice.
			if err := f.Truncate(0); err != nil {
				return 0, false, err
			}
			return 0, true, fmt.Errorf("server resumed at %q, wanted byte %d", resp.Header.Get("Content-Range"), offset)
		}
	case resp.StatusCode == http.StatusOK:
		offset = 0 // Range ignored (or not sent): restart cleanly
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable:
		if err := f.Truncate(0); err != nil {
			return 0, false, err
		}
		return 0, true, fmt.Errorf("server rejected resume at byte %d", offset)
	default:
		err := statusError(resp, "fetch")
		return offset, resp.StatusCode >= 500, err
	}
	if err := f.Truncate(offset); err != nil {
		return 0, false, err
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return 0, false, err
	}
	if hs != nil {
		if err := hs.rewind(f, offset); err != nil {
			return 0, false, err
		}
	}
	pw := &progressWriter{w: f, hs: hs, done: offset, total: m.size, report: report, alive: func() { watchdog.Reset(stallTimeout) }}
	watchdog.Reset(stallTimeout)
	_, err = io.CopyBuffer(pw, resp.Body, make([]byte, 256<<10))
	pw.flush()
	if err != nil {
		if ctx.Err() == nil && reqCtx.Err() != nil {
			err = fmt.Errorf("no data for %v: %w", stallTimeout, err)
		}
		var pe *os.PathError
		if errors.As(err, &pe) {
			return pw.done, false, err // local disk problem: retrying won't help
		}
		return pw.done, true, err
	}
	return pw.done, false, nil
}

// contentRangeStart parses "bytes START-END/TOTAL".
func contentRangeStart(h string) (int64, bool) {
	rest, ok := strings.CutPrefix(h, "bytes ")
	if !ok {
		return 0, false
	}
	startStr, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(startStr, 10, 64)
	return n, err == nil
}

// hashState hashes the blob while it streams to disk, so verification
// costs no second pass over multi-GB files. After a resume it re-hashes the
// kept prefix once.
type hashState struct {
	h hash.Hash
	n int64 // bytes of the file hashed so far
}

// rewind makes the hash cover exactly the file's first offset bytes.
func (s *hashState) rewind(f *os.File, offset int64) error {
	if s.n == offset {
		return nil
	}
	s.h.Reset()
	s.n = 0
	if offset == 0 {
		return nil
	}
	n, err := io.CopyBuffer(s.h, io.NewSectionReader(f, 0, offset), make([]byte, 1<<20))
	s.n = n
	if err != nil {
		return fmt.Errorf("hash partial download: %w", err)
	}
	return nil
}

func (s *hashState) write(b []byte) {
	s.h.Write(b)
	s.n += int64(len(b))
}

// sum returns the hex sha256 of the whole file.
func (s *hashState) sum(f *os.File) (string, error) {
	st, err := f.Stat()
	if err != nil {
		return "", err
	}
	if err := s.rewind(f, st.Size()); err != nil {
		return "", err
	}
	return hex.EncodeToString(s.h.Sum(nil)), nil
}

type progressWriter struct {
	w           io.Writer
	hs          *hashState
	alive       func()
	done, total int64
	last        int64
	report      func(done, total int64)
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	if p.alive != nil {
		p.alive()
	}
	if p.hs != nil {
		p.hs.write(b[:n])
	}
	p.done += int64(n)
	if p.report != nil && p.done-p.last >= progressEvery {
		p.last = p.done
		p.report(p.done, p.total)
	}
	return n, err
}

func (p *progressWriter) flush() {
	if p.report != nil && p.done != p.last {
		p.last = p.done
		p.report(p.done, p.total)
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
