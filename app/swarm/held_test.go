package swarm

import (
	"errors"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
)

// TestMemberLookupFailureIsHeld: a failed membership look-up is "could not
// tell", not "not a member". Before the fix such a rollout was dropped as a
// non-member at once and never fetched again (the full soak lost rollouts of
// nodes restarted with an empty member cache).
func TestMemberLookupFailureIsHeld(t *testing.T) {
	errChain := errors.New("chain read timed out")
	tests := []struct {
		name string
		// answers are the look-up's successive answers; the last repeats.
		answers []error // nil: answer member
		member  bool
		// endRound moves the node to the next round before the last retry.
		endRound bool
		adopted  bool
		drop     DropReason // the one drop counted, "" for none
	}{
		{name: "error once then member", answers: []error{errChain, nil}, member: true, adopted: true},
		{name: "not a member", answers: []error{nil}, member: false, drop: DropMember},
		{name: "error then not a member", answers: []error{errChain, errChain, nil}, member: false, drop: DropMember},
		{name: "error through the round end", answers: []error{errChain}, member: true, endRound: true, drop: DropMemberLookup},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key := edKey(t)
			author := idOf(t, key)
			calls := 0
			n := &Node{store: newStore(DefaultLimits()), counters: newCounters(), held: newHeldSet()}
			n.cfg.Limits = DefaultLimits()
			n.cfg.IsMember = func(id string) (bool, error) {
				if id != author {
					t.Errorf("looked up %s, want %s", id, author)
				}
				err := tc.answers[min(calls, len(tc.answers)-1)]
				calls++
				if err != nil {
					return false, err
				}
				return tc.member, nil
			}
			n.store.setRound(3)
			raw, err := Sign(testRollout(author, 3, "q"), key, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			env, err := decodeEnvelope(raw, n.cfg.Limits)
			if err != nil {
				t.Fatal(err)
			}
			sender := edKey(t)
			src := idOf(t, sender)
			senderID, err := peer.Decode(src)
			if err != nil {
				t.Fatal(err)
			}
			now := time.Now() // admit holds with the wall clock
			n.admit(env, raw, src, "msg-1")
			// Retry well past every back-off, as the loop would.
			for i := 0; i < 10; i++ {
				if tc.endRound && i == 9 {
					n.store.setRound(4)
				}
				now = now.Add(heldRetryMax)
				n.retryHeld(now)
			}
			stored := len(n.store.authors(3)[author]) == 1
			if stored != tc.adopted {
				t.Errorf("adopted = %v, want %v (look-ups: %d)", stored, tc.adopted, calls)
			}
			var total uint64
			for _, v := range n.counters.dropped {
				total += v
			}
			switch {
			case tc.drop == "" && total != 0:
				t.Errorf("drops %v, want none", n.counters.dropped)
			case tc.drop != "" && (total != 1 || n.counters.dropped[tc.drop] != 1):
				t.Errorf("drops %v, want one %q", n.counters.dropped, tc.drop)
			}
			if n.held.len() != 0 {
				t.Errorf("%d rollouts still held after the outcome", n.held.len())
			}
			if bad := n.counters.bad(src); bad != 0 {
				t.Errorf("sender blamed %d times for our look-up", bad)
			}
			if s := n.appScore(senderID); s != 0 {
				t.Errorf("sender's score %v, want 0", s)
			}
		})
	}
}
