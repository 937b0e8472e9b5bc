package node

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/swarmdesk/swarmdesk/platform"
)

// StateFile is the node's own state inside its data folder.
const StateFile = "state.json"

// Bounds that keep a damaged state file from costing memory.
const (
	stateVersion    = 1
	maxStateBytes   = 4 << 20
	maxBatchPeers   = 1024
	maxPending      = 4096
	maxWinnerLength = 256
)

// nodeState is everything the node must not lose across a crash besides the weights: which
// rounds it played, the reward batch not yet submitted, and submissions decided but not yet
// confirmed. It is saved in state.json and, as the trainer state, in every model checkpoint;
// Seq says which copy is newer.
type nodeState struct {
	Version   int    `json:"version"`
	Seq       uint64 `json:"seq"`     // incremented on every save
	PeerID    string `json:"peer_id"` // the state belongs to this identity
	NextRound uint64 `json:"next_round"`
	Played    uint64 `json:"played"` // rounds played so far
	LastRound uint64 `json:"last_round"`
	Batch     batch  `json:"batch"`
	// Pending are closed batches, oldest first, each removed once the chain has both its
	// reward and its vote.
	Pending []pending `json:"pending"`
	// LastMetrics is the last committed round's metrics, so a crash between saving the state
	// and appending to rounds.jsonl cannot lose (or, replayed, double) that line.
	LastMetrics *RoundMetrics `json:"last_metrics,omitempty"`
}

// batch is rl-swarm's batched signal plus what this node saw of each peer, for the vote.
type batch struct {
	Started time.Time            `json:"started"`
	Signal  float64              `json:"signal"`
	Rounds  int                  `json:"rounds"`
	Peers   map[string]peerScore `json:"peers"`
}

// peerScore sums the rewards this node gave a peer's answers.
type peerScore struct {
	Sum float64 `json:"sum"`
	N   int     `json:"n"`
}

// pending is one submission on its way to the chain.
type pending struct {
	Submission
	RewardDone bool `json:"reward_done"`
	VoteDone   bool `json:"vote_done"`
}

func newState(peerID string) nodeState {
	return nodeState{Version: stateVersion, PeerID: peerID}
}

// validate checks a state read from disk; a state that fails is not used.
func (s *nodeState) validate() error {
	switch {
	case s.Version != stateVersion:
		return fmt.Errorf("state version %d, want %d", s.Version, stateVersion)
	case len(s.Batch.Peers) > maxBatchPeers:
		return fmt.Errorf("state lists %d peers (max %d)", len(s.Batch.Peers), maxBatchPeers)
	case len(s.Pending) > maxPending:
		return fmt.Errorf("state has %d pending submissions (max %d)", len(s.Pending), maxPending)
	case math.IsNaN(s.Batch.Signal) || math.IsInf(s.Batch.Signal, 0) || s.Batch.Signal < 0:
		return fmt.Errorf("state batch signal %v", s.Batch.Signal)
	}
	for _, p := range s.Pending {
		if len(p.Winners) == 0 || len(p.Winners) > 1 {
			return fmt.Errorf("pending submission for round %d has %d winners", p.Round, len(p.Winners))
		}
		if len(p.Winners[0]) == 0 || len(p.Winners[0]) > maxWinnerLength {
			return fmt.Errorf("pending submission for round %d has a bad winner", p.Round)
		}
	}
	return nil
}

// clone deep-copies s, so a saved copy cannot alias the live one.
func (s nodeState) clone() nodeState {
	c := s
	c.Pending = append([]pending(nil), s.Pending...)
	for i := range c.Pending {
		c.Pending[i].Winners = append([]string(nil), s.Pending[i].Winners...)
	}
	if s.LastMetrics != nil {
		m := *s.LastMetrics
		c.LastMetrics = &m
	}
	if s.Batch.Peers != nil {
		c.Batch.Peers = make(map[string]peerScore, len(s.Batch.Peers))
		for k, v := range s.Batch.Peers {
			c.Batch.Peers[k] = v
		}
	}
	return c
}

func encodeState(s nodeState) ([]byte, error) {
	b, err := json.MarshalIndent(s, "", " ")
	if err != nil {
		return nil, fmt.Errorf("encode node state: %w", err)
	}
	return b, nil
}

func decodeState(b []byte) (nodeState, error) {
	if len(b) > maxStateBytes {
		return nodeState{}, fmt.Errorf("node state is %d bytes (max %d)", len(b), maxStateBytes)
	}
	var s nodeState
	if err := json.Unmarshal(b, &s); err != nil {
		return nodeState{}, fmt.Errorf("parse node state: %w", err)
	}
	if err := s.validate(); err != nil {
		return nodeState{}, err
	}
	return s, nil
}

// saveStateFile writes s atomically (temporary file, fsync, rename, fsync of the folder).
func saveStateFile(dir string, s nodeState) error {
	b, err := encodeState(s)
	if err != nil {
		return err
	}
	if err := platform.WriteFileAtomic(filepath.Join(dir, StateFile), b, 0o600); err != nil {
		return fmt.Errorf("save node state: %w", err)
	}
	return nil
}

// loadStateFile reads state.json. ok is false when there is none. A damaged file is moved aside
// (state.json.corrupt) and reported, so the checkpoint's copy can take over.
func loadStateFile(dir string) (s nodeState, ok bool, err error) {
	path := filepath.Join(dir, StateFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nodeState{}, false, nil
	}
	if err != nil {
		return nodeState{}, false, fmt.Errorf("read node state: %w", err)
	}
	s, err = decodeState(b)
	if err != nil {
		bad := path + ".corrupt"
		if rerr := os.Rename(path, bad); rerr != nil {
			return nodeState{}, false, fmt.Errorf("node state %s is damaged (%v) and could not be moved aside: %w", path, err, rerr)
		}
		return nodeState{}, false, fmt.Errorf("node state %s was damaged (%v); moved to %s", path, err, bad)
	}
	return s, true, nil
}

// newest picks the state to resume from: the copy with the higher Seq among those that belong
// to peerID. A state of another identity (the identity was reset or imported) is not resumed:
// its submissions can only be signed by the old identity's account.
func newest(peerID string, cands ...*nodeState) (nodeState, bool) {
	var best *nodeState
	for _, c := range cands {
		if c == nil || c.PeerID != peerID {
			continue
		}
		if best == nil || c.Seq > best.Seq {
			best = c
		}
	}
	if best == nil {
		return nodeState{}, false
	}
	return best.clone(), true
}

// sortedPeers lists the batch's peers by ID, for deterministic votes.
func (b *batch) sortedPeers() []string {
	out := make([]string, 0, len(b.Peers))
	for id := range b.Peers {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}
