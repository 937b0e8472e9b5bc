package cli

import (
	"bufio"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/swarmdesk/swarmdesk/app/env"
	"github.com/swarmdesk/swarmdesk/app/identity"
)

func newIdentityCmd(g *globals, o Options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "identity",
		Short: "Show, import, export or reset this node's identity (peer key and account)",
		Long: `A node's identity is its libp2p peer key — the swarm.pem file of rl-swarm, which gives the
peer ID (Qm…) and the three-word name — and the key of its on-chain account. Both live only in
the OS keychain (or, without one, in a passphrase-encrypted file), never as loose files.`,
	}
	cmd.AddCommand(
		identityShowCmd(g, o),
		identityImportCmd(g, o),
		identityExportCmd(g, o),
		identityResetCmd(g, o),
	)
	return cmd
}

func identityShowCmd(g *globals, o Options) *cobra.Command {
	return &cobra.Command{
		Use:   "show",
		Short: "Print the peer ID, name, account address and where the keys are kept (creates an identity on first use)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, err := loadEnv(g, o)
			if err != nil {
				return err
			}
			s, err := openStore(cmd, e)
			if env.ErrNeedsPassphrase(err) {
				// The keys are locked, but who this node is is public: show the card kept at
				// the last unlock rather than demand the passphrase for it.
				if p, perr := e.PublicIdentity(); perr == nil {
					fmt.Fprintf(cmd.OutOrStdout(), "Name:     %s\nPeer ID:  %s\nAccount:  %s\nKeys in:  %s (locked: set %s or use --passphrase-file to unlock)\nCreated:  %s\n",
						p.Name, p.PeerID, p.Account, p.KeysIn, env.PassphraseEnv, p.Created.Format("2006-01-02 15:04 MST"))
					return nil
				}
			}
			if err != nil {
				return err
			}
			id, created, err := identity.LoadOrCreate(s)
			if err != nil {
				return err
			}
			e.RememberPublic(id, s)
			w := cmd.OutOrStdout()
			if created {
				fmt.Fprintln(w, "Created a new identity.")
			}
			fmt.Fprintf(w, "Name:     %s\nPeer ID:  %s\nAccount:  %s\nKeys in:  %s\nCreated:  %s\n",
				id.Name(), id.PeerID, id.Address().Hex(), s.Location(), id.Created.Format("2006-01-02 15:04 MST"))
			printSignIn(w, e, s)
			return nil
		},
	}
}

func identityImportCmd(g *globals, o Options) *cobra.Command {
	var replace bool
	cmd := &cobra.Command{
		Use:   "import <swarm.pem>",
		Short: "Make an rl-swarm swarm.pem this node's peer identity (same peer ID and name as before)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, s, err := storeFor(cmd, g, o)
			if err != nil {
				return err
			}
			id, err := identity.ImportFile(s, args[0], replace)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Imported %s (%s). The key now lives in %s; you may delete %s.\n",
				id.Name(), id.PeerID, s.Location(), args[0])
			return nil
		},
	}
	cmd.Flags().BoolVar(&replace, "replace", false, "replace an existing identity (its account key is kept)")
	return cmd
}

func identityExportCmd(g *globals, o Options) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "export <file>",
		Short: "Write the peer key as a swarm.pem file that rl-swarm and swarmdesk can import",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, s, err := storeFor(cmd, g, o)
			if err != nil {
				return err
			}
			id, err := identity.Load(s)
			if errors.Is(err, identity.ErrNoIdentity) {
				return errors.New("there is no identity to export yet (run `swarmdesk identity show` to create one)")
			}
			if err != nil {
				return err
			}
			if err := identity.Export(id, args[0], force); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Wrote the peer key of %s (%s) to %s. Anyone with this file can act as your node: keep it safe.\n",
				id.Name(), id.PeerID, args[0])
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "overwrite the file if it exists")
	return cmd
}

func identityResetCmd(g *globals, o Options) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "reset",
		Short: "Delete this node's identity (asks for confirmation; export it first to keep it)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, s, err := storeFor(cmd, g, o)
			if err != nil {
				return err
			}
			id, err := identity.Load(s)
			if errors.Is(err, identity.ErrNoIdentity) {
				fmt.Fprintln(cmd.OutOrStdout(), "There is no identity; nothing to reset.")
				return nil
			}
			if err != nil {
				return err
			}
			if !yes {
				w := cmd.ErrOrStderr()
				fmt.Fprintf(w, "This deletes %s (%s) and its account key. Unless you exported swarm.pem, the\npeer ID and everything it earned are lost for good.\nType the name %q to confirm: ", id.Name(), id.PeerID, id.Name())
				line, _ := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
				if strings.TrimSpace(line) != id.Name() {
					return errors.New("not confirmed; the identity is unchanged (use --yes to skip the question)")
				}
			}
			if err := identity.Reset(s); err != nil {
				return err
			}
			if err := identity.RemovePublic(e.PublicIdentityPath()); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted %s. A new identity is created at the next start.\n", id.Name())
			return nil
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "do not ask for confirmation")
	return cmd
}
