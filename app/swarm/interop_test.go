package swarm

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
)

// TestJSLibp2pPeerVerifiesEveryRound is issue 16's interop test: a peer
// written with js-libp2p (testdata/jspeer/peer.mjs: @chainsafe gossipsub,
// noise, yamux, TCP) dials only the bootnode of a Go swarm, and must receive
// every round's rollout from every Go trainer, decode it with its own
// implementation of the wire format and verify the author's signature. Its
// decoder is first held against the Go decoder on crafted envelopes, so
// "verified" cannot mean "accepted anything". It also publishes a rollout
// of its own each round, which every Go node must verify and store.
func TestJSLibp2pPeerVerifiesEveryRound(t *testing.T) {
	node, npm := jsTools(t)
	installJSPeer(t, npm)

	var chainRound atomic.Uint64
	src := func(context.Context) (uint64, error) { return chainRound.Load(), nil }
	follow := func(c *Config) { c.RoundSource, c.RoundPoll = src, 20*time.Millisecond }
	bootMesh := newMeshTracer()
	testPubsubOpts = []pubsub.Option{pubsub.WithRawTracer(bootMesh)}
	boot := newTestNode(t, edKey(t), nil, follow, func(c *Config) { c.Observer, c.EnableRelayService = true, true })
	testPubsubOpts = nil
	// Both identity kinds: Ed25519 (the key is inside the peer ID) and
	// RSA-2048 (rl-swarm's Qm… IDs, a hash of the key).
	keys := []crypto.PrivKey{edKey(t), edKey(t), rsaKey(t, 0)}
	var trainers []*Node
	for _, k := range keys {
		trainers = append(trainers, newTestNode(t, k, boot.Addrs(), follow))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, nd := range trainers {
		if err := nd.WaitPeers(ctx, 1); err != nil {
			t.Fatal(err)
		}
	}

	var bootTCP string
	for _, a := range boot.Addrs() {
		if strings.Contains(a, "/tcp/") {
			bootTCP = a
		}
	}
	if bootTCP == "" {
		t.Fatalf("bootnode has no TCP address (js-libp2p in Node.js dials TCP only): %v", boot.Addrs())
	}
	js := startJSPeer(t, node, jsConfig{Bootnode: bootTCP, Topic: boot.topicName(), Limits: boot.cfg.Limits, MaxMetaKeyBytes: maxMetaKeyBytes})
	ready := js.reply(ctx, t, "ready")
	logJSVersions(t, ready)
	jsID, err := peer.Decode(ready.PeerID)
	if err != nil {
		t.Fatalf("js peer id %q: %v", ready.PeerID, err)
	}
	if !slices.Contains(ready.Protocols, string(pubsub.GossipSubID_v12)) {
		t.Errorf("js peer does not speak %s: %v", pubsub.GossipSubID_v12, ready.Protocols)
	}
	// The bootnode forwards only to its mesh: wait until the JS peer is in
	// it, and every trainer too (they publish to their mesh only).
	for _, p := range append([]peer.ID{jsID}, peerIDs(trainers)...) {
		if err := bootMesh.wait(ctx, p); err != nil {
			t.Fatalf("bootnode never grafted %s: %v", p, err)
		}
	}
	if protos, err := boot.Host().Peerstore().GetProtocols(jsID); err != nil || !slices.Contains(protos, pubsub.GossipSubID_v12) {
		t.Errorf("bootnode did not learn %s from the js peer's identify: %v %v", pubsub.GossipSubID_v12, protos, err)
	}

	t.Run("decoders agree", func(t *testing.T) { checkJSDecoder(ctx, t, js, keys) })

	const rounds = 4
	for round := uint64(1); round <= rounds; round++ {
		// The bootnode learns the round from the "chain" alone, as a real
		// one does; the trainers as their training loop tells them.
		chainRound.Store(round)
		for _, nd := range trainers {
			nd.SetRound(round)
		}
		js.send(t, map[string]any{"cmd": "round", "round": strconv.FormatUint(round, 10), "publish": true})
		mine := js.reply(ctx, t, "round")
		want := publishRound(t, trainers, round)
		got := collectJSRound(ctx, t, js, round, want)
		for author, ev := range got {
			w := want[author]
			ok, msgID := boot.store.same(round, author, w.BatchID, mustSign(t, keyOf(keys, trainers, author), w))
			if !ok {
				t.Fatalf("round %d: bootnode did not store %s's rollout", round, author)
			}
			if ev.MsgID != hex.EncodeToString([]byte(msgID)) {
				t.Errorf("round %d, %s: js message id %s, go message id %x: IHAVE/IWANT would never match", round, author, ev.MsgID, msgID)
			}
		}
		// The other way: the JS peer's own rollout, signed by js-libp2p's
		// key and published through js-gossipsub, reaches every Go node
		// through the bootnode and passes the Go validator.
		if !slices.Equal(mine.Recipients, []string{boot.ID()}) {
			t.Errorf("round %d: the js peer published to %v, want the bootnode alone", round, mine.Recipients)
		}
		if mine.Rollout == nil {
			t.Fatalf("round %d: the js peer published nothing", round)
		}
		jsR, err := mine.Rollout.rollout()
		if err != nil {
			t.Fatal(err)
		}
		if jsR.PeerID != ready.PeerID || jsR.Round != round {
			t.Fatalf("round %d: the js peer's rollout is %+v", round, jsR)
		}
		for i, nd := range append([]*Node{boot}, trainers...) {
			if err := waitStored(ctx, nd, jsR); err != nil {
				t.Fatalf("round %d: go node %d: %v", round, i, err)
			}
		}
	}

	js.send(t, map[string]any{"cmd": "done"})
	rep := js.reply(ctx, t, "report")
	t.Logf("js peer report: received %d messages, connected to %v, mesh %v", rep.Received, rep.EverConnected, rep.MeshPeers)
	if len(rep.EverConnected) != 1 || rep.EverConnected[0] != boot.ID() {
		t.Errorf("js peer was connected to %v, want the bootnode %s alone", rep.EverConnected, boot.ID())
	}
	if rep.Received != rounds*len(trainers) {
		t.Errorf("js peer received %d messages, want exactly %d", rep.Received, rounds*len(trainers))
	}
	for i, nd := range append([]*Node{boot}, trainers...) {
		for reason, c := range nd.Stats().Dropped {
			if c != 0 {
				t.Errorf("go node %d dropped %d messages as %s", i, c, reason)
			}
		}
	}
}

// collectJSRound waits for the JS peer's verdicts on round's rollouts and
// checks each one: verified, forwarded by the bootnode, identical to what
// the Go trainer published. It returns the events by author.
func collectJSRound(ctx context.Context, t *testing.T, js *jsPeer, round uint64, want map[string]Rollout) map[string]jsEvent {
	t.Helper()
	got := map[string]jsEvent{}
	wait := time.NewTimer(20 * time.Second)
	defer wait.Stop()
	for len(got) < len(want) {
		var ev jsEvent
		select {
		case ev = <-js.rollouts:
		case <-wait.C:
			t.Fatalf("round %d: the js peer verified %d of %d rollouts in 20 s; missing authors %v", round, len(got), len(want), missing(want, got))
		case <-ctx.Done():
			t.Fatal(ctx.Err())
		}
		if !ev.OK {
			t.Fatalf("round %d: js peer refused a rollout from %s (via %s): %s", round, ev.From, ev.Via, ev.Error)
		}
		r, err := ev.Rollout.rollout()
		if err != nil {
			t.Fatal(err)
		}
		w, ok := want[r.PeerID]
		switch {
		case !ok || r.Round != round:
			t.Fatalf("round %d: js peer got an unexpected rollout %+v", round, r)
		case got[r.PeerID].Event != "":
			t.Fatalf("round %d: js peer got %s's rollout twice", round, r.PeerID)
		}
		if err := sameRollout(w, r); err != nil {
			t.Fatalf("round %d: js peer decoded %s's rollout differently: %v", round, r.PeerID, err)
		}
		got[r.PeerID] = ev
	}
	return got
}

// waitStored waits until nd has verified and stored want.
func waitStored(ctx context.Context, nd *Node, want Rollout) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	for {
		changed := nd.store.wait()
		for _, r := range nd.store.rollouts(want.Round) {
			if r.PeerID == want.PeerID {
				return sameRollout(want, r)
			}
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("the js peer's rollout of round %d never arrived (dropped: %v)", want.Round, nd.Stats().Dropped)
		}
	}
}

