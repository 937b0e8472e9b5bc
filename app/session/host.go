package session

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	neturl "net/url"
	"path/filepath"
	"slices"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/chain/contract"
	"github.com/swarmdesk/swarmdesk/app/chain/devchain"
	"github.com/swarmdesk/swarmdesk/app/chainconn"
	"github.com/swarmdesk/swarmdesk/app/config"
	"github.com/swarmdesk/swarmdesk/app/identity"
	"github.com/swarmdesk/swarmdesk/app/swarm"
	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

// HostConfig is what hosting a swarm needs; `swarmdesk host` and ModeHost fill it from the
// config.
type HostConfig struct {
	// DataDir is the data folder: the chain lives in DataDir/chain, the bootnode key in
	// DataDir/host.
	DataDir string
	// ChainAddr is where the chain serves JSON-RPC (LocalChainAddr).
	ChainAddr string
	// Round is the round length; it must be positive (a hosted swarm needs a round timer).
	Round time.Duration
	// Listen are the bootnode's multiaddrs (default TCP and QUIC port 4001 on all interfaces).
	Listen []string
	// Bootstrap are other bootnodes of the same swarm (network.bootnodes).
	Bootstrap []string
	// NoPortMap skips asking the router for a port mapping (tests, loopback).
	NoPortMap bool
	// OnRoundError hears about a timed round advance that failed.
	OnRoundError func(error)
	// Logger hears the bootnode's summaries of dropped messages. Optional.
	Logger *slog.Logger
	// Secrets keeps the chain's owner/faucet key and the bootnode key (older plain files in
	// DataDir are moved there).
	Secrets secrets.Store
}

// Host is everything a swarm needs besides its nodes: the dev chain with the coordinator and
// the round timer, and a bootnode that relays for peers behind NATs and never trains.
type Host struct {
	Chain    *devchain.Chain
	Bootnode *swarm.Node
	// PublishErr is set when the bootnode could not be published on the chain (nodes then
	// need network.bootnodes or the invite); the swarm works otherwise.
	PublishErr error
}

// StartHost starts the chain, the round timer and the bootnode, and publishes the bootnode's
// addresses on the chain so nodes on this computer find it by themselves. The host lives until
// Close (or ctx ends).
func StartHost(ctx context.Context, cfg HostConfig) (*Host, error) {
	if cfg.Round <= 0 {
		return nil, errors.New("network.round_seconds is 0 (rounds only by hand): set it so the swarm gets a round timer")
	}
	if cfg.Secrets == nil {
		return nil, errors.New("hosting needs the key store for the chain's and the bootnode's keys")
	}
	dc, err := devchain.Start(ctx, devchain.Config{
		DataDir: filepath.Join(cfg.DataDir, "chain"), HTTPAddr: cfg.ChainAddr, RoundLength: cfg.Round, Secrets: cfg.Secrets,
		OnRoundError: cfg.OnRoundError,
	})
	if err != nil {
		return nil, fmt.Errorf("%w (if another swarmdesk — the app or `swarmdesk run` — already runs the local chain, stop it and host first)", err)
	}
	key, err := bootnodeKey(cfg.Secrets, filepath.Join(cfg.DataDir, "host"))
	if err != nil {
		dc.Close()
		return nil, err
	}
	n, err := StartBootnode(ctx, BootnodeConfig{Key: key, Listen: cfg.Listen, Bootstrap: cfg.Bootstrap, PortMap: !cfg.NoPortMap,
		Members: chain.NewMembers(dc.Host()), Logger: cfg.Logger})
	if err != nil {
		dc.Close()
		return nil, err
	}
	h := &Host{Chain: dc, Bootnode: n}
	h.PublishErr = publishBootnodes(ctx, dc.Host(), n.Addrs())
	return h, nil
}

// Invite is what a joiner pastes: the bootnode's addresses (most widely reachable first) and the
// chain. The chain listens on this computer only, so a joiner elsewhere forwards its port.
func (h *Host) Invite() Invite {
	addrs := h.Bootnode.Addrs()
	if len(addrs) > maxInviteBootnodes {
		addrs = addrs[:maxInviteBootnodes]
	}
	return Invite{Bootnodes: addrs, RPCURL: h.Chain.RPCURL(), ChainID: chain.LocalChainID, Contract: h.Chain.Contract().Hex()}
}

// Close stops the bootnode and the chain (flushing it to disk).
func (h *Host) Close() {
	_ = h.Bootnode.Close()
	_ = h.Chain.Close()
}

