package record

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// DefaultSyncEvery bounds how much wall time of recording a power loss can
// take: frames are written to the OS immediately (a process crash loses
// nothing) and fsynced whenever this much time has passed since the last
// fsync, so with ticks at most 0.5 s apart at most one second is lost.
const DefaultSyncEvery = 500 * time.Millisecond

// Writer appends records to a session file. It is not safe for concurrent
// use; the session loop owns it.
type Writer struct {
	f         *os.File
	path      string
	now       func() time.Time
	lastSync  time.Time
	SyncEvery time.Duration
	ended     bool
	buf       []byte
	syncs     int // fsync count, for tests of the durability policy
}

// ErrEnded is returned by appends after End.
var ErrEnded = errors.New("session already ended")

// Create starts a new session file at dir/name (the directory is created if
// missing; an existing file is never overwritten) and durably writes the
// header records. now may be nil (time.Now).
func Create(dir, name string, meta Meta, goal, initial *world.Grid, start []world.Vec, now func() time.Time) (*Writer, error) {
	if err := meta.validate(); err != nil {
		return nil, fmt.Errorf("create session: %w", err)
	}
	if len(start) != len(meta.Players) {
		return nil, fmt.Errorf("create session: %d start positions for %d players", len(start), len(meta.Players))
	}
	if now == nil {
		now = time.Now
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create session dir %s: %w", dir, err)
	}
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create session %s: %w", path, err)
	}
	w := &Writer{f: f, path: path, now: now, SyncEvery: DefaultSyncEvery}
	mb, err := encodeMeta(meta)
	if err != nil {
		f.Close()
		return nil, err
	}
	b := []byte(Magic)
	b = appendFrame(b, TypeMeta, mb)
	b = appendFrame(b, TypeGoal, encodeGrid(goal))
	b = appendFrame(b, TypeInitial, encodeInitial(initial, start))
	if err := w.write(b, true); err != nil {
		f.Close()
		return nil, err
	}
	return w, nil
}

// Path is the session file path.
func (w *Writer) Path() string { return w.path }

func (w *Writer) write(b []byte, forceSync bool) error {
	if _, err := w.f.Write(b); err != nil {
		return fmt.Errorf("write session %s: %w", w.path, err)
	}
	now := w.now()
	if forceSync || now.Sub(w.lastSync) >= w.SyncEvery {
		if err := w.f.Sync(); err != nil {
			return fmt.Errorf("sync session %s: %w", w.path, err)
		}
		w.lastSync = now
		w.syncs++
	}
	return nil
}

// AppendTick records one env step.
func (w *Writer) AppendTick(t *Tick) error {
	if w.ended {
		return ErrEnded
	}
	w.buf = appendFrame(w.buf[:0], TypeTick, encodeTick(t))
	return w.write(w.buf, false)
}

// End writes the End record, fsyncs and closes the file. Calling it again
// returns ErrEnded, which callers finishing through one shared path may
// ignore.
func (w *Writer) End(e End) error {
	if w.ended {
		return ErrEnded
	}
	w.ended = true
	if err := w.write(appendFrame(nil, TypeEnd, encodeEnd(e)), true); err != nil {
		w.f.Close()
		return err
	}
	if err := w.f.Close(); err != nil {
		return fmt.Errorf("close session %s: %w", w.path, err)
	}
	return nil
}

// Abandon closes the file without an End record (simulates a crash in tests
// and lets callers bail out; Recover finalises such files).
func (w *Writer) Abandon() error {
	w.ended = true
	return w.f.Close()
}
