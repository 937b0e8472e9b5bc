package soak

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/swarmdesk/swarmdesk/app/node"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/train"
)

// savedState is the part of state.json the soak reads.
type savedState struct {
	Version int    `json:"version"`
	PeerID  string `json:"peer_id"`
	Pending []struct {
		Round uint64 `json:"round"`
	} `json:"pending"`
}

// checkFiles reads a stopped node's state.json, rounds.jsonl and every checkpoint the way a
// restart would, and records anything unreadable.
func (s *soak) checkFiles(n *swarmNode, when string) {
	dataDir := filepath.Join(n.home, "data", "node")
	var problems []string
	if b, err := os.ReadFile(filepath.Join(dataDir, node.StateFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		problems = append(problems, fmt.Sprintf("state.json: %v", err))
	} else if err == nil {
		var st savedState
		if err := json.Unmarshal(b, &st); err != nil || st.Version != 1 || st.PeerID == "" {
			problems = append(problems, fmt.Sprintf("state.json unreadable (%v, version %d, peer %q)", err, st.Version, st.PeerID))
		}
	}
	if _, _, err := node.ReadRounds(filepath.Join(dataDir, node.RoundsFile)); err != nil {
		problems = append(problems, fmt.Sprintf("rounds.jsonl: %v", err))
	}
	ckdirs, _ := filepath.Glob(filepath.Join(dataDir, "checkpoints", "*"))
	for _, d := range ckdirs {
		if !train.HasCheckpoint(d) {
			continue
		}
		m, err := qwen2.Load(s.demo, qwen2.LoadOptions{})
		if err != nil {
			s.t.Fatal(err)
		}
		if _, err := train.LoadLatest(d, m, nil); err != nil {
			problems = append(problems, fmt.Sprintf("checkpoint %s: %v", d, err))
		}
	}
	s.recMu.Lock()
	defer s.recMu.Unlock()
	s.fileChecks++
	for _, p := range problems {
		s.fileProblems = append(s.fileProblems, fmt.Sprintf("node %d %s: %s", n.i, when, p))
	}
}

// readState reads a stopped node's state.json.
func readState(n *swarmNode) (savedState, error) {
	var st savedState
	b, err := os.ReadFile(filepath.Join(n.home, "data", "node", node.StateFile))
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, fmt.Errorf("state.json: %w", err)
	}
	return st, nil
}
