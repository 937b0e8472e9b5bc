package swarm

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
)

// Config describes one swarm node. Only Key is required.
type Config struct {
	// Key is the node identity (swarm.pem, loaded by app/identity). Its peer
	// ID is what other peers and the coordinator contract see.
	Key crypto.PrivKey
	// SwarmID namespaces the gossip topic and protocols so different swarms
	// (or test runs) never mix. Default "swarmdesk".
	SwarmID string
	// ListenAddrs are libp2p multiaddrs to listen on. Default: TCP and
	// QUIC-v1 on all IPv4 interfaces, random ports.
	ListenAddrs []string
	// Bootstrap are full multiaddrs (with /p2p/<id>) of bootnodes, from the
	// config file or the coordinator's getBootnodes(). They are redialled
	// with exponential backoff whenever the connection drops, and used as
	// static circuit relays when this node is behind NAT.
	Bootstrap []string
	// EnableRelayService makes this node a circuit-relay-v2 server and an
	// AutoNAT server, which well-connected nodes and "host a swarm"
	// bootnodes should do so NAT'd peers can reach each other.
	EnableRelayService bool
	// EnableNATPortMap asks the home router for a port mapping (UPnP /
	// NAT-PMP). Off in tests because router discovery is slow and useless
	// on loopback.
	EnableNATPortMap bool
	// Observer marks a node that never publishes rollouts (a dedicated
	// bootnode/relay, a dashboard). Peers' Gather does not wait for it.
	Observer bool
	// Namer turns a peer ID into a human name (identity.Name). Optional.
	Namer func(peerID string) string
	// IsMember, when set, must approve every rollout author (e.g. "is this
	// peer ID registered with the coordinator contract"). It is called for
	// each incoming rollout, so it should answer from a cache. An error
	// means "could not tell" (not "no"): the rollout is held and asked
	// about again until its round ends. Optional.
	IsMember func(peerID string) (bool, error)
	// RoundSource, when set, reports the coordinator's current round; the
	// node polls it every RoundPoll and follows it (SetRound). Every node
	// that forwards gossip needs it, above all a bootnode or relay that
	// never publishes or gathers: without it its round stays where it
	// started and it drops (and stops forwarding) every later round.
	RoundSource func(ctx context.Context) (uint64, error)
	// RoundPoll is how often RoundSource is asked. Default 1s.
	RoundPoll time.Duration
	// Logger receives the rate-limited summary of dropped messages (at
	// most one line per DropLogEvery). Optional.
	Logger *slog.Logger
	// DropLogEvery is the least time between two drop summaries. Default 1m.
	DropLogEvery time.Duration
	// Limits bounds accepted input; zero fields take DefaultLimits.
	Limits Limits
	// TargetPeers is how many swarm peers the node tries to keep connected
	// (discovering more through bootnodes' peer lists). Default 8.
	TargetPeers int
	// MaintainEvery is the period of the reconnect / discovery / ping loop.
	// Default 2s.
	MaintainEvery time.Duration
	// CutOff, when set and true, cuts the node off from every peer: it refuses new
	// connections and drops open ones (the fault tests' partition, debug.cut_off_rounds;
	// never set in normal use). Asked on every connection, so it must be cheap.
	CutOff func() bool
	// EnableMetrics registers libp2p Prometheus metrics. Default off, which
	// also keeps many nodes in one process (tests) from clashing.
	EnableMetrics bool
}

func (c Config) withDefaults() (Config, error) {
	if c.Key == nil {
		return c, errors.New("swarm config: Key is required (load swarm.pem with app/identity)")
	}
	if c.SwarmID == "" {
		c.SwarmID = "swarmdesk"
	}
	if len(c.ListenAddrs) == 0 {
		c.ListenAddrs = []string{"/ip4/0.0.0.0/tcp/0", "/ip4/0.0.0.0/udp/0/quic-v1"}
	}
	if c.Namer == nil {
		c.Namer = func(id string) string { return shortID(id) }
	}
	if c.TargetPeers <= 0 {
		c.TargetPeers = 8
	}
	if c.MaintainEvery <= 0 {
		c.MaintainEvery = 2 * time.Second
	}
	if c.RoundPoll <= 0 {
		c.RoundPoll = time.Second
	}
	if c.DropLogEvery <= 0 {
		c.DropLogEvery = time.Minute
	}
	c.Limits = c.Limits.withDefaults()
	return c, nil
}

// shortID is the fallback display name: the last 6 characters of the ID.
func shortID(id string) string {
	if len(id) <= 6 {
		return id
	}
	return "…" + id[len(id)-6:]
}
