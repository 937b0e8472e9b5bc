package swarm

import (
	"context"
	"strings"
	"testing"
	"time"

	ma "github.com/multiformats/go-multiaddr"
)

func TestBackoffGrowsAndCaps(t *testing.T) {
	cases := []struct {
		failures int
		base     time.Duration
	}{{1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second}, {6, 32 * time.Second}, {7, time.Minute}, {50, time.Minute}}
	for _, tc := range cases {
		for i := 0; i < 20; i++ {
			got := backoffAfter(tc.failures)
			lo, hi := time.Duration(float64(tc.base)*0.8), time.Duration(float64(tc.base)*1.2)
			if got < lo || got > hi {
				t.Fatalf("backoffAfter(%d) = %v, want in [%v, %v]", tc.failures, got, lo, hi)
			}
		}
	}
}

func TestRateLimiterTokenBucket(t *testing.T) {
	now := time.Unix(0, 0)
	l := newRateLimiter(10, 5)
	l.now = func() time.Time { return now }
	for i := 0; i < 5; i++ {
		if !l.allow("p") {
			t.Fatalf("burst token %d refused", i)
		}
	}
	if l.allow("p") {
		t.Fatal("6th message in the same instant allowed; burst is 5")
	}
	if !l.allow("q") {
		t.Fatal("other peer throttled by p's bucket")
	}
	now = now.Add(300 * time.Millisecond) // 10/s refills 3 tokens
	for i := 0; i < 3; i++ {
		if !l.allow("p") {
			t.Fatalf("refilled token %d refused", i)
		}
	}
	if l.allow("p") {
		t.Fatal("more tokens than the refill allows")
	}
	l.forget("p")
	if !l.allow("p") {
		t.Fatal("forgotten peer should start with a full bucket")
	}
}

func TestStoreWindowQuotaAndReplay(t *testing.T) {
	l := DefaultLimits()
	l.MaxPerPeerRound = 2
	s := newStore(l)
	s.setRound(10)
	author := idOf(t, edKey(t))
	cases := []struct {
		round uint64
		tag   string
		want  DropReason
	}{
		{10, "a", ""},
		{10, "a", DropReplay},
		{9, "b", ""},
		{11, "c", ""},
		{8, "d", DropRound},
		{12, "e", DropRound},
		{10, "f", ""},
		{10, "g", DropRate},
	}
	for i, tc := range cases {
		r := testRollout(author, tc.round, tc.tag)
		if got := s.add(r, []byte(tc.tag)); got != tc.want {
			t.Fatalf("case %d (round %d %s): got %q want %q", i, tc.round, tc.tag, got, tc.want)
		}
	}
	s.setRound(12)
	if n := len(s.rollouts(10)); n != 0 {
		t.Fatalf("round 10 kept after moving to 12: %d rollouts", n)
	}
	if n := len(s.rollouts(11)); n != 1 {
		t.Fatalf("round 11 lost: %d rollouts", n)
	}
	// The per-round byte budget applies across authors.
	l.MaxRoundBytes = 10
	small := newStore(l)
	if got := small.add(testRollout(author, 0, "x"), make([]byte, 6)); got != "" {
		t.Fatalf("first add: %q", got)
	}
	if got := small.add(testRollout(idOf(t, edKey(t)), 0, "y"), make([]byte, 6)); got != DropRate {
		t.Fatalf("add over the round budget: %q, want %q", got, DropRate)
	}
	s.setRound(5) // never backwards
	if s.round() != 12 {
		t.Fatalf("round moved backwards to %d", s.round())
	}
}