// BootnodeConfig is what a bootnode needs.
type BootnodeConfig struct {
	Key               crypto.PrivKey
	Listen, Bootstrap []string
	// PortMap asks the router for a port mapping.
	PortMap bool
	// Members reads the coordinator's round and registry. A bootnode never trains, so this is
	// the only way it learns the round; without it, it forwards only the rounds next to the one
	// it started in, and forwards anyone's rollouts. Optional (a bootnode without a chain).
	Members *chain.Members
	// Logger hears the summaries of dropped messages. Optional.
	Logger *slog.Logger
}

// StartBootnode runs a swarm's bootnode: a relay for NAT'd peers, optionally asking the
// router for a port mapping, and an observer that never trains (so peers' gathers do not wait
// for it) but follows the chain's round, so it forwards every round's rollouts.
func StartBootnode(ctx context.Context, c BootnodeConfig) (*swarm.Node, error) {
	sc := swarm.Config{
		Key: c.Key, ListenAddrs: c.Listen, Bootstrap: c.Bootstrap,
		EnableNATPortMap: c.PortMap, Observer: true, Namer: identity.Name,
		Logger: c.Logger,
	}
	if c.Members != nil {
		sc.RoundSource, sc.IsMember = c.Members.RoundSource(), c.Members.Lookup
	}
	return swarm.HostSwarm(ctx, sc)
}

// LocalChainAddr is where the local chain listens: network.rpc_url's host when set (it must be
// a loopback http URL), else chainconn.LocalRPCAddr — the same rule as chainconn.Open.
func LocalChainAddr(n config.Network) (string, error) {
	if n.Profile != "" && n.Profile != chain.ProfileLocal {
		return "", fmt.Errorf("network.profile is %q: hosting runs a local swarm; use --set network.profile=local", n.Profile)
	}
	if n.RPCURL == "" {
		return chainconn.DefaultLocalAddr(), nil
	}
	u, err := neturl.Parse(n.RPCURL)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("network.rpc_url %q: want http://127.0.0.1:PORT for the local chain", n.RPCURL)
	}
	return u.Host, nil
}

// bootnodeSecret is the secret-store name of the bootnode key.
const bootnodeSecret = "bootnode-key"

// bootnodeKey loads (or creates) the host's own libp2p key in the secret store, moving an older
// plain dir/bootnode.key there. It is not the node identity, so a node with that identity can
// run on the same computer as the bootnode; its peer ID is what joiners dial, so losing it would
// break every invite.
func bootnodeKey(s secrets.Store, dir string) (crypto.PrivKey, error) {
	path := filepath.Join(dir, "bootnode.key")
	b, _, err := secrets.LoadOrMigrate(s, bootnodeSecret, path, func(b []byte) error { _, err := crypto.UnmarshalPrivateKey(b); return err })
	switch {
	case err == nil:
		k, err := crypto.UnmarshalPrivateKey(b)
		if err != nil {
			return nil, fmt.Errorf("the bootnode key in %s is damaged (delete it to make a new one; the bootnode's peer ID then changes): %w", s.Location(), err)
		}
		return k, nil
	case !errors.Is(err, secrets.ErrNotFound):
		return nil, fmt.Errorf("bootnode key: %w", err)
	}
	k, _, err := crypto.GenerateEd25519Key(nil)
	if err != nil {
		return nil, fmt.Errorf("make bootnode key: %w", err)
	}
	if b, err = crypto.MarshalPrivateKey(k); err != nil {
		return nil, fmt.Errorf("encode bootnode key: %w", err)
	}
	if err := s.Set(bootnodeSecret, b); err != nil {
		return nil, fmt.Errorf("save the bootnode key in %s: %w", s.Location(), err)
	}
	return k, nil
}

// publishBootnodes makes the coordinator's bootnode list exactly addrs (the host account is
// the bootnode manager), so nodes find the swarm through getBootnodes without configuration.
func publishBootnodes(ctx context.Context, host *chain.Client, addrs []string) error {
	cur, err := host.Bootnodes(ctx)
	if err != nil {
		return err
	}
	if slices.Equal(cur, addrs) || len(addrs) == 0 {
		return nil
	}
	if len(cur) > 0 {
		data, err := contract.NewSwarmCoordinator().TryPackClearBootnodes()
		if err != nil {
			return fmt.Errorf("clear bootnodes: %w", err)
		}
		to := host.Profile().Contract
		if _, err := host.TxManager().Transact(ctx, &to, data, nil, nil); err != nil {
			return fmt.Errorf("clear bootnodes: %w", err)
		}
	}
	return host.AddBootnodes(ctx, addrs)
}
