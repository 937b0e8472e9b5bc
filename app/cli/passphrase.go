package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/swarmdesk/swarmdesk/app/env"
	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

// minPassphrase is short enough to type and long enough that scrypt makes guessing costly.
const minPassphrase = 8

// storeFor loads the environment and opens its key store, as every command that needs the
// identity does.
func storeFor(cmd *cobra.Command, g *globals, o Options) (*env.Setup, secrets.Store, error) {
	e, err := loadEnv(g, o)
	if err != nil {
		return nil, nil, err
	}
	s, err := openStore(cmd, e)
	if err != nil {
		return nil, nil, err
	}
	return e, s, nil
}

// openStore opens the key store, asking for the passphrase on a terminal when the OS has no
// keychain. Without a terminal the error says how to provide one.
func openStore(cmd *cobra.Command, e *env.Setup) (secrets.Store, error) {
	s, err := e.OpenSecrets()
	if err == nil || !env.ErrNeedsPassphrase(err) {
		return s, err
	}
	f, ok := cmd.InOrStdin().(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, err
	}
	w := cmd.ErrOrStderr()
	creating := e.NewSecretsFile()
	if creating {
		fmt.Fprintf(w, "No OS keychain is available, so swarmdesk keeps its keys in an encrypted file in\n%s.\n", e.SecretsDir())
	}
	for attempt := 0; attempt < 3; attempt++ {
		p, err := readSecret(f, w, "Passphrase: ")
		if err != nil {
			return nil, err
		}
		if creating {
			if len(p) < minPassphrase {
				fmt.Fprintf(w, "Use at least %d characters.\n", minPassphrase)
				continue
			}
			again, err := readSecret(f, w, "Repeat passphrase: ")
			if err != nil {
				return nil, err
			}
			if !bytes.Equal(p, again) {
				fmt.Fprintln(w, "The two passphrases differ; try again.")
				continue
			}
		}
		e.SetPassphrase(p)
		s, err := e.OpenSecrets()
		if errors.Is(err, secrets.ErrWrongPassphrase) {
			fmt.Fprintln(w, "Wrong passphrase.")
			continue
		}
		return s, err
	}
	return nil, errors.New("no valid passphrase after 3 attempts")
}

func readSecret(f *os.File, w io.Writer, prompt string) ([]byte, error) {
	fmt.Fprint(w, prompt)
	p, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(w)
	if err != nil {
		return nil, fmt.Errorf("read passphrase: %w", err)
	}
	return p, nil
}
