package session

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// One computer hosts (chain, round timer, bootnode, and its own node) and offers an invite; a
// second computer pastes it: a wrong chain id or an unreachable chain fail with errors that say
// so, the real invite joins, the join is saved to config.toml, and both nodes play rounds on the
// same coordinator.
func TestJoinHostedSwarm(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a dev chain and two nodes")
	}
	hostM := newMachine(t)
	host := hostM.session(t, func(o *Options) { o.RoundLength = 2 * time.Second })
	start(t, host, Choice{Mode: ModeHost})
	inv, ok := host.Invite()
	if !ok {
		t.Fatal("the host offers no invite")
	}
	if inv.RPCURL != hostM.vars["SWARMDESK_NETWORK_RPC_URL"] || len(inv.Bootnodes) == 0 {
		t.Fatalf("invite %+v", inv)
	}
	pasted, err := ParseInvite(inv.String() + "\n")
	if err != nil {
		t.Fatal(err)
	}

	joinM := newMachine(t)
	joiner := joinM.session(t)
	ctx := context.Background()
	for _, tt := range []struct {
		name string
		edit func(*Invite)
		want string
	}{
		{"wrong chain id", func(i *Invite) { i.ChainID++ }, fmt.Sprintf("expects chain %d", pasted.ChainID+1)},
		{"chain unreachable", func(i *Invite) { i.RPCURL = fmt.Sprintf("http://127.0.0.1:%d", freePort(t)) }, "forward the chain's port"},
	} {
		bad := pasted
		tt.edit(&bad)
		err := joiner.Start(ctx, Choice{Mode: ModeJoin, Invite: &bad}, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Fatalf("%s: %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
	start(t, joiner, Choice{Mode: ModeJoin, Invite: &pasted})
	if c, ok := joiner.Choice(); !ok || c.Mode != ModeJoin || c.Invite == nil || c.Invite.String() != pasted.String() {
		t.Fatalf("saved choice %+v", c)
	}
	b, err := os.ReadFile(joiner.env.ConfigPath)
	if err != nil || !strings.Contains(string(b), `profile = "custom"`) || !strings.Contains(string(b), pasted.Contract) {
		t.Fatalf("config.toml does not hold the joined swarm (%v):\n%s", err, b)
	}

	waitFor(t, 90*time.Second, "both nodes playing a round", joiner, func() bool {
		return rounds(host) >= 1 && rounds(joiner) >= 1
	})
	lb, err := joiner.Leaderboard(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{}
	for _, r := range lb.Rows {
		if r.Self != (r.PeerID == joiner.Snapshot().PeerID) {
			t.Fatalf("row %+v marked wrongly", r)
		}
		ids = append(ids, r.PeerID)
	}
	if !slices.Contains(ids, host.Snapshot().PeerID) || !slices.Contains(ids, joiner.Snapshot().PeerID) {
		t.Fatalf("the leaderboard %v lacks one of the nodes", ids)
	}
	joiner.Stop()
	host.Stop()
	if _, ok := host.Invite(); ok {
		t.Fatal("a stopped host still offers an invite")
	}
}