func missing(want map[string]Rollout, got map[string]jsEvent) []string {
	var out []string
	for a := range want {
		if _, ok := got[a]; !ok {
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return out
}

// checkJSDecoder holds the JS decoder against the Go one: it must refuse
// every crafted bad envelope the Go decoder refuses, and accept valid ones
// (RSA and Ed25519 authors, meta keys whose byte order differs from their
// UTF-16 order) with the same content.
func checkJSDecoder(ctx context.Context, t *testing.T, js *jsPeer, keys []crypto.PrivKey) {
	for _, tc := range decodeRejectCases(t) {
		if _, err := Decode(tc.data, Limits{}); err == nil {
			t.Fatalf("%s: the Go decoder accepts it", tc.name)
		}
		js.send(t, map[string]any{"cmd": "check", "envelope": base64.StdEncoding.EncodeToString(tc.data)})
		if ev := js.reply(ctx, t, "check"); ev.OK {
			t.Errorf("%s: the js decoder accepts an envelope the Go decoder drops as %s", tc.name, tc.want)
		} else {
			t.Logf("%s: js refuses it: %s", tc.name, ev.Error)
		}
	}
	utf16 := testRollout(idOf(t, keys[0]), 5, "u")
	// U+FF61 sorts before U+1F600 by UTF-8 bytes (Go's order) but after it
	// by UTF-16 code units (JavaScript's string order).
	utf16.Meta = map[string]string{"\uff61": "half-width", "\U0001F600": "emoji"}
	good := []struct {
		name string
		key  crypto.PrivKey
		r    Rollout
	}{
		{"ed25519", keys[0], testRollout(idOf(t, keys[0]), 5, "ed")},
		{"rsa2048", keys[2], testRollout(idOf(t, keys[2]), 5, "rsa")},
		{"meta in byte order", keys[0], utf16},
	}
	for _, tc := range good {
		js.send(t, map[string]any{"cmd": "check", "envelope": base64.StdEncoding.EncodeToString(mustSign(t, tc.key, tc.r))})
		ev := js.reply(ctx, t, "check")
		if !ev.OK {
			t.Errorf("%s: the js decoder refuses a valid envelope: %s", tc.name, ev.Error)
			continue
		}
		r, err := ev.Rollout.rollout()
		if err == nil {
			err = sameRollout(tc.r, r)
		}
		if err != nil {
			t.Errorf("%s: js decoded it differently: %v", tc.name, err)
		}
	}
}

func logJSVersions(t *testing.T, ready jsEvent) {
	names := make([]string, 0, len(ready.Versions))
	for n := range ready.Versions {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, " %s@%s", n, ready.Versions[n])
	}
	t.Logf("js peer %s runs%s", ready.PeerID, b.String())
}

func peerIDs(nodes []*Node) []peer.ID {
	out := make([]peer.ID, len(nodes))
	for i, n := range nodes {
		out[i] = n.Host().ID()
	}
	return out
}

func keyOf(keys []crypto.PrivKey, nodes []*Node, author string) crypto.PrivKey {
	for i, n := range nodes {
		if n.ID() == author {
			return keys[i]
		}
	}
	return nil
}

// meshTracer follows one node's gossipsub mesh through its raw tracer.
type meshTracer struct {
	mu      sync.Mutex
	mesh    map[peer.ID]bool
	changed chan struct{}
}

func newMeshTracer() *meshTracer {
	return &meshTracer{mesh: map[peer.ID]bool{}, changed: make(chan struct{})}
}

func (m *meshTracer) set(p peer.ID, in bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.mesh[p] = in
	close(m.changed)
	m.changed = make(chan struct{})
}

// wait blocks until p is in the mesh.
func (m *meshTracer) wait(ctx context.Context, p peer.ID) error {
	for {
		m.mu.Lock()
		in, ch := m.mesh[p], m.changed
		m.mu.Unlock()
		if in {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (m *meshTracer) Graft(p peer.ID, _ string)                            { m.set(p, true) }
func (m *meshTracer) Prune(p peer.ID, _ string)                            { m.set(p, false) }
func (m *meshTracer) RemovePeer(p peer.ID)                                 { m.set(p, false) }
func (m *meshTracer) AddPeer(peer.ID, protocol.ID)                         {}
func (m *meshTracer) Join(string)                                          {}
func (m *meshTracer) Leave(string)                                         {}
func (m *meshTracer) ValidateMessage(*pubsub.Message)                      {}
func (m *meshTracer) DeliverMessage(*pubsub.Message)                       {}
func (m *meshTracer) RejectMessage(*pubsub.Message, string)                {}
func (m *meshTracer) DuplicateMessage(*pubsub.Message)                     {}
func (m *meshTracer) ThrottlePeer(peer.ID)                                 {}
func (m *meshTracer) RecvRPC(*pubsub.RPC)                                  {}
func (m *meshTracer) SendRPC(*pubsub.RPC, peer.ID)                         {}
func (m *meshTracer) SendRPCCompleted(*pubsub.RPC, peer.ID, time.Duration) {}
func (m *meshTracer) DropRPC(*pubsub.RPC, peer.ID)                         {}
func (m *meshTracer) UndeliverableMessage(*pubsub.Message)                 {}
func (m *meshTracer) OnNewOutboundStream(peer.ID, protocol.ID)             {}
func (m *meshTracer) OnClosedOutboundStream(peer.ID)                       {}
