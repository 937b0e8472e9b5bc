package cli

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	neturl "net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/swarmdesk/swarmdesk/app/chainconn"
	"github.com/swarmdesk/swarmdesk/app/session"
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
coordinator contract (served on http://` + chainconn.LocalRPCAddr + ` for the nodes, kept in the data
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
				round = time.Duration(session.RoundSeconds(e.Config)) * time.Second
			}
			if round <= 0 {
				return errors.New("network.round_seconds is 0 (rounds only by hand): set it, or pass --round, so the swarm gets a round timer")
			}
			addr, err := session.LocalChainAddr(e.Config.Network)
			if err != nil {
				return err
			}
			store, err := openStore(cmd, e)
			if err != nil {
				return err
			}
			ctx, stop := signalContext(cmd.Context(), duration)
			defer stop()
			w, errw := cmd.OutOrStdout(), cmd.ErrOrStderr()
			h, err := session.StartHost(ctx, session.HostConfig{
				DataDir: e.Dirs.Data, ChainAddr: addr, Round: round, Listen: listen, Bootstrap: e.Config.Network.Bootnodes,
				OnRoundError: func(err error) { fmt.Fprintf(errw, "starting the next round failed: %v\n", err) },
				Logger:       slog.New(slog.NewTextHandler(errw, nil)),
				Secrets:      store,
			})
			if err != nil {
				return err
			}
			defer h.Close()
			if h.PublishErr != nil {
				fmt.Fprintf(errw, "could not publish the bootnode on the chain (nodes then need network.bootnodes): %v\n", h.PublishErr)
			}
			dc, n := h.Chain, h.Bootnode
			cur, _ := dc.Host().CurrentRound(ctx)
			fmt.Fprintf(w, "Hosting a swarm.\n  chain:    %s (coordinator %s), a new round every %s, now round %d\n  bootnode: %s\n",
				dc.RPCURL(), dc.Contract().Hex(), round, cur, n.ID())
			printJoinAddrs(w, n)
			if addrs := n.Addrs(); len(addrs) > 0 {
				fmt.Fprintf(w, "Join with:\n  %s\n", joinCommand(addrs[0], dc.RPCURL()))
				fmt.Fprintf(w, "From another computer, first forward the chain's port: ssh -N -L %[1]s:127.0.0.1:%[1]s you@this-computer\n", portOf(dc.RPCURL()))
				fmt.Fprintf(w, "Or paste this invite into the swarmdesk app (Join a swarm):\n  %s\n", h.Invite())
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

// joinCommand is the one command a node runs to join: the bootnode address, plus the chain's
// address when it is not the default one.
func joinCommand(bootnode, rpcURL string) string {
	cmd := "swarmdesk run --headless --set network.bootnodes=" + bootnode
	if !strings.HasSuffix(strings.TrimRight(rpcURL, "/"), chainconn.LocalRPCAddr) {
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
