package chainconn

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/swarmdesk/swarmdesk/app/chain/devchain"
	"github.com/swarmdesk/swarmdesk/app/config"
)

// A node told where the swarm's chain is (network.rpc_url) must join that chain even when it
// answers slowly at first, and must never try to start a chain of its own on the taken port:
// in the soak test a node restarted while 20 nodes loaded the computer got no answer within
// the probe's 2 s, tried to start a chain on the host's port and died of "address already in
// use". Silence is waited for (bounded); a port held by something that answers otherwise, or
// silent past the bound, is a clear error.
func TestJoinerWaitsForABusyChain(t *testing.T) {
	oldProbe, oldWait := probeTimeout, heldChainWait
	probeTimeout, heldChainWait = 300*time.Millisecond, 2*time.Second
	t.Cleanup(func() { probeTimeout, heldChainWait = oldProbe, oldWait })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ch, err := devchain.Start(ctx, devchain.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	target, err := url.Parse(ch.RPCURL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)

	cases := []struct {
		name string
		// handler serves the port the node is told about; slow requests sleep first.
		handler    func(calls *atomic.Int32) http.Handler
		wantJoined bool
		wantSilent bool          // the error says the chain never answered
		within     time.Duration // Open returns within this
	}{
		{"answers after three slow probes", func(calls *atomic.Int32) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if calls.Add(1) <= 3 {
					time.Sleep(2 * probeTimeout)
				}
				proxy.ServeHTTP(w, r)
			})
		}, true, false, 30 * time.Second},
		{"never answers", func(*atomic.Int32) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-time.After(time.Minute):
				}
			})
		}, false, true, heldChainWait + 3*probeTimeout},
		{"something else answers", func(*atomic.Int32) http.Handler {
			return http.NotFoundHandler()
		}, false, false, heldChainWait},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			var calls atomic.Int32
			srv := &http.Server{Handler: tc.handler(&calls)}
			go func() { _ = srv.Serve(l) }()
			defer srv.Close()
			n := config.Network{Profile: "local", RPCURL: "http://" + l.Addr().String()}
			t0 := time.Now()
			c, err := Open(ctx, n, t.TempDir(), nil, nil)
			took := time.Since(t0)
			if c != nil {
				defer c.Close()
			}
			if took > tc.within {
				t.Errorf("Open took %s, want within %s", took, tc.within)
			}
			if tc.wantJoined {
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				if c.Local != nil {
					t.Fatal("started a chain of its own instead of joining the busy one")
				}
				if c.Client.Profile().Contract != ch.Contract() {
					t.Fatalf("joined contract %s, want %s", c.Client.Profile().Contract, ch.Contract())
				}
				return
			}
			if err == nil {
				t.Fatalf("Open succeeded (own chain: %v), want an error", c.Local != nil)
			}
			if got := errors.Is(err, errChainSilent); got != tc.wantSilent {
				t.Fatalf("error %q: says the chain never answered = %v, want %v", err, got, tc.wantSilent)
			}
		})
	}
}
