package cli

import (
	"context"
	"fmt"
	"io"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/spf13/cobra"

	"github.com/swarmdesk/swarmdesk/app/identity"
	"github.com/swarmdesk/swarmdesk/app/session"
	"github.com/swarmdesk/swarmdesk/app/swarm"
)

func newSwarmCmd(g *globals, o Options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "swarm",
		Short: "Peer-to-peer networking: host a swarm that others join",
	}
	var listen []string
	var duration time.Duration
	host := &cobra.Command{
		Use:   "host",
		Short: "Run this computer as the bootnode (and relay) of a swarm and print the address others join with",
		Long: `Starts this node as a bootnode: other swarmdesk nodes on your LAN or the internet join by
adding one of the printed addresses to network.bootnodes. The node also relays traffic for peers
behind NATs. For others to reach it from the internet, forward TCP and UDP port 4001 on your
router (swarmdesk also asks the router to do it through UPnP/NAT-PMP). Runs until Ctrl-C.
` + "`swarmdesk host`" + ` does the same and also runs the swarm's chain and round timer.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, s, err := storeFor(cmd, g, o)
			if err != nil {
				return err
			}
			id, _, err := identity.LoadOrCreate(s)
			if err != nil {
				return err
			}
			ctx, stop := signalContext(cmd.Context(), duration)
			defer stop()
			n, err := startBootnode(ctx, id.Key, listen, e.Config.Network.Bootnodes)
			if err != nil {
				return err
			}
			defer n.Close()
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "Hosting a swarm as %s (%s).\n", id.Name(), id.PeerID)
			printJoinAddrs(w, n)
			if addrs := n.Addrs(); len(addrs) > 0 {
				fmt.Fprintf(w, "For example, on the joining computer:\n  swarmdesk config set network.bootnodes %s\n", addrs[0])
			}
			reportPeers(ctx, w, n, 15*time.Second, nil)
			fmt.Fprintln(w, "Stopped.")
			return nil
		},
	}
	bootnodeFlags(host, &listen, &duration)
	cmd.AddCommand(host)
	return cmd
}

// bootnodeFlags are the flags of every command that runs a bootnode.
func bootnodeFlags(cmd *cobra.Command, listen *[]string, duration *time.Duration) {
	cmd.Flags().StringArrayVar(listen, "listen", nil, "multiaddr to listen on (repeatable; default TCP and QUIC port 4001 on all interfaces)")
	cmd.Flags().DurationVar(duration, "for", 0, "stop after this long (default: run until Ctrl-C)")
}

// signalContext ends on SIGINT/SIGTERM, or after d when d > 0.
func signalContext(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	ctx, stop := signal.NotifyContext(parent, syscall.SIGINT, syscall.SIGTERM)
	if d <= 0 {
		return ctx, stop
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	return ctx, func() { cancel(); stop() }
}

// startBootnode runs key as a swarm's bootnode (see session.StartBootnode), asking the router
// for a port mapping.
func startBootnode(ctx context.Context, key crypto.PrivKey, listen, bootstrap []string) (*swarm.Node, error) {
	return session.StartBootnode(ctx, session.BootnodeConfig{Key: key, Listen: listen, Bootstrap: bootstrap, PortMap: true})
}

// printJoinAddrs lists the addresses others join with, most widely reachable first.
func printJoinAddrs(w io.Writer, n *swarm.Node) {
	fmt.Fprintln(w, "Others join with one of these addresses:")
	for _, a := range n.Addrs() {
		fmt.Fprintf(w, "  %s\n", a)
	}
}

// reportPeers prints the connected peers every `every` until ctx ends; extra, if set, adds
// to each line (e.g. the chain's round).
func reportPeers(ctx context.Context, w io.Writer, n *swarm.Node, every time.Duration, extra func() string) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			peers := n.Peers()
			names := make([]string, 0, len(peers))
			for _, p := range peers {
				names = append(names, p.Name)
			}
			more := ""
			if extra != nil {
				more = "  " + extra()
			}
			fmt.Fprintf(w, "%s  %d peers connected%s  %s\n", time.Now().Format("15:04:05"), len(peers), more, strings.Join(names, ", "))
		}
	}
}
