package cli

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/chainconn"
	"github.com/swarmdesk/swarmdesk/app/env"
	"github.com/swarmdesk/swarmdesk/app/identity"
	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

func newChainCmd(g *globals, o Options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "chain",
		Short: "The swarm's coordinator contract: status, leaderboard, registration",
		Long: `Talks to the chain of the configured network profile (network.profile): "local" is the
dev chain on this computer (started on first use, kept in the data folder, served on
http://` + chainconn.LocalRPCAddr + `), "custom" any EVM chain, "gensyn-testnet" Gensyn's testnet (read-only).`,
	}
	var timeout time.Duration
	cmd.PersistentFlags().DurationVar(&timeout, "timeout", time.Minute, "give up after this long")

	// connect opens the chain; with needKey the identity's account signs, otherwise the
	// identity is used only when the key store opens without asking.
	connect := func(cmd *cobra.Command, needKey bool) (*chainconn.Conn, *identity.Identity, context.Context, func(), error) {
		e, err := loadEnv(g, o)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
		ctx, cancel := context.WithTimeout(ctx, timeout)
		done := func() { cancel(); stop() }
		id, store, err := chainIdentity(cmd, e, needKey)
		if err != nil {
			done()
			return nil, nil, nil, nil, err
		}
		var key *ecdsa.PrivateKey
		if id != nil {
			key = id.Account
		}
		conn, err := chainconn.Open(ctx, e.Config.Network, e.Dirs.Data, key, store)
		if err != nil {
			done()
			return nil, nil, nil, nil, err
		}
		if id != nil {
			conn.Client.SetPeerKey(id.Key) // registration proves the peer ID with it
		}
		return conn, id, ctx, func() { conn.Close(); done() }, nil
	}

	status := &cobra.Command{
		Use:   "status",
		Short: "Network, contract, current round, this node's account and registration",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			conn, id, ctx, done, err := connect(cmd, false)
			if err != nil {
				return err
			}
			defer done()
			s, err := chain.Status(ctx, conn.Client)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			ro := ""
			if s.ReadOnly {
				ro = " (read-only)"
			}
			fmt.Fprintf(w, "Network:    %s%s\nRPC:        %s\nChain ID:   %d\nBlock:      %d\nContract:   %s\nRound:      %d (stage %d of %d)\n",
				s.Profile, ro, s.RPCURL, s.ChainID, s.Block, s.Contract.Hex(), s.Round, s.Stage, s.StageCount)
			if len(s.Bootnodes) > 0 {
				fmt.Fprintf(w, "Bootnodes:  %s\n", strings.Join(s.Bootnodes, "\n            "))
			}
			if id != nil {
				reg := "not registered (run `swarmdesk chain register`)"
				for _, p := range s.PeerIDs {
					if p == id.PeerID.String() {
						reg = "registered"
					}
				}
				fmt.Fprintf(w, "Node:       %s (%s), %s\nAccount:    %s, balance %s ETH\n", id.Name(), id.PeerID, reg, s.Account.Hex(), ether(s.Balance))
				if s.PendingSubmissions > 0 {
					fmt.Fprintf(w, "Pending:    %d submissions waiting to be mined\n", s.PendingSubmissions)
				}
			}
			return nil
		},
	}
	leaderboard := &cobra.Command{
		Use:   "leaderboard",
		Short: "Every peer's rank, total rewards, wins and votes (this node marked)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			conn, id, ctx, done, err := connect(cmd, false)
			if err != nil {
				return err
			}
			defer done()
			entries, err := conn.Client.Leaderboard(ctx)
			if err != nil {
				return err
			}
			me := ""
			if id != nil {
				me = id.PeerID.String()
			}
			if len(entries) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "No peers have registered yet.")
				return nil
			}
			return chain.FormatLeaderboard(cmd.OutOrStdout(), entries, me)
		},
	}
	register := &cobra.Command{
		Use:   "register",
		Short: "Register this node's peer ID to its account on the coordinator contract",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			conn, id, ctx, done, err := connect(cmd, true)
			if err != nil {
				return err
			}
			defer done()
			if err := conn.EnsureFunds(ctx); err != nil {
				return err
			}
			err = conn.Client.RegisterPeer(ctx, id.PeerID.String())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Registered %s (%s) to account %s on %s.\n",
				id.Name(), id.PeerID, id.Address().Hex(), conn.Client.Profile().Name)
			return nil
		},
	}
	cmd.AddCommand(status, leaderboard, register)
	return cmd
}

// chainIdentity loads the identity: required (asking for a passphrase if need be) when the
// command signs, best effort otherwise.
func chainIdentity(cmd *cobra.Command, e *env.Setup, need bool) (*identity.Identity, secrets.Store, error) {
	if need {
		s, err := openStore(cmd, e)
		if err != nil {
			return nil, nil, err
		}
		id, _, err := identity.LoadOrCreate(s)
		return id, s, err
	}
	s, err := e.OpenSecrets()
	if err != nil {
		return nil, nil, nil // read-only without the identity
	}
	id, err := identity.Load(s)
	if errors.Is(err, identity.ErrNoIdentity) {
		return nil, s, nil
	}
	return id, s, err
}

func ether(wei *big.Int) string {
	if wei == nil {
		return "0"
	}
	f, _ := new(big.Float).Quo(new(big.Float).SetInt(wei), big.NewFloat(1e18)).Float64()
	return fmt.Sprintf("%.4f", f)
}
