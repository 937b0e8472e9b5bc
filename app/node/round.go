package node

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/swarmdesk/swarmdesk/app/identity"
	"github.com/swarmdesk/swarmdesk/app/stats"
	"github.com/swarmdesk/swarmdesk/app/swarm"
	"github.com/swarmdesk/swarmdesk/engine/train"
)

// shareWindow is how far behind the chain a round may be and still be worth sharing: peers
// keep the previous round's rollouts (swarm.Limits.RoundWindow) and drop older ones.
const shareWindow = 1

// roundWork is one round in progress.
type roundWork struct {
	round   uint64
	m       RoundMetrics
	own     []*ownGroup
	valid   []*peerGroup
	adopted int
	byPeer  map[string][]float64 // rewards this node gave each peer's valid answers
}

// play runs one round: generate, share, gather, score and adopt, train, then commit (state,
// checkpoint, metrics) and queue the submission. An error from ctx means the round was cut
// short; nothing of it was committed, so it is played again (or skipped) after a restart.
func (n *Node) play(ctx context.Context, round uint64) error {
	n.setState(StateRunning)
	w := &roundWork{round: round, m: RoundMetrics{Round: round, Phases: map[Phase]float64{}}}
	if n.st.Played > 0 && round > n.st.NextRound {
		w.m.Skipped = round - n.st.NextRound
		n.log().Info("skipping rounds the swarm finished without this node", "from", n.st.NextRound, "to", round-1)
	}
	n.log().Info("round started", "round", round)

	if err := n.generateAll(ctx, w); err != nil {
		return err
	}
	if err := n.at("generated"); err != nil {
		return err
	}
	var peerRollouts []swarm.Rollout
	if err := n.safePoint(ctx, StateRunning); err != nil {
		return err
	}
	if n.worthSharing(ctx, round) {
		w.m.Shared = true
		if err := n.publishAll(ctx, w); err != nil {
			return err
		}
		rs, err := n.gather(ctx, w)
		if err != nil {
			return err
		}
		peerRollouts = rs
	} else {
		n.log().Info("the swarm has moved past this round: training on own answers without sharing", "round", round)
	}
	if err := n.at("gathered"); err != nil {
		return err
	}
	groups := n.scoreAndAdopt(w, peerRollouts)
	if err := n.safePoint(ctx, StateRunning); err != nil {
		return err
	}
	n.trainStep(w, groups)
	if err := n.at("trained"); err != nil {
		return err
	}
	return n.commit(ctx, w)
}

// phase marks the start of a phase and returns the function that records its duration.
func (n *Node) phase(w *roundWork, p Phase) func() {
	n.setPhase(w.round, p)
	t0 := time.Now()
	return func() { w.m.Phases[p] += time.Since(t0).Seconds() }
}

// worthSharing asks the chain whether peers still keep this round.
func (n *Node) worthSharing(ctx context.Context, round uint64) bool {
	cur, err := n.deps.Chain.CurrentRound(ctx)
	if err != nil {
		return true // cannot tell: try; gossip for a dropped round is harmless
	}
	n.clock.saw(cur, time.Now())
	n.update(func(s *Snapshot) { s.ChainRound = cur })
	return cur <= round+shareWindow
}

// publishAll shares every own question group.
func (n *Node) publishAll(ctx context.Context, w *roundWork) error {
	if err := n.safePoint(ctx, StateRunning); err != nil {
		return err
	}
	done := n.phase(w, PhasePublish)
	defer done()
	n.awaitFirstPeer(ctx)
	for _, g := range w.own {
		if err := n.deps.Swarm.Publish(ctx, g.rollout(w.round)); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			n.problem(fmt.Errorf("sharing answers of round %d: %w", w.round, err))
			continue
		}
		w.m.Published++
		w.m.PublishedAt = n.deps.now()
	}
	return nil
}

// firstPeerWait bounds how long a node's first shared round waits for a swarm peer before it
// publishes (at most the gather's timeout too): right after a (re)start the node has no
// peers yet, and what it publishes then reaches nobody by gossip.
const firstPeerWait = 5 * time.Second

// awaitFirstPeer waits, once per Run and bounded, until the swarm has a peer.
func (n *Node) awaitFirstPeer(ctx context.Context) {
	if n.peerWaited {
		return
	}
	n.peerWaited = true
	wp, ok := n.deps.Swarm.(interface {
		WaitPeers(ctx context.Context, want int) error
	})
	if !ok {
		return
	}
	wctx, cancel := context.WithTimeout(ctx, min(firstPeerWait, n.cfg.GatherTimeout))
	defer cancel()
	if err := wp.WaitPeers(wctx, 1); err != nil && ctx.Err() == nil {
		n.log().Info("no swarm peer yet: sharing this round's answers anyway (peers that connect later fetch them)", "round", n.st.NextRound)
	}
}

