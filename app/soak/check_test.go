package soak

import (
	"context"
	"fmt"
	"math/big"
	"path/filepath"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/chain/contract"
	"github.com/swarmdesk/swarmdesk/app/node"
)

// onChain is what the chain's events say one peer submitted.
type onChain struct {
	rewards map[uint64][]int64 // by round: every RewardSubmitted's reward
	votes   map[uint64]int     // by round: WinnerSubmitted events
}

// chainEvents reads every RewardSubmitted and WinnerSubmitted event of the coordinator.
func chainEvents(c *chain.Client) (map[string]*onChain, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	coord := contract.NewSwarmCoordinator()
	a := coord.GetABI()
	rewID, winID := a.Events["RewardSubmitted"].ID, a.Events["WinnerSubmitted"].ID
	logs, err := c.Eth().FilterLogs(ctx, ethereum.FilterQuery{
		FromBlock: big.NewInt(0), Addresses: []common.Address{c.Profile().Contract},
		Topics: [][]common.Hash{{rewID, winID}},
	})
	if err != nil {
		return nil, err
	}
	out := map[string]*onChain{}
	get := func(id string) *onChain {
		if out[id] == nil {
			out[id] = &onChain{rewards: map[uint64][]int64{}, votes: map[uint64]int{}}
		}
		return out[id]
	}
	for i := range logs {
		l := &logs[i]
		switch l.Topics[0] {
		case rewID:
			ev, err := coord.UnpackRewardSubmittedEvent(l)
			if err != nil {
				return nil, err
			}
			oc := get(ev.PeerId)
			r := ev.RoundNumber.Uint64()
			oc.rewards[r] = append(oc.rewards[r], ev.Reward.Int64())
		case winID:
			ev, err := coord.UnpackWinnerSubmittedEvent(l)
			if err != nil {
				return nil, err
			}
			get(ev.PeerId).votes[ev.RoundNumber.Uint64()]++
		}
	}
	return out, nil
}

// nodeRounds are one node's committed rounds (rounds.jsonl).
type nodeRounds struct {
	byRound map[uint64]node.RoundMetrics
	dup     []uint64 // rounds logged twice
	torn    int      // lines a crash tore
}

func readNodeRounds(n *swarmNode) (nodeRounds, error) {
	rs, torn, err := node.ReadRounds(filepath.Join(n.home, "data", "node", node.RoundsFile))
	nr := nodeRounds{byRound: map[uint64]node.RoundMetrics{}, torn: torn}
	for _, m := range rs {
		if _, ok := nr.byRound[m.Round]; ok {
			nr.dup = append(nr.dup, m.Round)
		}
		nr.byRound[m.Round] = m
	}
	return nr, err
}