func TestAddrRank(t *testing.T) {
	cases := map[string]int{
		"/ip4/8.8.8.8/tcp/1":          0,
		"/dns4/example.com/tcp/1":     1,
		"/ip4/192.168.1.5/tcp/1":      2,
		"/ip4/100.64.3.1/tcp/1":       2,
		"/ip4/127.0.0.1/tcp/1":        3,
		"/ip6/::1/tcp/1":              3,
		"/ip6/2001:db8::1/tcp/1":      0,
		"/ip4/10.1.2.3/udp/1/quic-v1": 2,
	}
	for s, want := range cases {
		if got := addrRank(ma.StringCast(s)); got != want {
			t.Errorf("addrRank(%s) = %d, want %d", s, got, want)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := New(ctx, Config{}); err == nil || !strings.Contains(err.Error(), "Key is required") {
		t.Fatalf("missing key: %v", err)
	}
	key := edKey(t)
	for _, boot := range [][]string{{"not a multiaddr"}, {"/ip4/127.0.0.1/tcp/1"}} {
		_, err := New(ctx, Config{Key: key, ListenAddrs: []string{"/ip4/127.0.0.1/tcp/0"}, Bootstrap: boot})
		if err == nil || !strings.Contains(err.Error(), "bootstrap") {
			t.Fatalf("bootstrap %q: %v", boot, err)
		}
	}
	if _, err := New(ctx, Config{Key: key, ListenAddrs: []string{"/ip4/127.0.0.1/udp/0/quic"}}); err == nil {
		t.Fatal("listening only on QUIC draft-29 should fail: go-libp2p dropped it")
	}
}

// TestBootnodeRestartReconnects stops a bootnode and starts it again on the
// same address and key; the joiner must reconnect by itself (backoff loop).
func TestBootnodeRestartReconnects(t *testing.T) {
	bootKey := edKey(t)
	boot := newTestNode(t, bootKey, nil)
	addr := boot.Addrs()[0]
	listen := strings.TrimSuffix(addr, "/p2p/"+boot.ID())
	joiner := newTestNode(t, edKey(t), []string{addr})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := joiner.WaitPeers(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := boot.Close(); err != nil {
		t.Fatal(err)
	}
	for len(joiner.swarmPeers()) != 0 {
		select {
		case <-ctx.Done():
			t.Fatal("joiner never noticed the bootnode left")
		case <-time.After(20 * time.Millisecond):
		}
	}
	back := newTestNode(t, bootKey, nil, func(c *Config) { c.ListenAddrs = []string{listen} })
	if err := joiner.WaitPeers(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if p := joiner.Peers(); len(p) != 1 || p[0].ID != back.ID() || !p[0].Bootnode {
		t.Fatalf("joiner peers after restart: %+v", p)
	}
}

func TestHostSwarmAddrs(t *testing.T) {
	n, err := HostSwarm(context.Background(), Config{Key: edKey(t), SwarmID: testSwarm, ListenAddrs: []string{"/ip4/127.0.0.1/tcp/0"}})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if !n.cfg.EnableRelayService {
		t.Fatal("host mode must run the relay service")
	}
	addrs := n.Addrs()
	if len(addrs) == 0 {
		t.Fatal("no addresses")
	}
	for _, a := range addrs {
		if !strings.HasSuffix(a, "/p2p/"+n.ID()) {
			t.Fatalf("address %s lacks /p2p/<id>", a)
		}
	}
	// A joiner given only these strings can connect.
	j := newTestNode(t, edKey(t), addrs)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := j.WaitPeers(ctx, 1); err != nil {
		t.Fatal(err)
	}
}

func TestConnectByPastedAddress(t *testing.T) {
	a := newTestNode(t, edKey(t), nil)
	b := newTestNode(t, edKey(t), nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := a.Connect(ctx, "garbage"); err == nil {
		t.Fatal("garbage address accepted")
	}
	if err := a.Connect(ctx, b.Addrs()[0]); err != nil {
		t.Fatal(err)
	}
	if err := a.WaitPeers(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if p := a.Peers(); len(p) != 1 || p[0].ID != b.ID() || p[0].Bootnode {
		t.Fatalf("peers after Connect: %+v", p)
	}
}
