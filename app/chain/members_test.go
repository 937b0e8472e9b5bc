package chain_test

import (
	"testing"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/chain/devchain"
)

// TestMembersCountFromTheNextRound: the registry view is pinned when a round begins, so a peer
// that registers during round r is refused until round r+1 — whether or not it was asked about
// before registering.
func TestMembersCountFromTheNextRound(t *testing.T) {
	ch := startChain(t, devchain.Config{})
	ctx := testCtx(t)
	early, late, unasked := join(t, ch, chainOpts()), join(t, ch, chainOpts()), join(t, ch, chainOpts())
	qmEarly := mustRegisterProven(t, early)
	lateKey, qmLate := newPeerKey(t)
	unaskedKey, qmUnasked := newPeerKey(t)
	late.SetPeerKey(lateKey)
	unasked.SetPeerKey(unaskedKey)
	m := chain.NewMembers(ch.Host())
	if err := m.Advance(ctx, 1); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		do   func()
		want map[string]bool
	}{
		{func() {}, map[string]bool{qmEarly: true, qmLate: false, "QmNobody": false}},
		{func() {
			for _, c := range []struct {
				c  *chain.Client
				id string
			}{{late, qmLate}, {unasked, qmUnasked}} {
				if err := c.c.RegisterPeer(ctx, c.id); err != nil {
					t.Fatal(err)
				}
			}
		},
			map[string]bool{qmEarly: true, qmLate: false, qmUnasked: false}},
		{func() {
			if err := m.Advance(ctx, 2); err != nil {
				t.Fatal(err)
			}
		}, map[string]bool{qmEarly: true, qmLate: true, qmUnasked: true, "QmNobody": false}},
		{func() { // an older round never moves the view back
			if err := m.Advance(ctx, 1); err != nil {
				t.Fatal(err)
			}
		}, map[string]bool{qmLate: true}},
	}
	for i, st := range steps {
		st.do()
		for id, want := range st.want {
			if got := m.IsMember(id); got != want {
				t.Errorf("step %d: IsMember(%s) = %v, want %v", i, id, got, want)
			}
		}
	}
}

// TestMembersWarm: one warm-up at start caches every peer the coordinator's events name, so
// the first round's look-ups need no chain read — they answer even when the chain cannot be
// reached, while an unknown peer's look-up reports the error (not "no").
func TestMembersWarm(t *testing.T) {
	ch := startChain(t, devchain.Config{})
	ctx := testCtx(t)
	proven := mustRegisterProven(t, join(t, ch, chainOpts()))
	_, unproven := newPeerKey(t)
	mustRegister(t, join(t, ch, chainOpts()), unproven)
	reader := join(t, ch, chainOpts())
	m := chain.NewMembers(reader)
	if err := m.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	reader.Close() // from here on every chain read fails
	for _, c := range []struct {
		id      string
		want    bool
		wantErr bool
	}{{proven, true, false}, {unproven, false, false}, {"QmNeverSeen", false, true}} {
		got, err := m.Lookup(c.id)
		if got != c.want || (err != nil) != c.wantErr {
			t.Errorf("Lookup(%s) = %v, %v; want %v, error %v", c.id, got, err, c.want, c.wantErr)
		}
	}
}
