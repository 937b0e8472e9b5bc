package node

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/engine/train"
)

// Run plays rounds until ctx ends, then returns nil; an error means the node cannot go on
// (a damaged checkpoint, a peer ID owned by another account, an unwritable data folder).
// Stopping is always safe: a round cut short is played again, or skipped if the chain has
// moved on, and nothing already decided is lost (see the package doc). Run may be called once.
func (n *Node) Run(ctx context.Context) (err error) {
	if !n.started.CompareAndSwap(false, true) {
		return errors.New("node: Run was already called")
	}
	defer func() {
		if n.st.PeerID != "" { // restored: checkpoints may have been started
			n.finishCheckpoints(err == nil && ctx.Err() != nil)
		}
		if n.rlog != nil {
			_ = n.rlog.close()
		}
		if n.prom != nil {
			n.prom.close()
		}
		if err != nil && ctx.Err() == nil {
			n.problem(err)
		}
		n.setState(StateStopped)
		close(n.events)
	}()
	n.setState(StateStarting)
	if err := n.restore(); err != nil {
		return err
	}
	if n.rlog, err = openRoundLog(n.deps.DataDir); err != nil {
		return err
	}
	if m := n.st.LastMetrics; m != nil {
		if last, ok := n.rlog.lastRound(); !ok || last < m.Round {
			if _, err := n.rlog.append(*m); err != nil {
				n.problem(err)
			}
		}
	}
	if n.cfg.PrometheusAddr != "" {
		if n.prom, err = startProm(n.cfg.PrometheusAddr, n); err != nil {
			return err
		}
		n.update(func(s *Snapshot) { s.MetricsAddr = n.prom.addr() })
		n.log().Info("serving Prometheus metrics", "url", "http://"+n.prom.addr()+"/metrics")
	}
	if n.cfg.ACPowerOnly || n.cfg.IdleOnly {
		wctx, cancel := context.WithCancel(ctx)
		defer cancel()
		if n.cfg.ACPowerOnly {
			n.watchPower(wctx)
		}
		if n.cfg.IdleOnly {
			n.watchIdle(wctx)
		}
	}
	registered, err := n.register(ctx)
	if err != nil {
		return err
	}
	if err := n.flush(ctx, registered); err != nil {
		return stopped(ctx, err)
	}
	for {
		round, err := n.awaitRound(ctx)
		if err != nil {
			return stopped(ctx, err)
		}
		if err := n.play(ctx, round); err != nil {
			return stopped(ctx, err)
		}
		if !registered {
			if registered, err = n.register(ctx); err != nil {
				return err
			}
		}
		if err := n.flush(ctx, registered); err != nil {
			return stopped(ctx, err)
		}
	}
}

// stopped turns "ctx ended" into a clean stop.
func stopped(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// restore resumes from the newer of state.json and the newest model checkpoint (which also
// brings back the weights and the optimizer).
func (n *Node) restore() error {
	var fromFile, fromCkpt *nodeState
	if s, ok, err := loadStateFile(n.deps.DataDir); err != nil {
		n.problem(err)
	} else if ok {
		fromFile = &s
	}
	if err := train.RemoveInterrupted(n.deps.CheckpointDir); err != nil {
		n.problem(fmt.Errorf("removing what an interrupted checkpoint left in %s: %w", n.deps.CheckpointDir, err))
	}
	raw, err := n.lrn.Load(n.deps.CheckpointDir)
	switch {
	case errors.Is(err, train.ErrNoCheckpoint):
	case err != nil:
		return fmt.Errorf("resume from the checkpoint in %s: %w", n.deps.CheckpointDir, err)
	default:
		if s, err := decodeState(raw); err != nil {
			n.problem(fmt.Errorf("the checkpoint's node state is unreadable (%v); using %s", err, StateFile))
		} else {
			fromCkpt = &s
		}
	}
	st, ok := newest(n.deps.PeerID, fromFile, fromCkpt)
	if !ok {
		if fromFile != nil || fromCkpt != nil {
			n.log().Warn("the saved node state belongs to another identity; starting a fresh round history")
		}
		st = newState(n.deps.PeerID)
	}
	n.st = st
	n.ck = ckptState{savedStep: n.lrn.Steps()}
	n.update(func(s *Snapshot) { s.CheckpointBytes = n.lrn.CheckpointBytes() })
	n.syncSnapshot()
	n.refreshDisk()
	if st.LastMetrics != nil {
		m := *st.LastMetrics
		n.update(func(s *Snapshot) { s.Last = &m; s.Round = m.Round })
	}
	n.log().Info("node ready", "peer", n.deps.PeerID, "next_round", st.NextRound, "rounds_played", st.Played,
		"optimizer_steps", n.lrn.Steps(), "pending_submissions", len(st.Pending))
	if _, ok := n.lrn.(rolloutsOnly); ok {
		n.log().Warn("this node takes part with rollouts only and does not learn: " + n.State().Training)
	}
	return nil
}

// register claims the peer ID on chain. A read-only network turns submissions off; a peer ID
// owned by another account is fatal (nothing this node submits could count). Other failures
// (no funds yet, network) are reported and retried after the next round, while the node trains.
func (n *Node) register(ctx context.Context) (bool, error) {
	if !n.submitting() {
		return true, nil
	}
	err := n.deps.Chain.RegisterPeer(ctx, n.deps.PeerID)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, chain.ErrReadOnly), errors.Is(err, chain.ErrNoKey):
		n.setSubmitting(false)
		n.log().Warn("this network is read-only: the node trains and shares, but sends no rewards or votes", "reason", err.Error())
		return true, nil
	case errors.Is(err, chain.ErrPeerIdAlreadyRegistered):
		return false, fmt.Errorf("register peer %s: %w", n.deps.PeerID, err)
	case ctx.Err() != nil:
		return false, nil
	}
	n.problem(fmt.Errorf("registering the peer on chain failed; rewards stay queued until it works: %w", err))
	return false, nil
}

