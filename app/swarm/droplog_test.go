package swarm

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuf collects output written from other goroutines (a node's logger,
// a child process's stderr).
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuf) lines() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Split(strings.TrimSpace(s.b.String()), "\n")
}

// TestDropLogIsRateLimited: a burst of drops gives one summary line with
// the counts by reason and the worst senders, not a line per message.
func TestDropLogIsRateLimited(t *testing.T) {
	var buf syncBuf
	n := newTestNode(t, edKey(t), nil, func(c *Config) {
		c.Logger = slog.New(slog.NewTextHandler(&buf, nil))
		c.DropLogEvery = 300 * time.Millisecond
	})
	bad, late := idOf(t, edKey(t)), idOf(t, edKey(t))
	for range 100 {
		n.counters.drop(DropSignature, bad)
	}
	n.counters.note(DropRound, late)
	time.Sleep(800 * time.Millisecond)
	lines := buf.lines()
	if len(lines) != 1 {
		t.Fatalf("want 1 summary line for a burst, got %d:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	for _, want := range []string{"count=101", "signature=100 round=1", shortID(bad) + "): 100"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("summary lacks %q: %s", want, lines[0])
		}
	}
	n.counters.drop(DropMalformed, bad)
	time.Sleep(800 * time.Millisecond)
	lines = buf.lines()
	if len(lines) != 2 || !strings.Contains(lines[1], "count=1 ") || !strings.Contains(lines[1], "malformed=1") {
		t.Fatalf("want a second line for the new drop only:\n%s", strings.Join(lines, "\n"))
	}
}
