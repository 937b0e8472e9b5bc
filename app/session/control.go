package session

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/swarmdesk/swarmdesk/app/identity"
	"github.com/swarmdesk/swarmdesk/app/node"
)

// close releases what Start opened, newest first. It is safe on a partly opened run.
func (r *running) close() {
	r.cancel()
	if r.sw != nil {
		_ = r.sw.Close()
	}
	if r.conn != nil {
		r.conn.Close()
	}
	if r.host != nil {
		r.host.Close()
	}
}

// current is the running node's parts, or nil.
func (s *Session) current() *running {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.run == nil || s.run.node == nil {
		return nil
	}
	return s.run
}

// Stop stops the node at its next safe point (the round's work is checkpointed or resumed on
// the next start) and closes the swarm, the chain connection and, when hosting, the chain and
// bootnode. Stopping a stopped session does nothing.
func (s *Session) Stop() {
	s.mu.Lock()
	r := s.run
	if r == nil || r.node == nil { // not running, or still starting (its ctx cancels that)
		s.mu.Unlock()
		return
	}
	s.run = nil
	s.mu.Unlock()
	r.cancel()
	<-r.done
	r.close()
	s.mu.Lock()
	s.last, s.lastErr, s.lastDone = r.node.State(), r.err, r.done
	s.mu.Unlock()
	if r.err != nil {
		s.log.Error("the node stopped with an error", "reason", r.err.Error())
	}
	s.log.Info("stopped", "rounds_played", s.last.RoundsPlayed)
}

// Done is closed when the node's round loop has returned (on its own, after an error it could
// not survive, or after Stop); before any Start it is already closed.
func (s *Session) Done() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.run != nil && s.run.node != nil {
		return s.run.done
	}
	if s.lastDone != nil {
		return s.lastDone
	}
	c := make(chan struct{})
	close(c)
	return c
}

// Err is why the node's round loop returned (nil after a clean stop or while it runs).
func (s *Session) Err() error {
	s.mu.Lock()
	r := s.run
	err := s.lastErr
	s.mu.Unlock()
	if r != nil && r.node != nil {
		select {
		case <-r.done:
			return r.err
		default:
			return nil
		}
	}
	return err
}

// ErrNotRunning is CheckpointNow's answer while no node runs.
var ErrNotRunning = errors.New("the node is not running; it saves a checkpoint whenever it pauses or stops")

// CheckpointNow asks the running node to save a full checkpoint at the end of the round under
// way (node.Node.Checkpoint); the write happens in the background like the regular ones.
func (s *Session) CheckpointNow() error {
	r := s.current()
	if r == nil {
		return ErrNotRunning
	}
	r.node.Checkpoint()
	return nil
}

// Training is the dashboard's on/off switch (on until switched off).
func (s *Session) Training() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state.training()
}

// SetTraining saves the switch (it survives restarts) and pauses or resumes a running node.
func (s *Session) SetTraining(on bool) error {
	s.mu.Lock()
	st := s.state
	st.TrainingOn = &on
	if err := saveState(s.statePath(), st); err != nil {
		s.mu.Unlock()
		return err
	}
	s.state = st
	s.mu.Unlock()
	if r := s.current(); r != nil {
		if on {
			r.node.Resume()
		} else {
			r.node.Pause()
		}
	}
	s.log.Info("training switched", "on", on)
	return nil
}

// Snapshot is the node's status now (the last one after Stop; zero before Start).
func (s *Session) Snapshot() node.Snapshot {
	if r := s.current(); r != nil {
		return r.node.State()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

// Events is the running node's event stream (closed when it stops); before Start it is an
// already closed channel, so a reader never hangs on a node that does not exist.
func (s *Session) Events() <-chan node.Event {
	if r := s.current(); r != nil {
		return r.node.Events()
	}
	c := make(chan node.Event)
	close(c)
	return c
}

// History is every round this node played, oldest first, from rounds.jsonl (also while stopped).
func (s *Session) History() ([]node.RoundMetrics, error) {
	rounds, bad, err := node.ReadRounds(filepath.Join(s.nodeDir(), node.RoundsFile))
	if err != nil {
		return nil, err
	}
	if bad > 0 {
		s.log.Debug("skipped damaged lines of the round log", "lines", bad)
	}
	return rounds, nil
}

// Leaderboard reads the coordinator's board through the running node's chain connection, with
// this node marked Self.
func (s *Session) Leaderboard(ctx context.Context) (Leaderboard, error) {
	r := s.current()
	if r == nil {
		return Leaderboard{}, errors.New("the node is not running: start it to read the leaderboard")
	}
	entries, err := r.conn.Client.Leaderboard(ctx)
	if err != nil {
		return Leaderboard{}, fmt.Errorf("%w (the chain may be busy or unreachable; try again in a moment)", err)
	}
	self := r.id.PeerID.String()
	lb := Leaderboard{Rows: make([]LeaderRow, len(entries)), Read: time.Now()}
	for i, e := range entries {
		lb.Rows[i] = LeaderRow{Rank: e.Rank, Name: e.Name, PeerID: e.PeerID, Rewards: e.Rewards,
			Wins: e.Wins, Votes: e.Votes, Self: e.PeerID == self, Member: e.Proven, Note: e.Note()}
	}
	return lb, nil
}

// PeersConnected is how many swarm peers are connected now (0 while stopped). A hosting
// computer's own bootnode, a second libp2p host in this process that the node dials, is not a
// peer: counting it made a lone host say "1 peer connected" while its rounds saw none.
func (s *Session) PeersConnected() int {
	r := s.current()
	if r == nil {
		return 0
	}
	own := ""
	if r.host != nil && r.host.Bootnode != nil {
		own = r.host.Bootnode.ID()
	}
	n := 0
	for _, p := range r.sw.Peers() {
		if p.ID != own {
			n++
		}
	}
	return n
}

// Invite is what others paste to join; ok only while this computer hosts the swarm.
func (s *Session) Invite() (Invite, bool) {
	r := s.current()
	if r == nil || r.host == nil {
		return Invite{}, false
	}
	return r.host.Invite(), true
}

// ImportIdentity makes an rl-swarm swarm.pem this computer's identity (keeping the account
// key). It refuses while the node runs: the swarm and the chain registration use the peer ID.
func (s *Session) ImportIdentity(pem []byte) (*identity.Identity, error) {
	s.mu.Lock()
	running := s.run != nil
	s.mu.Unlock()
	if running {
		return nil, fmt.Errorf("import the identity: %w", ErrRunning)
	}
	st, err := s.env.OpenSecrets()
	if err != nil {
		return nil, err
	}
	id, err := identity.Import(st, pem, true)
	if err != nil {
		return nil, fmt.Errorf("import the identity: %w", err)
	}
	s.log.Info("imported an identity", "name", id.Name(), "peer", id.PeerID.String())
	return id, nil
}

// ExportIdentity writes the peer key to path as swarm.pem (the window's save dialog has already
// asked before replacing a file).
func (s *Session) ExportIdentity(path string) error {
	id, _, _, err := s.env.Identity()
	if err != nil {
		return err
	}
	return identity.Export(id, path, true)
}