// gather collects the round's rollouts until the deadline (or until every connected peer has
// shared). A pause ends the wait at once; after Resume the node looks again for the time left.
func (n *Node) gather(ctx context.Context, w *roundWork) ([]swarm.Rollout, error) {
	deadline := time.Now().Add(n.cfg.GatherTimeout)
	var got []swarm.Rollout
	for {
		if err := n.safePoint(ctx, StateRunning); err != nil {
			return nil, err
		}
		done := n.phase(w, PhaseGather)
		hctx, cancel := n.holdContext(ctx)
		rs, err := n.deps.Swarm.Gather(hctx, w.round, max(time.Until(deadline), 10*time.Millisecond))
		held := hctx.Err() != nil && ctx.Err() == nil && n.gate.blocked()
		cancel()
		done()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if len(rs) > 0 || err == nil {
			got = rs
		}
		if held {
			continue
		}
		if err != nil {
			n.problem(fmt.Errorf("gathering peers' answers for round %d: %w", w.round, err))
		}
		break
	}
	w.m.GatheredAt = n.deps.now()
	out := got[:0:0]
	for _, r := range got {
		if r.PeerID != n.deps.PeerID {
			out = append(out, r)
		}
	}
	return out, nil
}

// scoreAndAdopt verifies and scores every peer rollout, picks what to adopt and builds the
// step's groups (own first). It also fills the peer metrics and sends the round's EventPeers.
func (n *Node) scoreAndAdopt(w *roundWork, rollouts []swarm.Rollout) []train.Group {
	done := n.phase(w, PhaseScore)
	defer done()
	w.m.PeerRollouts = len(rollouts)
	for _, r := range rollouts {
		if w.m.PeerRolloutsFrom == nil {
			w.m.PeerRolloutsFrom = map[string]int{}
		}
		w.m.PeerRolloutsFrom[r.PeerID]++
	}
	if len(rollouts) > n.cfg.MaxPeerRollouts {
		rollouts = shuffled(rollouts, seedFor(w.round, n.deps.PeerID, "examine", 0))[:n.cfg.MaxPeerRollouts]
	}
	seen := map[string]*PeerSeen{}
	for _, r := range rollouts {
		ps := seen[r.PeerID]
		if ps == nil {
			ps = &PeerSeen{ID: r.PeerID, Name: identity.Name(r.PeerID)}
			seen[r.PeerID] = ps
		}
		ps.Rollouts++
		g, err := n.checkRollout(r, w.round)
		if err != nil {
			w.m.Rejected++
			n.log().Debug("peer rollout refused", "peer", r.PeerID, "round", w.round, "reason", err.Error())
			continue
		}
		ps.Valid++
		w.valid = append(w.valid, g)
	}
	w.m.Rejected += w.m.PeerRollouts - len(rollouts)
	var groups []train.Group
	for _, g := range w.own {
		groups = append(groups, g.group())
	}
	ownIDs := map[string]bool{}
	for _, g := range w.own {
		ownIDs[g.batchID()] = true
	}
	for _, g := range n.candidates(w.round, w.valid, ownIDs) {
		if w.adopted >= n.cfg.Adopt {
			break
		}
		tg, err := n.adoptedGroup(g)
		if err != nil {
			n.log().Debug("peer group not adoptable", "peer", g.author, "reason", err.Error())
			continue
		}
		groups = append(groups, tg)
		g.adopted = true
		w.adopted++
		seen[g.author].Adopted++
	}
	w.m.Adopted = w.adopted
	sum, cnt := 0.0, 0
	w.byPeer = map[string][]float64{}
	for _, g := range w.valid {
		for _, r := range g.rewards {
			sum += r.Total
			cnt++
			w.byPeer[g.author] = append(w.byPeer[g.author], r.Total)
		}
	}
	if cnt > 0 {
		w.m.PeerReward = sum / float64(cnt)
	}
	peers := make([]PeerSeen, 0, len(seen))
	for id, ps := range seen {
		if rs := w.byPeer[id]; len(rs) > 0 {
			ps.Reward = stats.Mean(rs)
		}
		peers = append(peers, *ps)
	}
	sort.Slice(peers, func(i, j int) bool { return peers[i].ID < peers[j].ID })
	w.m.PeersSeen = len(peers)
	n.emit(Event{Kind: EventPeers, Round: w.round, Peers: peers})
	return groups
}