// check runs every invariant and gathers the figures.
func (s *soak) check(ro *chain.Client, end uint64) *figures {
	t := s.t
	f := &figures{size: s.sz, seed: *seed, base: s.base, end: end, drops: map[string]float64{}}
	evs, err := chainEvents(ro)
	if err != nil {
		t.Fatalf("read the chain's events: %v", err)
	}
	all := make([]nodeRounds, len(s.nodes))
	for _, n := range s.nodes {
		if e := last(func() []event { e, _ := n.lives[0].snapshot(); return e }(), "identity"); e.kind != "" {
			n.peer = e.text
		}
		if n.peer == "" {
			t.Errorf("node %d: no peer ID in its log", n.i)
			continue
		}
		nr, err := readNodeRounds(n)
		if err != nil {
			t.Errorf("node %d: %v", n.i, err)
		}
		all[n.i] = nr
		f.torn += nr.torn
		if len(nr.dup) > 0 {
			t.Errorf("node %d logged rounds %v twice", n.i, nr.dup)
		}
		queued := map[uint64]bool{}
		if st, err := readState(n); err != nil {
			t.Errorf("node %d: %v", n.i, err)
		} else {
			for _, p := range st.Pending {
				queued[p.Round] = true
			}
		}
		oc := evs[n.peer]
		if oc == nil {
			oc = &onChain{rewards: map[uint64][]int64{}, votes: map[uint64]int{}}
		}
		// Every completed round with a submission: its reward and vote on chain exactly once,
		// the reward the node decided.
		for r, m := range nr.byRound {
			f.nodeRounds++
			if r > s.base && r <= end {
				f.runNodeRounds++
			}
			if m.Submitted == nil {
				f.unsubmitted++
				continue
			}
			got := oc.rewards[m.Submitted.Round]
			// A round committed just before the final SIGINT keeps its submission queued
			// in state.json for the next run (nothing new is sent after a stop): on chain
			// at most once so far.
			if queued[m.Submitted.Round] && len(got) <= 1 && oc.votes[m.Submitted.Round] <= 1 {
				f.queued++
				continue
			}
			switch {
			case len(got) != 1:
				f.rewardErrs++
				t.Errorf("node %d round %d: %d reward events on chain, want 1", n.i, r, len(got))
			case got[0] != m.Submitted.Reward:
				f.rewardErrs++
				t.Errorf("node %d round %d: reward %d on chain, decided %d", n.i, r, got[0], m.Submitted.Reward)
			default:
				f.rewards++
			}
			if v := oc.votes[m.Submitted.Round]; v != 1 {
				f.voteErrs++
				t.Errorf("node %d round %d: %d votes on chain, want 1", n.i, r, v)
			} else {
				f.votes++
			}
		}
		// Nothing on chain for a round the node did not complete (a replayed round counted twice).
		for r, rw := range oc.rewards {
			if m, ok := nr.byRound[r]; !ok || m.Submitted == nil {
				f.rewardErrs++
				t.Errorf("node %d: %d reward event(s) on chain for round %d, which its log does not hold", n.i, len(rw), r)
			}
		}
		for r := range oc.votes {
			if m, ok := nr.byRound[r]; !ok || m.Submitted == nil {
				f.voteErrs++
				t.Errorf("node %d: a vote on chain for round %d, which its log does not hold", n.i, r)
			}
		}
		for i := range n.prom {
			pc := n.prom[i]
			f.accepted += pc.accepted
			f.duplicates += pc.duplicates
			for r, v := range pc.dropped {
				f.drops[r] += v
			}
		}
		f.lives += len(n.lives)
	}
	s.checkRollouts(all, f)
	s.checkKills(f)
	f.fileChecks, f.fileProblems = s.fileChecks, s.fileProblems
	for _, p := range s.fileProblems {
		t.Errorf("unreadable file: %s", p)
	}
	f.hostRestarts = s.hostRestarts
	if len(s.hostRestarts) == 0 {
		t.Errorf("the host was never restarted")
	}
	return f
}

// checkRollouts compares, per run round, what every node published with what every other
// node received from it, among the nodes that played the round from its start to its end in
// one life (not its first round) and were not cut off: that is "stayed connected". A receiver
// keeps peers' rollouts of the chain's round from before it starts the round, so a late start
// is no excuse; a slow sender is: one whose receiver's gather ran to its deadline, or whose
// last rollout went out too late for the receiver's gather (sentTooLate, from the times in
// rounds.jsonl) — what could not have been delivered is not lost. The cut node's rounds during
// the cut must show nothing received (the cut was real).
func (s *soak) checkRollouts(all []nodeRounds, f *figures) {
	t := s.t
	cutNode := s.sz.Nodes - 1
	cutFrom := s.base + uint64(s.sz.CutFrom)
	cutTo := cutFrom + uint64(s.sz.CutRounds) - 1
	for r := s.base + 1; r <= s.base+uint64(s.sz.Rounds); r++ {
		var clean []int
		for _, n := range s.nodes {
			m, ok := all[n.i].byRound[r]
			if !ok {
				continue
			}
			f.published += m.Published
			f.received += m.PeerRollouts
			// The swarm follows the chain's round about a second late, so the cut starts
			// during round cutFrom (peers' rollouts of that round may be in before it) and
			// heals during cutTo+1; the rounds between are cut off whole.
			if n.i == cutNode && r > cutFrom && r <= cutTo {
				f.cutRounds++
				f.cutReceived += m.PeerRollouts
				if m.PeerRollouts > 0 {
					t.Errorf("node %d received %d rollouts in round %d while cut off", n.i, m.PeerRollouts, r)
				}
				continue
			}
			if n.i == cutNode && r >= cutFrom-1 && r <= cutTo+1 {
				continue
			}
			if m.Shared && s.playedWhole(n, r) {
				clean = append(clean, n.i)
			}
		}
		for _, b := range clean {
			for _, a := range clean {
				if a == b {
					continue
				}
				sent := all[a].byRound[r].Published
				got := all[b].byRound[r].PeerRolloutsFrom[s.nodes[a].peer]
				f.pairRounds++
				f.pairSent += sent
				if got >= sent {
					continue
				}
				// A gather that ran to its deadline ended while a slow peer was still
				// generating: its rollouts came late, not lost. One that ended early did
				// so because every peer had shared and gone quiet: what is missing then
				// was lost on the way.
				bm := all[b].byRound[r]
				if bm.Phases[node.PhaseGather] >= s.sz.gatherDeadline().Seconds()-0.1 {
					f.late += sent - got
					continue
				}
				// A sender that published its last rollout as the receiver's gather ended
				// (or after) could not have been heard: late, not lost. Only what was out
				// deliverWithin before the gather ended counts as lost on the way.
				if sentTooLate(all[a].byRound[r], bm) {
					f.afterGather += sent - got
					continue
				}
				// While the host restarts, nodes that reach each other only through the
				// bootnode are apart: not "stayed connected".
				if s.nearHostRestart(r) {
					f.hostMissed += sent - got
					continue
				}
				f.lost += sent - got
				t.Errorf("round %d: node %d published %d rollouts (the last at %s), node %d received %d of them (its gather ended at %s after %.1fs, before the deadline)",
					r, a, sent, all[a].byRound[r].PublishedAt.Format("15:04:05.000"), b, got, bm.GatheredAt.Format("15:04:05.000"), bm.Phases[node.PhaseGather])
			}
		}
	}
	if f.cutRounds == 0 {
		t.Errorf("the cut node played none of its whole cut rounds %d-%d", cutFrom+1, cutTo)
	}
}

