package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	neturl "net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/spf13/cobra"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/chain/contract"
	"github.com/swarmdesk/swarmdesk/app/chain/devchain"
	"github.com/swarmdesk/swarmdesk/app/config"
	"github.com/swarmdesk/swarmdesk/app/network"
	"github.com/swarmdesk/swarmdesk/platform"
)

func newHostCmd(g *globals, o Options) *cobra.Command {
	var (
		listen          []string
		duration, round time.Duration
	)
	cmd := &cobra.Command{
		Use:   "host",
		Short: "Start a local swarm (chain, round timer, bootnode) and print the command others join with",
		Long: `Starts everything a private swarm needs besides its nodes: the local dev chain with the
coordinator contract (served on http://` + network.LocalRPCAddr + ` for the nodes, kept in the data
folder), the timer that starts a new round every network.round_seconds, and a bootnode that peers
connect through (TCP and QUIC port 4001; it relays for peers behind NATs and never trains). The
bootnode's addresses are also published on the chain, so nodes on this computer find it by
themselves.

Then run ` + "`swarmdesk run --headless`" + ` (or open the app) on this computer or others to take part. The
chain only listens on this computer: from another computer, forward its port first, e.g.
ssh -N -L 18545:127.0.0.1:18545 you@this-computer. Runs until Ctrl-C.`,
		Example: `  swarmdesk host
  swarmdesk host --round 1m`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, err := loadEnv(g, o)
			if err != nil {
				return err
			}
			if round <= 0 {
				round = time.Duration(e.Config.Network.RoundSeconds) * time.Second
			}
			if round <= 0 {
				return errors.New("network.round_seconds is 0 (rounds only by hand): set it, or pass --round, so the swarm gets a round timer")
			}
			addr, err := localChainAddr(e.Config.Network)
			if err != nil {
				return err
			}
			ctx, stop := signalContext(cmd.Context(), duration)
			defer stop()
			w, errw := cmd.OutOrStdout(), cmd.ErrOrStderr()
			dc, err := devchain.Start(ctx, devchain.Config{
				DataDir: filepath.Join(e.Dirs.Data, "chain"), HTTPAddr: addr, RoundLength: round,
				OnRoundError: func(err error) { fmt.Fprintf(errw, "starting the next round failed: %v\n", err) },
			})
			if err != nil {
				return fmt.Errorf("%w (if another swarmdesk — the app or `swarmdesk run` — already runs the local chain, stop it and start `swarmdesk host` first)", err)
			}
			defer dc.Close()
			key, err := bootnodeKey(filepath.Join(e.Dirs.Data, "host"))
			if err != nil {
				return err
			}
			n, err := startBootnode(ctx, key, listen, e.Config.Network.Bootnodes)
			if err != nil {
				return err
			}
			defer n.Close()
			if err := publishBootnodes(ctx, dc.Host(), n.Addrs()); err != nil {
				fmt.Fprintf(errw, "could not publish the bootnode on the chain (nodes then need network.bootnodes): %v\n", err)
			}
			cur, _ := dc.Host().CurrentRound(ctx)
			fmt.Fprintf(w, "Hosting a swarm.\n  chain:    %s (coordinator %s), a new round every %s, now round %d\n  bootnode: %s\n",
				dc.RPCURL(), dc.Contract().Hex(), round, cur, n.ID())
			printJoinAddrs(w, n)
			if addrs := n.Addrs(); len(addrs) > 0 {
				fmt.Fprintf(w, "Join with:\n  %s\n", joinCommand(addrs[0], dc.RPCURL()))
				fmt.Fprintf(w, "From another computer, first forward the chain's port: ssh -N -L %[1]s:127.0.0.1:%[1]s you@this-computer\n", portOf(dc.RPCURL()))
			}
			reportPeers(ctx, w, n, 15*time.Second, func() string {
				r, err := dc.Host().CurrentRound(ctx)
				if err != nil {
					return "round ?"
				}
				return fmt.Sprintf("round %d", r)
			})
			fmt.Fprintln(w, "Stopped.")
			return nil
		},
	}
	bootnodeFlags(cmd, &listen, &duration)
	cmd.Flags().DurationVar(&round, "round", 0, "round length (default: network.round_seconds)")
	return cmd
}

// localChainAddr is where the local chain listens: network.rpc_url's host when set (it must be
// a loopback http URL), else network.LocalRPCAddr — the same rule as network.Open.
func localChainAddr(n config.Network) (string, error) {
	if n.Profile != "" && n.Profile != chain.ProfileLocal {
		return "", fmt.Errorf("network.profile is %q: `swarmdesk host` runs a local swarm; use --set network.profile=local", n.Profile)
	}
	if n.RPCURL == "" {
		return network.LocalRPCAddr, nil
	}
	u, err := neturl.Parse(n.RPCURL)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("network.rpc_url %q: want http://127.0.0.1:PORT for the local chain", n.RPCURL)
	}
	return u.Host, nil
}

// joinCommand is the one command a node runs to join: the bootnode address, plus the chain's
// address when it is not the default one.
func joinCommand(bootnode, rpcURL string) string {
	cmd := "swarmdesk run --headless --set network.bootnodes=" + bootnode
	if !strings.HasSuffix(strings.TrimRight(rpcURL, "/"), network.LocalRPCAddr) {
		cmd += " --set network.rpc_url=" + strings.TrimRight(rpcURL, "/")
	}
	return cmd
}

func portOf(rpcURL string) string {
	u, err := neturl.Parse(rpcURL)
	if err != nil {
		return "18545"
	}
	_, p, err := net.SplitHostPort(u.Host)
	if err != nil {
		return "18545"
	}
	return p
}

// bootnodeKey loads (or creates) the host's own libp2p key. It is not the node identity, so a
// node with that identity can run on the same computer as the bootnode, and it holds no
// rewards, so a plain 0600 file is enough.
func bootnodeKey(dir string) (crypto.PrivKey, error) {
	path := filepath.Join(dir, "bootnode.key")
	if b, err := os.ReadFile(path); err == nil {
		k, err := crypto.UnmarshalPrivateKey(b)
		if err != nil {
			return nil, fmt.Errorf("bootnode key %s is damaged (delete it to make a new one; the bootnode's peer ID then changes): %w", path, err)
		}
		return k, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read bootnode key: %w", err)
	}
	k, _, err := crypto.GenerateEd25519Key(nil)
	if err != nil {
		return nil, fmt.Errorf("make bootnode key: %w", err)
	}
	b, err := crypto.MarshalPrivateKey(k)
	if err != nil {
		return nil, fmt.Errorf("encode bootnode key: %w", err)
	}
	if err := platform.WriteFileAtomic(path, b, 0o600); err != nil {
		return nil, fmt.Errorf("save bootnode key: %w", err)
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