// flush finishes queued submissions: the chain outbox first (transactions signed before a
// crash), then the node's pending list.
func (n *Node) flush(ctx context.Context, registered bool) error {
	if !registered || !n.submitting() {
		return nil
	}
	n.setPhase(n.st.LastRound, PhaseSubmit)
	if _, err := n.deps.Chain.FlushOutbox(ctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		n.problem(fmt.Errorf("finishing queued chain submissions: %w", err))
	}
	return n.drivePending(ctx)
}

// fastPoll is how often awaitRound reads the chain around the expected end of a round.
const fastPoll = 250 * time.Millisecond

// awaitRound returns the chain's round once it reaches the next round to play, polling with
// exponential back-off between Config.PollMin and PollMax, and every fastPoll around the
// moment the round is expected to end (roundClock.nextPoll). A pause holds it.
func (n *Node) awaitRound(ctx context.Context) (uint64, error) {
	wait := n.cfg.PollMin
	failing := false
	for first := true; ; first = false {
		if err := n.safePoint(ctx, StateWaiting); err != nil {
			return 0, err
		}
		cur, err := n.deps.Chain.CurrentRound(ctx)
		switch {
		case err != nil && ctx.Err() != nil:
			return 0, ctx.Err()
		case err != nil:
			if !failing {
				n.problem(fmt.Errorf("reading the chain's round (retrying): %w", err))
			}
			failing = true
		default:
			failing = false
			n.clock.saw(cur, time.Now())
			n.update(func(s *Snapshot) { s.ChainRound = cur })
			if n.st.Played > 0 && cur+1 < n.st.NextRound {
				if err := n.chainWentBack(cur); err != nil {
					return 0, err
				}
			}
			if cur >= n.st.NextRound {
				return cur, nil
			}
		}
		if first {
			n.setState(StateWaiting)
			n.setPhase(n.st.NextRound, PhaseWait)
		}
		hctx, cancel := n.holdContext(ctx)
		sleep(hctx, n.clock.nextPoll(time.Now(), wait, min(n.cfg.PollMin, fastPoll)))
		cancel()
		wait = min(2*wait, n.cfg.PollMax)
	}
}

// chainWentBack handles a coordinator whose round is behind rounds this node already played:
// the local dev chain was deleted or another contract configured. Rounds restart from the
// chain's, and submissions for rounds the new chain has not reached are dropped.
func (n *Node) chainWentBack(cur uint64) error {
	n.problem(fmt.Errorf("the coordinator is at round %d but this node already played up to round %d; the chain was reset or replaced, so rounds start over", cur, n.st.LastRound))
	keep := n.st.Pending[:0]
	for _, p := range n.st.Pending {
		if p.Round <= cur {
			keep = append(keep, p)
		}
	}
	n.st.Pending = keep
	n.st.NextRound, n.st.LastRound = cur, cur
	return n.saveState()
}

// safePoint is where a pause takes hold: it blocks while the gate is closed and reports the
// paused/on-battery/user-active state, then returns to resume.
func (n *Node) safePoint(ctx context.Context, resume State) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if n.askCkpt.Load() {
		n.startCheckpointOrReport(ckptAsked)
	}
	n.reapCheckpoints(false)
	if !n.gate.blocked() {
		return nil
	}
	// Weights and state agree at every safe point (the round's step comes after the last
	// one), so a pause leaves a current checkpoint: it is written while the node is held (a
	// Resume meanwhile takes effect once it is complete).
	n.startCheckpointOrReport(ckptPause)
	n.lrn.Idle()
	err := n.gate.wait(ctx, func(h hold) {
		n.setState(h.state())
		n.reapCheckpoints(true)
	})
	if err != nil {
		return err
	}
	n.setState(resume)
	return nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
