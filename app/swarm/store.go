package swarm

import (
	"bytes"
	"sort"
	"sync"
)

// store keeps the verified envelopes of the rounds inside the window, keyed
// round → author → batch id. Keeping the original signed bytes lets the
// node serve them to late joiners (sync) with the author's signature intact.
type store struct {
	mu      sync.Mutex
	current uint64
	rounds  map[uint64]map[string]map[string]storedRollout
	bytes   map[uint64]int // stored envelope bytes per round
	changed chan struct{}  // closed and replaced on every add
	limits  Limits
}

type storedRollout struct {
	rollout Rollout
	raw     []byte
	msgID   string // gossipsub message id it arrived with; "" for sync/own
}

func newStore(l Limits) *store {
	return &store{rounds: map[uint64]map[string]map[string]storedRollout{}, bytes: map[uint64]int{}, changed: make(chan struct{}), limits: l}
}

// inWindow reports whether round r is acceptable relative to the current
// round. Caller holds mu.
func (s *store) inWindow(r uint64) bool {
	w := s.limits.RoundWindow
	return r+w >= s.current && r <= s.current+w
}

// setRound advances the current round (never backwards) and forgets rounds
// that fell out of the window, bounding memory.
func (s *store) setRound(r uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r <= s.current {
		return
	}
	s.current = r
	for k := range s.rounds {
		if !s.inWindow(k) {
			delete(s.rounds, k)
			delete(s.bytes, k)
		}
	}
}

func (s *store) round() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.current
}

// check says whether a verified rollout could be added, without adding it.
// It returns "" when it can.
func (s *store) check(r *Rollout, raw []byte) DropReason {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.checkLocked(r, raw)
}

func (s *store) checkLocked(r *Rollout, raw []byte) DropReason {
	if !s.inWindow(r.Round) {
		return DropRound
	}
	byAuthor := s.rounds[r.Round][r.PeerID]
	if _, dup := byAuthor[r.BatchID]; dup {
		return DropReplay
	}
	if len(byAuthor) >= s.limits.MaxPerPeerRound || s.bytes[r.Round]+len(raw) > s.limits.MaxRoundBytes {
		return DropRate
	}
	return ""
}

// add stores a verified rollout; it returns the reason when it cannot.
func (s *store) add(r Rollout, raw []byte) DropReason { return s.addMsg(r, raw, "") }

// addMsg is add remembering the gossip message id, so a later identical
// copy can be told apart: same id = the same gossip message reaching us on
// two paths (benign), different id = the envelope was published again
// (replay).
func (s *store) addMsg(r Rollout, raw []byte, msgID string) DropReason {
	s.mu.Lock()
	defer s.mu.Unlock()
	if why := s.checkLocked(&r, raw); why != "" {
		return why
	}
	byRound := s.rounds[r.Round]
	if byRound == nil {
		byRound = map[string]map[string]storedRollout{}
		s.rounds[r.Round] = byRound
	}
	byAuthor := byRound[r.PeerID]
	if byAuthor == nil {
		byAuthor = map[string]storedRollout{}
		byRound[r.PeerID] = byAuthor
	}
	byAuthor[r.BatchID] = storedRollout{rollout: r, raw: raw, msgID: msgID}
	s.bytes[r.Round] += len(raw)
	close(s.changed)
	s.changed = make(chan struct{})
	return ""
}

// wait returns a channel closed at the next add.
func (s *store) wait() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

// rollouts returns copies of round r's rollouts sorted by author then batch.
func (s *store) rollouts(r uint64) []Rollout {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Rollout
	for _, byAuthor := range s.rounds[r] {
		for _, st := range byAuthor {
			out = append(out, st.rollout.clone())
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].PeerID != out[j].PeerID {
			return out[i].PeerID < out[j].PeerID
		}
		return out[i].BatchID < out[j].BatchID
	})
	return out
}

// raws returns the signed envelopes of round r (shared, read-only slices).
func (s *store) raws(r uint64) [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out [][]byte
	for _, byAuthor := range s.rounds[r] {
		for _, st := range byAuthor {
			out = append(out, st.raw)
		}
	}
	return out
}

// authors returns, for round r, each author's batch ids.
func (s *store) authors(r uint64) map[string][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string][]string{}
	for a, byAuthor := range s.rounds[r] {
		for b := range byAuthor {
			out[a] = append(out[a], b)
		}
		sort.Strings(out[a])
	}
	return out
}

// has reports whether exactly raw is stored for (round, author, batch).
func (s *store) has(round uint64, author, batch string, raw []byte) bool {
	same, _ := s.same(round, author, batch, raw)
	return same
}

// same reports whether exactly raw is stored for (round, author, batch) and
// with which gossip message id.
func (s *store) same(round uint64, author, batch string, raw []byte) (bool, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.rounds[round][author][batch]
	if !ok || !bytes.Equal(st.raw, raw) {
		return false, ""
	}
	return true, st.msgID
}

// rawsExcept returns round r's envelopes whose author is not in skip.
func (s *store) rawsExcept(r uint64, skip map[string]bool) [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out [][]byte
	for a, byAuthor := range s.rounds[r] {
		if skip[a] {
			continue
		}
		for _, st := range byAuthor {
			out = append(out, st.raw)
		}
	}
	return out
}