// deliverWithin is how long before a receiver stops gathering a rollout must have been sent
// for its absence to count as lost: a gossip hop on loopback takes milliseconds, but on a
// loaded machine (20 nodes on 2 cores) a message may pass two or three busy peers, and a
// round's last groups are signed and sent one after another.
const deliverWithin = 1500 * time.Millisecond

// sentTooLate reports whether the sender's last rollout of the round went out too late for
// the receiver's gather (both times from rounds.jsonl; one clock, one computer). Files
// without the times cannot tell: false.
func sentTooLate(sender, receiver node.RoundMetrics) bool {
	if sender.PublishedAt.IsZero() || receiver.GatheredAt.IsZero() {
		return false
	}
	return sender.PublishedAt.After(receiver.GatheredAt.Add(-deliverWithin))
}

// playedWhole reports whether n played round r from its start to its end in a life that had
// already played a round before it: a kill in between leaves what it received in the dead
// process, and a freshly started process plays its first round while it is still finding its
// peers (it publishes before it is connected and gathers what arrives), so neither is a
// node that stayed connected.
func (s *soak) playedWhole(n *swarmNode, r uint64) bool {
	for _, l := range n.lives {
		evs, _ := l.snapshot()
		before, started, done := false, false, false
		for _, e := range evs {
			before = before || (e.kind == "started" && e.round < r)
			started = started || (e.round == r && e.kind == "started")
			done = done || (e.round == r && e.kind == "done")
		}
		if started && done {
			return before
		}
	}
	return false
}

// checkKills counts where the kills landed and checks every restarted node came back on the
// chain's round within one round.
func (s *soak) checkKills(f *figures) {
	t := s.t
	f.landed = map[string]int{}
	f.planned = map[string]int{}
	for _, k := range s.kills {
		f.planned[k.Phase]++
		if k.Skipped != "" {
			f.skipped++
			t.Logf("kill of node %d in %s at round %d skipped: %s", k.Node, k.Phase, k.Round, k.Skipped)
			continue
		}
		f.kills++
		f.landed[k.Landed]++
		f.landings = append(f.landings, fmt.Sprintf("node %2d, chain round %3d: aimed at %-8s landed in %s (%s); back at round %d in %.1fs",
			k.Node, k.ChainRound, k.Phase, k.Landed, k.At, k.FirstRound, k.BackIn.Seconds()))
		if k.BackInRound {
			f.recovered++
			f.backIn = append(f.backIn, k.BackIn)
		} else {
			t.Errorf("node %d restarted at chain round %d was not back on the chain's round within one round (first round %d, after %s) %s",
				k.Node, k.ChainRound, k.FirstRound, k.BackIn, k.Died)
		}
	}
	for _, p := range killPhases {
		if f.landed[p] == 0 {
			t.Errorf("no kill landed inside %s (landed: %v)", p, f.landed)
		}
	}
}

// nearHostRestart reports whether round r overlaps a restart of the host (the round it began
// in, or the next when the restart ran past the round's end).
func (s *soak) nearHostRestart(r uint64) bool {
	for _, h := range s.hostRestarts {
		if r == h.Round || r == h.Round+1 {
			return true
		}
	}
	return false
}
