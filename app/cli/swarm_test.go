package cli

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"

	"github.com/swarmdesk/swarmdesk/app/swarm"
	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

// syncBuffer lets the test read what the running command printed so far.
type syncBuffer struct {
	mu chan struct{}
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu <- struct{}{}
	defer func() { <-s.mu }()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu <- struct{}{}
	defer func() { <-s.mu }()
	return s.b.String()
}

// `swarmdesk swarm host` prints an address with this node's peer ID, and a second node joins
// through exactly that printed address.
func TestSwarmHostPrintsJoinableAddress(t *testing.T) {
	kr := secrets.NewMemKeyring()
	e := sandbox(t)
	out, _, _ := run(t, e, kr, "", "identity", "show")
	peerID := field(out, "Peer ID")

	buf := &syncBuffer{mu: make(chan struct{}, 1)}
	done := make(chan int, 1)
	go func() {
		done <- Execute(Options{Getenv: func(k string) string { return e[k] }, Keyring: kr,
			Stdin: strings.NewReader(""), Stdout: buf, Stderr: buf},
			[]string{"swarm", "host", "--listen", "/ip4/127.0.0.1/tcp/0", "--for", "20s"})
	}()
	re := regexp.MustCompile(`/ip4/127\.0\.0\.1/tcp/\d+/p2p/(\S+)`)
	var addr string
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if m := re.FindStringSubmatch(buf.String()); m != nil {
			addr = m[0]
			if m[1] != peerID {
				t.Fatalf("printed address has peer %s, identity is %s", m[1], peerID)
			}
			break
		}
	}
	if addr == "" {
		t.Fatalf("no address printed:\n%s", buf.String())
	}
	key, _, _ := crypto.GenerateEd25519Key(nil)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	joiner, err := swarm.New(ctx, swarm.Config{Key: key, ListenAddrs: []string{"/ip4/127.0.0.1/tcp/0"}, Bootstrap: []string{addr}})
	if err != nil {
		t.Fatal(err)
	}
	defer joiner.Close()
	if err := joiner.WaitPeers(ctx, 1); err != nil {
		t.Fatalf("joining through %s: %v", addr, err)
	}
	if !strings.Contains(buf.String(), "swarmdesk config set network.bootnodes") {
		t.Fatalf("no join hint printed:\n%s", buf.String())
	}
}
