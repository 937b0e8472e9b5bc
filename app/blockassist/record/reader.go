package record

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// Session is a decoded session file.
type Session struct {
	Meta     Meta
	Goal     world.Grid
	Initial  world.Grid
	StartPos []world.Vec
	Ticks    []Tick
	End      *End // nil if the session never ended cleanly
	// ValidBytes is the length of the intact prefix; Torn says bytes after it
	// were dropped (a crash mid-write or corruption).
	ValidBytes int64
	Torn       bool
}

// Read decodes a session. A damaged tail is not an error: decoding stops at
// the last intact frame and Torn is set. Errors mean the intact part itself
// is unusable (not a session file, missing header records, records that
// break the format's rules).
func Read(r io.Reader) (*Session, error) {
	br := bufio.NewReader(r)
	var magic [len(Magic)]byte
	if _, err := io.ReadFull(br, magic[:]); err != nil || string(magic[:]) != Magic {
		return nil, fmt.Errorf("not a BlockAssist session file (bad magic): was it written by this app?")
	}
	s := &Session{ValidBytes: int64(len(Magic))}
	var buf []byte
	stage := TypeMeta // next required header record
	for {
		typ, payload, n, err := readFrame(br, buf)
		if err == io.EOF {
			break
		}
		if errors.Is(err, errTorn) {
			s.Torn = true
			break
		}
		if err != nil {
			return nil, err
		}
		buf = payload[:cap(payload)]
		if err := s.apply(typ, payload, &stage); err != nil {
			return nil, fmt.Errorf("session record at byte %d: %w", s.ValidBytes, err)
		}
		s.ValidBytes += int64(n)
	}
	if stage == TypeMeta || stage == TypeGoal || stage == TypeInitial {
		return nil, fmt.Errorf("session header incomplete (next record would be type %d): the file was cut before recording began", stage)
	}
	return s, nil
}

func (s *Session) apply(typ byte, p []byte, stage *byte) error {
	if typ != *stage && !(*stage == TypeTick && typ == TypeEnd) {
		return fmt.Errorf("record type %d where type %d belongs", typ, *stage)
	}
	switch typ {
	case TypeMeta:
		m, err := decodeMeta(p)
		if err != nil {
			return err
		}
		s.Meta, *stage = m, TypeGoal
	case TypeGoal:
		if len(p) != world.NumVoxels {
			return fmt.Errorf("goal record %d bytes, want %d", len(p), world.NumVoxels)
		}
		g, err := decodeGrid(p)
		if err != nil {
			return fmt.Errorf("goal: %w", err)
		}
		s.Goal, *stage = g, TypeInitial
	case TypeInitial:
		g, pos, err := decodeInitial(p, len(s.Meta.Players))
		if err != nil {
			return err
		}
		s.Initial, s.StartPos, *stage = g, pos, TypeTick
	case TypeTick:
		t, err := decodeTick(p, len(s.Meta.Players))
		if err != nil {
			return err
		}
		if want := uint32(len(s.Ticks)); t.Tick != want {
			return fmt.Errorf("tick %d out of order (want %d)", t.Tick, want)
		}
		s.Ticks = append(s.Ticks, t)
	case TypeEnd:
		e, err := decodeEnd(p)
		if err != nil {
			return err
		}
		s.End, *stage = &e, 0 // nothing may follow End
	default:
		return fmt.Errorf("unknown record type %d", typ)
	}
	return nil
}

// ReadFile reads a session file without modifying it.
func ReadFile(path string) (*Session, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open session: %w", err)
	}
	defer f.Close()
	s, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("read session %s: %w", path, err)
	}
	return s, nil
}

// Recover makes a session file consistent after a crash: it truncates a torn
// tail, and if the session never ended it appends an End record with reason
// EndInterrupted (at the last recorded tick). It returns the repaired
// session. Calling it on a clean file changes nothing.
func Recover(path string) (*Session, error) {
	s, err := ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("recover: %w", err)
	}
	if !s.Torn && s.End != nil {
		return s, nil
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("recover %s: %w", path, err)
	}
	defer f.Close()
	if err := f.Truncate(s.ValidBytes); err != nil {
		return nil, fmt.Errorf("recover %s: truncate torn tail: %w", path, err)
	}
	if s.End == nil {
		e := End{Reason: EndInterrupted}
		if n := len(s.Ticks); n > 0 {
			e.Tick, e.WallMs = s.Ticks[n-1].Tick+1, s.Ticks[n-1].WallMs
		}
		frame := appendFrame(nil, TypeEnd, encodeEnd(e))
		if _, err := f.WriteAt(frame, s.ValidBytes); err != nil {
			return nil, fmt.Errorf("recover %s: append end: %w", path, err)
		}
		s.End = &e
		s.ValidBytes += int64(len(frame))
	}
	if err := f.Sync(); err != nil {
		return nil, fmt.Errorf("recover %s: sync: %w", path, err)
	}
	s.Torn = false
	return s, nil
}
