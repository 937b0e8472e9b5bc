// Package cli is swarmdesk's command line: one binary whose bare invocation opens the desktop
// window and whose subcommands manage the identity, the config and (as they land) the node.
// The window itself is injected by main, so this package never imports Fyne.
package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/swarmdesk/swarmdesk/app/env"
	"github.com/swarmdesk/swarmdesk/app/version"
	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

// Options wire the CLI to the rest of the program.
type Options struct {
	// OpenWindow runs the desktop app until its window closes. Nil in a headless build.
	OpenWindow func(e *env.Setup) error
	// Getenv and Keyring replace the process environment and the OS keychain in tests.
	Getenv  func(string) string
	Keyring secrets.Keyring
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
}

// globals are the flags every command takes.
type globals struct {
	configPath     string
	set            []string
	passphraseFile string
}

// New builds the command tree.
func New(o Options) *cobra.Command {
	if o.Stdin == nil {
		o.Stdin = os.Stdin
	}
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	g := &globals{}
	root := &cobra.Command{
		Use:   "swarmdesk",
		Short: "Join a decentralized reinforcement-learning swarm from your desktop",
		Long: `swarmdesk trains a small language model together with a swarm of peers: every round it
answers questions, shares its answers, learns from everyone's, and records its rewards on chain.

Run without a command to open the desktop app.`,
		Version:       version.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.OpenWindow == nil {
				return fmt.Errorf("this build has no desktop window; use `swarmdesk --help` for the commands")
			}
			e, err := loadEnv(g, o)
			if err != nil {
				return err
			}
			return o.OpenWindow(e)
		},
	}
	root.SetIn(o.Stdin)
	root.SetOut(o.Stdout)
	root.SetErr(o.Stderr)
	root.SetVersionTemplate(version.String() + "\n")
	pf := root.PersistentFlags()
	pf.StringVar(&g.configPath, "config", "", "settings file (default: config.toml in the per-user config folder; env SWARMDESK_CONFIG)")
	pf.StringArrayVar(&g.set, "set", nil, "`key=value`: override a setting for this run, e.g. --set resources.threads=2 (repeatable; the keys: swarmdesk config show)")
	pf.StringVar(&g.passphraseFile, "passphrase-file", "", "file holding the passphrase of the encrypted key store (used when the OS has no keychain; env "+env.PassphraseEnv+")")

	root.AddCommand(
		newVersionCmd(),
		newIdentityCmd(g, o),
		newConfigCmd(g, o),
		newGenerateCmd(g, o),
		newTrainDemoCmd(g, o),
		newSwarmCmd(g, o),
		newChainCmd(g, o),
		newRunCmd(g, o),
		newHostCmd(g, o),
		newDoctorCmd(g, o),
		newLoginCmd(g, o),
		newLogoutCmd(g, o),
		newExperimentCmd(g, o),
	)
	return root
}

// Execute runs the CLI and returns the process exit code, printing errors for a person.
func Execute(o Options, args []string) int {
	root := New(o)
	root.SetArgs(args)
	if err := root.Execute(); err != nil {
		w := o.Stderr
		if w == nil {
			w = os.Stderr
		}
		fmt.Fprintln(w, "error:", err)
		return 1
	}
	return 0
}

func loadEnv(g *globals, o Options) (*env.Setup, error) {
	set := map[string]string{}
	for _, kv := range g.set {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("--set %q: want key=value", kv)
		}
		set[strings.TrimSpace(k)] = v
	}
	return env.Load(env.Options{
		ConfigPath:     g.configPath,
		Set:            set,
		PassphraseFile: g.passphraseFile,
		Getenv:         o.Getenv,
		Keyring:        o.Keyring,
	})
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and platform",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(cmd.OutOrStdout(), version.String())
			return nil
		},
	}
}
