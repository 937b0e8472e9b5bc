package swarm

import (
	"context"
	"testing"
	"time"
)

// When may a gather stop before its deadline? Waiting only for direct peers let a node in a
// 20-node swarm stop while a sender it reached only through others was still generating, and
// that sender's rollouts were left out of the round (the full soak test counted them lost).
// The previous round's authors are waited for too, each until it has as many batches here as
// it shared then (one gossip message of 32 missing once ended a gather, and was lost).
func TestRoundComplete(t *testing.T) {
	has := func(ids ...string) map[string][]string {
		m := map[string][]string{}
		for _, id := range ids {
			m[id] = []string{"batch"}
		}
		return m
	}
	cases := []struct {
		name     string
		authors  map[string][]string
		trainers []string
		expect   map[string]int
		want     int
		done     bool
	}{
		{"no peers, nothing expected", has(), nil, nil, 0, true},
		{"a direct peer missing", has("a"), []string{"a", "b"}, nil, 0, false},
		{"every direct peer in", has("a", "b"), []string{"a", "b"}, nil, 0, true},
		{"direct peers in, last round's far author missing", has("a", "b"), []string{"a", "b"}, map[string]int{"a": 1, "far": 1}, 0, false},
		{"direct peers and last round's authors in", has("a", "b", "far"), []string{"a", "b"}, map[string]int{"far": 1}, 0, true},
		{"last round's author only, no direct peers yet", has(), nil, map[string]int{"far": 1}, 0, false},
		{"an author with no batch does not count", map[string][]string{"a": nil}, []string{"a"}, nil, 0, false},
		{"GatherN: enough authors, expectations aside", has("a", "b"), []string{"c"}, map[string]int{"far": 1}, 2, true},
		{"an author with fewer batches than it shared last round", map[string][]string{"far": {"b1", "b2"}}, nil, map[string]int{"far": 3}, 0, false},
		{"an author with as many batches as last round", map[string][]string{"far": {"b1", "b2", "b3"}}, nil, map[string]int{"far": 3}, 0, true},
		{"an author that shared nothing last round is still waited for", has(), nil, map[string]int{"far": 0}, 0, false},
		{"GatherN: too few authors", has("a"), nil, nil, 2, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := roundComplete(tc.authors, tc.trainers, tc.expect, tc.want); got != tc.done {
				t.Fatalf("roundComplete = %v, want %v", got, tc.done)
			}
		})
	}
}

// TestSyncPullsAPartlyReceivedAuthor: a node holding one of the two batches an author shared
// this round, having had two from it last round, asks for that author again and gets the
// missing one. Asking only for authors it had nothing from left a single missed gossip
// message of an author's 32 unrecovered (the full soak counted it lost).
func TestSyncPullsAPartlyReceivedAuthor(t *testing.T) {
	holder := newTestNode(t, edKey(t), nil)
	receiver := newTestNode(t, edKey(t), holder.Addrs())
	const round = 5
	holder.SetRound(round)
	receiver.SetRound(round)
	signed := func(r uint64, tag string) (Rollout, []byte) {
		ro := testRollout(holder.ID(), r, tag)
		raw, err := Sign(ro, holder.cfg.Key, holder.cfg.Limits)
		if err != nil {
			t.Fatal(err)
		}
		return ro, raw
	}
	for i, tag := range []string{"last-a", "last-b", "now-a", "now-b"} {
		r := uint64(round - 1)
		if i >= 2 {
			r = round
		}
		ro, raw := signed(r, tag)
		if why := holder.store.add(ro, raw); why != "" {
			t.Fatalf("holder store: %s", why)
		}
		if tag == "now-b" {
			continue // the gossip message the receiver missed
		}
		if why := receiver.store.add(ro, raw); why != "" {
			t.Fatalf("receiver store: %s", why)
		}
	}
	if got := len(receiver.store.authors(round)[holder.ID()]); got != 1 {
		t.Fatalf("before sync the receiver holds %d batches of the author, want 1", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for len(receiver.h.Network().ConnsToPeer(holder.h.ID())) == 0 {
		select {
		case <-ctx.Done():
			t.Fatal("the receiver never connected to the holder")
		case <-time.After(20 * time.Millisecond):
		}
	}
	if err := receiver.syncFrom(ctx, holder.h.ID(), round); err != nil {
		t.Fatal(err)
	}
	if got := len(receiver.store.authors(round)[holder.ID()]); got != 2 {
		t.Fatalf("after sync the receiver holds %d batches of the author, want 2", got)
	}
}
