package swarm

import "context"

// DefaultHostPort is the fixed port a "host a swarm" node listens on, so
// the address the user shares stays valid across restarts.
const DefaultHostPort = "4001"

// HostSwarm starts this node as a bootnode for a new or private swarm: it
// also serves circuit relay v2 and AutoNAT so NAT'd joiners can reach each
// other, shares its peer list with joiners, and by default listens on TCP
// and QUIC port 4001 on all interfaces. Share n.Addrs() (each ends in
// /p2p/<id>) with the people who should join; they pass it as
// Config.Bootstrap.
func HostSwarm(ctx context.Context, cfg Config) (*Node, error) {
	cfg.EnableRelayService = true
	if len(cfg.ListenAddrs) == 0 {
		cfg.ListenAddrs = []string{
			"/ip4/0.0.0.0/tcp/" + DefaultHostPort,
			"/ip4/0.0.0.0/udp/" + DefaultHostPort + "/quic-v1",
		}
	}
	return New(ctx, cfg)
}
