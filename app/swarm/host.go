package swarm

import (
	"fmt"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/metrics"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/net/connmgr"
	noise "github.com/libp2p/go-libp2p/p2p/security/noise"
	libp2ptls "github.com/libp2p/go-libp2p/p2p/security/tls"
	libp2pquic "github.com/libp2p/go-libp2p/p2p/transport/quic"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	ma "github.com/multiformats/go-multiaddr"
	"go.uber.org/fx"
)

// parseBootstrap turns full multiaddrs (…/p2p/<id>) into AddrInfos, merging
// several addresses of the same peer. Bad entries are reported, not skipped,
// because a typo in a bootnode list is a config error the user must fix.
func parseBootstrap(addrs []string, self peer.ID) ([]peer.AddrInfo, error) {
	var mas []ma.Multiaddr
	for _, s := range addrs {
		m, err := ma.NewMultiaddr(s)
		if err != nil {
			return nil, fmt.Errorf("bootstrap address %q: %w (want e.g. /ip4/1.2.3.4/tcp/4001/p2p/Qm…)", s, err)
		}
		mas = append(mas, m)
	}
	infos, err := peer.AddrInfosFromP2pAddrs(mas...)
	if err != nil {
		return nil, fmt.Errorf("bootstrap addresses: %w (each needs a /p2p/<peer id> suffix)", err)
	}
	out := infos[:0]
	for _, ai := range infos {
		if ai.ID != self {
			out = append(out, ai)
		}
	}
	return out, nil
}

// testHostOpts lets tests add libp2p options (e.g. a relay that serves on
// loopback, where AutoNAT never finds it public); always empty in production.
var testHostOpts []libp2p.Option

// newHost builds the libp2p host: TCP + QUIC-v1, Noise and TLS, yamux,
// AutoNAT v2, hole punching (DCUtR), circuit relay v2 client (AutoRelay with
// the bootnodes as static relays), optional relay/NAT service and UPnP.
func newHost(cfg Config, boot []peer.AddrInfo, bw *metrics.BandwidthCounter) (host.Host, error) {
	cm, err := connmgr.NewConnManager(cfg.TargetPeers*4, cfg.TargetPeers*8)
	if err != nil {
		return nil, fmt.Errorf("connection manager: %w", err)
	}
	opts := []libp2p.Option{
		libp2p.Identity(cfg.Key),
		libp2p.ListenAddrStrings(cfg.ListenAddrs...),
		libp2p.Transport(tcp.NewTCPTransport),
		libp2p.Transport(libp2pquic.NewTransport),
		libp2p.Security(noise.ID, noise.New),
		libp2p.Security(libp2ptls.ID, libp2ptls.New),
		libp2p.ConnectionManager(cm),
		libp2p.BandwidthReporter(bw),
		libp2p.EnableRelay(),
		libp2p.EnableHolePunching(),
		libp2p.EnableAutoNATv2(),
		// Errors are returned to the caller; fx's own start-up log lines
		// would only duplicate them on stderr.
		libp2p.WithFxOption(fx.NopLogger),
	}
	if !cfg.EnableMetrics {
		opts = append(opts, libp2p.DisableMetrics())
	}
	if cfg.EnableNATPortMap {
		opts = append(opts, libp2p.NATPortMap())
	}
	if cfg.EnableRelayService {
		opts = append(opts, libp2p.EnableRelayService(), libp2p.EnableNATService())
	}
	if len(boot) > 0 {
		opts = append(opts, libp2p.EnableAutoRelayWithStaticRelays(boot))
	}
	if cfg.CutOff != nil {
		opts = append(opts, libp2p.ConnectionGater(cutOffGater{cfg.CutOff}))
	}
	opts = append(opts, testHostOpts...)
	h, err := libp2p.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("start libp2p host on %v: %w (is the port in use?)", cfg.ListenAddrs, err)
	}
	return h, nil
}
