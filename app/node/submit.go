package node

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"time"

	"github.com/swarmdesk/swarmdesk/app/chain"
)

// rewardStage is the coordinator stage a reward is submitted for; v0.6.0 has one stage per round.
const rewardStage = 0

// roundSignal is rl-swarm's per-round participation signal (manager.py@9c95410): the sum of the
// node's own rewards plus one when positive, else 0, so a node that earned anything always
// counts and the on-chain total never goes down.
func roundSignal(own []float64) float64 {
	s := 0.0
	for _, r := range own {
		s += r
	}
	if s > 0 {
		return s + 1
	}
	return 0
}

// add folds one round into the batch: the node's signal and the rewards it gave each peer.
func (b *batch) add(now time.Time, signal float64, peers map[string][]float64) {
	if b.Rounds == 0 {
		b.Started = now
	}
	b.Signal += signal
	b.Rounds++
	for id, rs := range peers {
		if len(rs) == 0 || len(id) > maxWinnerLength {
			continue
		}
		if b.Peers == nil {
			b.Peers = map[string]peerScore{}
		}
		ps, ok := b.Peers[id]
		if !ok && len(b.Peers) >= maxBatchPeers {
			continue
		}
		for _, r := range rs {
			ps.Sum += r
			ps.N++
		}
		b.Peers[id] = ps
	}
}

// due says whether the batch should be submitted now: every round when every is 0, otherwise
// once every has passed since the batch's first round.
func (b *batch) due(now time.Time, every time.Duration) bool {
	return b.Rounds > 0 && (every <= 0 || now.Sub(b.Started) >= every)
}

// winner is the node's vote: the peer whose answers earned the highest mean reward under this
// node's own scoring (rl-swarm sums, which favours peers seen more often; the mean does not).
// Ties go to the smaller peer ID; with no peer data the node votes for itself, as rl-swarm does,
// because the contract counts participation by votes.
func (b *batch) winner(self string) string {
	best, bestMean := "", math.Inf(-1)
	for _, id := range b.sortedPeers() {
		ps := b.Peers[id]
		if ps.N == 0 || id == self {
			continue
		}
		if m := ps.Sum / float64(ps.N); m > bestMean {
			best, bestMean = id, m
		}
	}
	if best == "" {
		return self
	}
	return best
}

// close turns the batch into a submission for round and starts a new batch.
func (b *batch) close(round uint64, self string) Submission {
	s := Submission{Round: round, Reward: int64(math.Round(min(b.Signal, 1e15))), Winners: []string{b.winner(self)}}
	*b = batch{}
	return s
}

// Coordinator is what the node needs from the coordinator contract; *chain.Client implements it.
// Submissions must be idempotent per (round, peer): chain.Client's outbox makes them so.
type Coordinator interface {
	CurrentRound(ctx context.Context) (uint64, error)
	RegisterPeer(ctx context.Context, peerID string) error
	SubmitReward(ctx context.Context, round, stage uint64, reward *big.Int, peerID string) error
	SubmitWinners(ctx context.Context, round uint64, winners []string, peerID string) error
	FlushOutbox(ctx context.Context) (int, error)
}

var _ Coordinator = (*chain.Client)(nil)

// outcome is what a submission attempt means for the pending entry.
type outcome int

const (
	sentOK   outcome = iota // on chain (now or before)
	retry                   // transient: keep it and try again after the next round
	rejected                // the contract refused it for good: drop it
	readOnly                // this client can never submit: stop submitting
)

func classify(err error, already error) outcome {
	var ce *chain.ContractError
	switch {
	case err == nil, errors.Is(err, already):
		return sentOK
	case errors.Is(err, chain.ErrReadOnly), errors.Is(err, chain.ErrNoKey):
		return readOnly
	case errors.As(err, &ce):
		return rejected
	default:
		return retry
	}
}

// drivePending sends what the pending list still owes the chain, oldest first, saving the state
// after every change. The outbox inside chain.Client makes each call safe to repeat after a
// crash: a reward or vote already on chain comes back as "already submitted" and counts as done.
func (n *Node) drivePending(ctx context.Context) error {
	for len(n.st.Pending) > 0 && n.submitting() {
		if err := ctx.Err(); err != nil {
			return err
		}
		p := &n.st.Pending[0]
		if !p.RewardDone {
			n.faultPoint(ctx, p.Round, PhaseSubmit, "before the reward")
			sctx, cancel := n.submitContext(ctx)
			err := n.deps.Chain.SubmitReward(sctx, p.Round, rewardStage, big.NewInt(p.Reward), n.deps.PeerID)
			cancel()
			if stop, herr := n.settle(ctx, err, chain.ErrRewardAlreadySubmitted, fmt.Sprintf("reward %d for round %d", p.Reward, p.Round)); stop {
				return herr
			}
			p.RewardDone = true
			if err := n.at("reward-sent"); err != nil {
				return err
			}
			if err := n.saveState(); err != nil {
				return err
			}
		}
		if !p.VoteDone {
			n.faultPoint(ctx, p.Round, PhaseSubmit, "before the vote")
			sctx, cancel := n.submitContext(ctx)
			err := n.deps.Chain.SubmitWinners(sctx, p.Round, p.Winners, n.deps.PeerID)
			cancel()
			if stop, herr := n.settle(ctx, err, chain.ErrWinnerAlreadyVoted, fmt.Sprintf("vote for round %d", p.Round)); stop {
				return herr
			}
			p.VoteDone = true
			n.faultPoint(ctx, p.Round, PhaseSubmit, "after the vote")
		}
		n.st.Pending = n.st.Pending[1:]
		if err := n.saveState(); err != nil {
			return err
		}
	}
	return nil
}

// submitContext bounds one submission by Config.SubmitTimeout. Cancelling ctx (a stop) does not
// cut a submission already under way at once: it gets Config.StopGrace more to land.
func (n *Node) submitContext(ctx context.Context) (context.Context, context.CancelFunc) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), n.cfg.SubmitTimeout)
	// A grace timer outliving the submission only calls the idempotent cancel.
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(n.cfg.StopGrace, cancel) })
	return sctx, func() { stop(); cancel() }
}

// settle decides what a submission error means. stop is true when drivePending must stop now
// (err then says whether Run must end too); false means the step counts as done — sent, or
// refused for good by the contract (then dropped with an error event).
func (n *Node) settle(ctx context.Context, err, already error, what string) (stop bool, _ error) {
	switch classify(err, already) {
	case sentOK:
		return false, nil
	case rejected:
		n.problem(fmt.Errorf("the coordinator refused the %s; dropping it: %w", what, err))
		return false, nil
	case readOnly:
		n.problem(fmt.Errorf("not submitting the %s: %w", what, err))
		n.setSubmitting(false)
		return true, nil
	default:
		if ctx.Err() != nil {
			return true, ctx.Err()
		}
		n.problem(fmt.Errorf("sending the %s failed; it stays queued and is retried after the next round: %w", what, err))
		return true, nil
	}
}
