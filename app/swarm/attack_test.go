package swarm

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
)

// attacker is a real libp2p host running gossipsub without any validation,
// able to publish arbitrary bytes on the swarm topic.
type attacker struct {
	key   crypto.PrivKey
	h     host.Host
	topic *pubsub.Topic
}

func newAttacker(t *testing.T, victim *Node, round uint64) *attacker {
	t.Helper()
	key := edKey(t)
	h, err := libp2p.New(libp2p.Identity(key), libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"), libp2p.DisableMetrics())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close() })
	ps, err := pubsub.NewGossipSub(context.Background(), h, pubsub.WithMaxMessageSize(16<<20), pubsub.WithPeerOutboundQueueSize(4096))
	if err != nil {
		t.Fatal(err)
	}
	topic, err := ps.Join(victim.topicName())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := topic.Subscribe(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := h.Connect(ctx, victim.h.Peerstore().PeerInfo(victim.h.ID())); err != nil {
		t.Fatal(err)
	}
	// Wait until the victim's gossipsub knows we are on the topic, so
	// flood-publish reaches it.
	for len(topic.ListPeers()) == 0 || !hasPeer(victim.topic.ListPeers(), h.ID()) {
		select {
		case <-ctx.Done():
			t.Fatal("attacker never saw the victim on the topic")
		case <-time.After(20 * time.Millisecond):
		}
	}
	a := &attacker{key: key, h: h, topic: topic}
	// Topic membership is visible before gossipsub's outgoing stream is
	// usable, and messages sent in between are lost. Repeat one valid
	// "hello" rollout until the victim stores it: from then on the
	// attacker's messages reach the victim's validator.
	hello := a.signed(t, testRollout(a.id(), round, "hello"))
	for len(victim.store.authors(round)[a.id()]) == 0 {
		a.publish(t, bytes.Clone(hello))
		select {
		case <-ctx.Done():
			t.Fatal("attacker's hello never reached the victim")
		case <-time.After(50 * time.Millisecond):
		}
	}
	return a
}

func hasPeer(ps []peer.ID, p peer.ID) bool {
	for _, q := range ps {
		if q == p {
			return true
		}
	}
	return false
}

func (a *attacker) id() string { return a.h.ID().String() }

func (a *attacker) publish(t *testing.T, data []byte) {
	t.Helper()
	if err := a.topic.Publish(context.Background(), data); err != nil {
		t.Fatal(err)
	}
}

func (a *attacker) signed(t *testing.T, r Rollout) []byte {
	t.Helper()
	raw, err := Sign(r, a.key, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// waitDropped polls the victim until its counter for reason reaches want.
func waitDropped(t *testing.T, n *Node, reason DropReason, want uint64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for n.Stats().Dropped[reason] < want {
		if time.Now().After(deadline) {
			t.Fatalf("dropped[%s] = %d, want >= %d (all: %v)", reason, n.Stats().Dropped[reason], want, n.Stats().Dropped)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func isTopicPeer(a, b *Node) bool {
	for _, p := range a.topic.ListPeers() {
		if p == b.h.ID() {
			return true
		}
	}
	return false
}

// stillWorks proves the victim survived: an honest rollout still arrives.
func stillWorks(t *testing.T, victim, honest *Node, round uint64, tag string) {
	t.Helper()
	r := testRollout(honest.ID(), round, tag)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for !isTopicPeer(honest, victim) || !isTopicPeer(victim, honest) {
		select {
		case <-ctx.Done():
			t.Fatal("honest node never saw the victim on the topic")
		case <-time.After(20 * time.Millisecond):
		}
	}
	if err := honest.Publish(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	// Gossip right after a connection can be lost while gossipsub's
	// streams open; the sync protocol is the node's recovery path for
	// that, so use it as a fallback here too.
	deadline := time.Now().Add(20 * time.Second)
	synced := time.Now().Add(time.Second)
	for time.Now().Before(deadline) {
		for _, b := range victim.store.authors(round)[honest.ID()] {
			if b == r.BatchID {
				return
			}
		}
		if time.Now().After(synced) {
			_ = victim.syncFrom(ctx, honest.h.ID(), round)
			synced = time.Now().Add(time.Second)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("victim did not receive the honest rollout %q after the attack; victim stats %+v, store %v", tag, victim.Stats(), victim.store.authors(round))
}

func TestGossipAttacksAreDroppedAndCounted(t *testing.T) {
	victim := newTestNode(t, edKey(t), nil)
	honest := newTestNode(t, edKey(t), victim.Addrs())
	const round = 5
	victim.SetRound(round)
	honest.SetRound(round)
	// Honest traffic first, so the victim holds something to be replayed.
	stillWorks(t, victim, honest, round, "before")
	honestRaw := victim.store.raws(round)[0]

	// Each case uses a fresh attacker identity: after a handful of rejected
	// messages gossipsub graylists a peer and ignores it entirely, which
	// would hide the later cases from the counters.
	var a *attacker
	cases := []struct {
		name   string
		data   func() []byte
		reason DropReason
	}{
		{"garbage", func() []byte { return []byte("not an envelope") }, DropMalformed},
		{"forged author", func() []byte {
			// Claims to be the honest node but is signed by the attacker.
			r := testRollout(honest.ID(), round, "forged")
			body, _, _ := signedParts(t, a.key, r)
			sig, _ := a.key.Sign(append([]byte(sigDomain), body...))
			pub, _ := crypto.MarshalPublicKey(a.key.GetPublic())
			return envelopeOf(body, pub, sig)
		}, DropSignature},
		{"bad signature", func() []byte {
			raw := a.signed(t, testRollout(a.id(), round, "badsig"))
			raw[len(raw)-1] ^= 0xff
			return raw
		}, DropSignature},
		{"replayed foreign envelope", func() []byte { return bytes.Clone(honestRaw) }, DropSignature},
		// Out-of-round messages are counted but not blamed: an honest
		// sender produces them whenever the receiver's round is stale.
		{"future round", func() []byte { return a.signed(t, testRollout(a.id(), round+50, "future")) }, DropRound},
		{"past round", func() []byte { return a.signed(t, testRollout(a.id(), round-3, "past")) }, DropRound},
		{"schema", func() []byte {
			r := testRollout(a.id(), round, "schema")
			r.BatchID = "0123"
			body, pub, sig := signedParts(t, a.key, r)
			return envelopeOf(body, pub, sig)
		}, DropSchema},
		{"1.5 MB", func() []byte {
			r := testRollout(a.id(), round, "big")
			r.Answers = []string{string(bytes.Repeat([]byte{'a'}, 1500<<10))}
			body, pub, sig := signedParts(t, a.key, r)
			return envelopeOf(body, pub, sig)
		}, DropOversize},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a = newAttacker(t, victim, round)
			before := victim.Stats().Dropped[tc.reason]
			a.publish(t, tc.data())
			waitDropped(t, victim, tc.reason, before+1)
			if tc.reason == DropRound {
				if bad := victim.counters.bad(a.id()); bad != 0 {
					t.Fatalf("an out-of-round message was blamed on its sender (%d)", bad)
				}
				return
			}
			waitScore(t, victim, a.h.ID())
		})
	}

	t.Run("replay of own message", func(t *testing.T) {
		a = newAttacker(t, victim, round)
		raw := a.signed(t, testRollout(a.id(), round, "twice"))
		before := victim.Stats().Dropped[DropReplay]
		a.publish(t, raw)
		a.publish(t, bytes.Clone(raw)) // new pubsub seqno, same envelope
		waitDropped(t, victim, DropReplay, before+1)
	})

	t.Run("equivocation", func(t *testing.T) {
		a = newAttacker(t, victim, round)
		// Same question (so same batch id) as the stored hello, new answers.
		r := testRollout(a.id(), round, "hello")
		r.Answers = []string{"a different answer"}
		before := victim.Stats().Dropped[DropReplay]
		a.publish(t, a.signed(t, r))
		waitDropped(t, victim, DropReplay, before+1)
		waitScore(t, victim, a.h.ID())
		for _, got := range victim.store.rollouts(round) {
			if got.PeerID == a.id() && got.Answers[0] == "a different answer" {
				t.Fatal("second version replaced the first")
			}
		}
	})

	t.Run("10 MB is refused by the transport", func(t *testing.T) {
		a = newAttacker(t, victim, round)
		r := testRollout(a.id(), round, "huge")
		r.Answers = []string{string(bytes.Repeat([]byte{'a'}, 10<<20))}
		body, pub, sig := signedParts(t, a.key, r)
		_ = a.topic.Publish(context.Background(), envelopeOf(body, pub, sig))
		stillWorks(t, victim, honest, round, "after-huge")
		for _, got := range victim.store.rollouts(round) {
			if got.BatchID == r.BatchID {
				t.Fatal("10 MB rollout was stored")
			}
		}
	})

	// Of all the attacks only the first copy of the replayed rollout, which
	// is valid, may have been stored.
	for _, r := range victim.store.rollouts(round) {
		if r.PeerID != honest.ID() && !strings.Contains(r.Question, "twice") && !strings.Contains(r.Question, "hello") {
			t.Fatalf("attack rollout stored: %.80q", r.Question)
		}
	}
	stillWorks(t, victim, honest, round, "after")
}

// waitScore waits until the victim's gossip score for p is negative.
func waitScore(t *testing.T, victim *Node, p peer.ID) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		for _, info := range victim.Peers() {
			if info.ID == p.String() && info.Score < 0 && info.Dropped > 0 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("score of %s never fell below 0: %+v", p, victim.Peers())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestFloodIsRateLimited(t *testing.T) {
	victim := newTestNode(t, edKey(t), nil)
	honest := newTestNode(t, edKey(t), victim.Addrs())
	const round = 1
	victim.SetRound(round)
	honest.SetRound(round)
	a := newAttacker(t, victim, round)
	const flood = 300
	for i := 0; i < flood; i++ {
		a.publish(t, a.signed(t, testRollout(a.id(), round, fmt.Sprintf("flood%d", i))))
	}
	waitDropped(t, victim, DropRate, 1)
	stored := len(victim.store.authors(round)[a.id()])
	if limit := DefaultLimits().MaxPerPeerRound; stored > limit {
		t.Fatalf("victim stored %d flood rollouts, quota is %d", stored, limit)
	}
	waitScore(t, victim, a.h.ID())
	stillWorks(t, victim, honest, round, "after-flood")
}

// TestSyncAttacks serves hostile sync answers and checks the requester
// counts and survives them.
func TestSyncAttacks(t *testing.T) {
	victim := newTestNode(t, edKey(t), nil)
	victim.SetRound(3)
	key := edKey(t)
	h, err := libp2p.New(libp2p.Identity(key), libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"), libp2p.DisableMetrics())
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	good, err := Sign(testRollout(h.ID().String(), 3, "syncgood"), key, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	frame := func(b []byte) []byte { return append(binary.AppendUvarint(nil, uint64(len(b))), b...) }
	cases := []struct {
		name   string
		resp   []byte
		reason DropReason
	}{
		{"10 MB frame", frame(bytes.Repeat([]byte{1}, 10<<20)), DropOversize},
		{"truncated frame", frame(good)[:50], DropMalformed},
		{"forged envelope", frame(append(bytes.Clone(good[:len(good)-1]), good[len(good)-1]^1)), DropSignature},
		{"wrong round", frame(mustSign(t, key, testRollout(h.ID().String(), 99, "r"))), DropRound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h.SetStreamHandler(victim.syncID, func(s network.Stream) {
				defer s.Close()
				_, _ = s.Write(tc.resp)
			})
			before := victim.Stats().Dropped[tc.reason]
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if err := h.Connect(ctx, victim.h.Peerstore().PeerInfo(victim.h.ID())); err != nil {
				t.Fatal(err)
			}
			_ = victim.syncFrom(ctx, h.ID(), 3)
			if got := victim.Stats().Dropped[tc.reason]; got != before+1 {
				t.Fatalf("dropped[%s] = %d, want %d", tc.reason, got, before+1)
			}
		})
	}
	if n := len(victim.store.rollouts(3)); n != 0 {
		t.Fatalf("victim stored %d rollouts from hostile sync answers", n)
	}
	// A correct answer is accepted.
	h.SetStreamHandler(victim.syncID, func(s network.Stream) { defer s.Close(); _, _ = s.Write(frame(good)) })
	if err := victim.syncFrom(context.Background(), h.ID(), 3); err != nil {
		t.Fatal(err)
	}
	if n := len(victim.store.rollouts(3)); n != 1 {
		t.Fatalf("victim stored %d rollouts from a valid sync answer, want 1", n)
	}
}

func mustSign(t *testing.T, key crypto.PrivKey, r Rollout) []byte {
	t.Helper()
	raw, err := Sign(r, key, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestSyncRequestFloodIsLimited: a peer hammering the sync protocol is cut
// off after the burst and counted, and the node keeps serving others.
func TestSyncRequestFloodIsLimited(t *testing.T) {
	server := newTestNode(t, edKey(t), nil)
	client := newTestNode(t, edKey(t), server.Addrs())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := client.WaitPeers(ctx, 1); err != nil {
		t.Fatal(err)
	}
	failed := 0
	for i := 0; i < 2*requestBurst; i++ {
		if err := client.syncFrom(ctx, server.h.ID(), 0); err != nil {
			failed++
		}
	}
	if failed == 0 {
		t.Fatal("no sync request was refused")
	}
	if got := server.Stats().Dropped[DropRate]; got == 0 {
		t.Fatal("refused sync requests not counted")
	}
	if got := client.Stats().Dropped; got[DropMalformed] != 0 {
		t.Fatalf("client blamed the server for refusing: %v", got)
	}
	other := newTestNode(t, edKey(t), server.Addrs())
	if err := other.WaitPeers(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := other.syncFrom(ctx, server.h.ID(), 0); err != nil {
		t.Fatalf("an innocent peer was refused: %v", err)
	}
}

func TestIsMemberFiltersAuthors(t *testing.T) {
	outsiderKey := edKey(t)
	outsider := idOf(t, outsiderKey)
	victim := newTestNode(t, edKey(t), nil, func(c *Config) {
		c.IsMember = func(id string) (bool, error) { return id != outsider, nil }
	})
	victim.SetRound(1)
	member := newTestNode(t, edKey(t), nil)
	h, err := libp2p.New(libp2p.Identity(outsiderKey), libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"), libp2p.DisableMetrics())
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	// Serve one member rollout and one outsider rollout over sync.
	both := [][]byte{
		mustSign(t, member.cfg.Key, testRollout(member.ID(), 1, "m")),
		mustSign(t, outsiderKey, testRollout(outsider, 1, "o")),
	}
	h.SetStreamHandler(victim.syncID, func(s network.Stream) {
		defer s.Close()
		for _, b := range both {
			_, _ = s.Write(append(binary.AppendUvarint(nil, uint64(len(b))), b...))
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := h.Connect(ctx, victim.h.Peerstore().PeerInfo(victim.h.ID())); err != nil {
		t.Fatal(err)
	}
	if err := victim.syncFrom(ctx, h.ID(), 1); err != nil {
		t.Fatal(err)
	}
	got := victim.store.authors(1)
	if len(got) != 1 || len(got[member.ID()]) != 1 {
		t.Fatalf("stored authors %v, want only the member", got)
	}
	if d := victim.Stats().Dropped[DropMember]; d != 1 {
		t.Fatalf("dropped[member] = %d, want 1", d)
	}
}