// trainStep takes the round's GRPO step; a failed step is reported and the round goes on (the
// model is unchanged, see train.Trainer.Step).
func (n *Node) trainStep(w *roundWork, groups []train.Group) {
	if len(groups) == 0 {
		return
	}
	if _, ok := n.lrn.(rolloutsOnly); ok {
		w.m.TrainError = errNotLearning.Error()
		return
	}
	if err := n.busy(); err != nil {
		w.m.TrainError = err.Error()
		n.problem(fmt.Errorf("training step of round %d skipped: %w", w.round, err))
		return
	}
	if n.lrn.Saving() {
		// The step changes the weights the checkpoint is being written from.
		done := n.phase(w, PhaseCheckpoint)
		n.reapCheckpoints(true)
		done()
	}
	done := n.phase(w, PhaseTrain)
	defer done()
	n.faultPoint(context.Background(), w.round, PhaseTrain, "before the optimizer step")
	t0 := n.deps.now()
	st, err := n.lrn.Step(groups)
	n.ck.trained += n.deps.now().Sub(t0)
	n.faultPoint(context.Background(), w.round, PhaseTrain, "after the optimizer step")
	if err != nil {
		w.m.TrainError = err.Error()
		n.problem(fmt.Errorf("training step of round %d skipped: %w", w.round, err))
		return
	}
	w.m.Trained = true
	w.m.Loss, w.m.GradNorm, w.m.ClipFraction, w.m.TrainTokPerS = st.Loss, st.GradNorm, st.ClipFraction, st.TokPerS
}

// commit makes the round count: the state moves to the next round and takes the round's
// signal into the batch (closing it into a pending submission when due); the state is saved
// in state.json and, when one is due, a model checkpoint carrying it is started in the
// background; then the metrics are logged and the submission sent. A crash before the state
// is saved replays the round; after, it cannot be counted twice.
func (n *Node) commit(ctx context.Context, w *roundWork) error {
	var ownRewards []float64
	for _, g := range w.own {
		for _, r := range g.rewards {
			ownRewards = append(ownRewards, r.Total)
		}
	}
	now := n.deps.now()
	w.m.Time = now
	w.m.Signal = roundSignal(ownRewards)
	st := &n.st
	st.NextRound, st.LastRound = w.round+1, w.round
	st.Played++
	st.Batch.add(now, w.m.Signal, w.byPeer)
	if st.Batch.due(now, n.cfg.SubmitEvery) {
		if n.submitting() {
			sub := st.Batch.close(w.round, n.deps.PeerID)
			st.Pending = append(st.Pending, pending{Submission: sub})
			w.m.Submitted = &sub
		} else {
			st.Batch = batch{} // read-only network: nothing can be sent
		}
	}
	if len(st.Pending) > maxPending { // the chain has refused to confirm for a very long time
		n.problem(fmt.Errorf("%d submissions are waiting for the chain; dropping the oldest", len(st.Pending)))
		st.Pending = st.Pending[len(st.Pending)-maxPending:]
	}
	w.m.Step = n.lrn.Steps()
	done := n.phase(w, PhaseCheckpoint)
	n.reapCheckpoints(false)
	w.m.CheckpointBytes, n.roundCkptBytes = n.roundCkptBytes, 0
	s := n.State()
	w.m.DiskWrittenPerDay, w.m.DiskUsed = s.DiskWrittenPerDay, s.DiskUsed
	// The checkpoint phase is timed up to here; the stored copy cannot contain its own end.
	last := w.m
	st.LastMetrics = &last
	st.Seq++
	// state.json is the commit point: from here on the round counts, whatever happens to the
	// checkpoint started below (a crash during it resumes from the previous one, with this
	// state; see checkpoint.go).
	raw, err := encodeState(*st)
	if err != nil {
		return err
	}
	if err := saveStateFile(n.deps.DataDir, *st); err != nil {
		return fmt.Errorf("round %d: %w", w.round, err)
	}
	n.disk.wrote(now, int64(len(raw)))
	if why, due := n.checkpointDue(); due {
		if err := n.startCheckpoint(why); err != nil {
			n.problem(err)
		}
	}
	if err := n.at("checkpointed"); err != nil {
		return err
	}
	done()
	n.syncSnapshot()
	if err := n.at("committed"); err != nil {
		return err
	}
	if b, err := n.rlog.append(w.m); err != nil {
		n.problem(err)
	} else {
		n.disk.wrote(now, b)
	}
	m := w.m
	n.update(func(s *Snapshot) { s.Last = &m })
	n.refreshDisk()
	n.emit(Event{Kind: EventRound, Round: w.round, Metrics: &m})
	n.logRound(&m)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return nil
}

// logRound writes the round's one-line summary.
func (n *Node) logRound(m *RoundMetrics) {
	args := []any{"round", m.Round, "reward", round3(m.Reward), "correct", round3(m.Correct),
		"answer_tokens", round3(m.AnswerTokens), "gen_tok/s", round3(m.GenTokPerS),
		"peers", m.PeersSeen, "adopted", m.Adopted, "rejected", m.Rejected}
	if m.Trained {
		args = append(args, "loss", round3(m.Loss), "step", m.Step)
	}
	if m.Skipped > 0 {
		args = append(args, "skipped", m.Skipped)
	}
	if m.Submitted != nil {
		args = append(args, "submit_reward", m.Submitted.Reward)
	}
	n.log().Info("round done", args...)
}
