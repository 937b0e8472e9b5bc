package swarm

import (
	"bytes"
	"context"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/peer"
)

// validate is the gossipsub topic validator. It is the only place gossip
// rollouts enter the store, so every check (rate, size, encoding, schema,
// author, signature, round window, replay, per-round quota) happens here.
// Reject lowers the forwarding peer's score; Ignore does not.
func (n *Node) validate(_ context.Context, from peer.ID, msg *pubsub.Message) pubsub.ValidationResult {
	if from == n.h.ID() {
		return pubsub.ValidationAccept // Publish already checked and stored it
	}
	src := from.String()
	if !n.rate.allow(src) {
		n.counters.drop(DropRate, src)
		return pubsub.ValidationReject
	}
	env, err := decodeEnvelope(msg.Data, n.cfg.Limits)
	if err != nil {
		n.counters.drop(ReasonOf(err), src)
		return pubsub.ValidationReject
	}
	// Gossip must come from its author: relaying someone else's rollout
	// under your own pubsub signature is how replays would be injected.
	if msg.GetFrom().String() != env.Rollout.PeerID {
		n.counters.drop(DropSignature, src)
		return pubsub.ValidationReject
	}
	if err := env.verify(); err != nil {
		n.counters.drop(ReasonOf(err), src)
		return pubsub.ValidationReject
	}
	return n.admit(env, msg.Data, src, msg.ID)
}

// admit stores a verified envelope, classifying store refusals:
//   - an identical copy that is the same gossip message (two paths), or
//     arrived after a sync, is a benign duplicate: ignored, not blamed;
//   - an identical copy under a new gossip message id means the envelope
//     was published again: a replay, ignored and counted but not blamed
//     (a retrying honest node does the same);
//   - a different rollout under an already used (author, round, batch) is
//     equivocation: counted as a replay and blamed on the forwarder.
func (n *Node) admit(env *envelope, raw []byte, src, msgID string) pubsub.ValidationResult {
	// Round and membership are judged against this node's view of the
	// chain, which may lag (or lead) the sender's by a moment: such drops
	// are counted but ignored, never held against the sender. A failed
	// look-up is not an answer: the rollout is held and looked up again
	// (held.go).
	if n.cfg.IsMember != nil {
		member, err := n.cfg.IsMember(env.Rollout.PeerID)
		if err != nil {
			return n.hold(env, raw, src, msgID, time.Now())
		}
		if !member {
			n.counters.note(DropMember, src)
			return pubsub.ValidationIgnore
		}
	}
	return n.adopt(env, raw, src, msgID)
}

// adopt stores an envelope whose author is a member (see admit).
func (n *Node) adopt(env *envelope, raw []byte, src, msgID string) pubsub.ValidationResult {
	// Copy: pubsub owns msg.Data and we keep the bytes to serve sync.
	own := bytes.Clone(raw)
	r := &env.Rollout
	why := n.store.addMsg(*r, own, msgID)
	if why == DropRound && n.catchUp(r.Round) {
		why = n.store.addMsg(*r, own, msgID)
	}
	switch why {
	case "":
		n.counters.accepted.Add(1)
		return pubsub.ValidationAccept
	case DropReplay:
		same, storedID := n.store.same(r.Round, r.PeerID, r.BatchID, raw)
		switch {
		case same && (storedID == "" || storedID == msgID):
			n.counters.duplicates.Add(1)
			return pubsub.ValidationIgnore
		case same:
			n.counters.note(DropReplay, src)
			return pubsub.ValidationIgnore
		}
		n.counters.drop(DropReplay, src)
		return pubsub.ValidationReject
	case DropRound:
		n.counters.note(DropRound, src)
		return pubsub.ValidationIgnore
	default:
		n.counters.drop(why, src)
		return pubsub.ValidationReject
	}
}
