package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/chainconn"
	"github.com/swarmdesk/swarmdesk/app/env"
	"github.com/swarmdesk/swarmdesk/app/signin"
	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

// signInStore opens the key store and the configured network's profile, as login and logout
// both need.
func signInStore(cmd *cobra.Command, g *globals, o Options) (secrets.Store, chain.Profile, error) {
	e, s, err := storeFor(cmd, g, o)
	if err != nil {
		return nil, chain.Profile{}, err
	}
	p, err := signInProfile(e)
	if err != nil {
		return nil, chain.Profile{}, err
	}
	return s, p, nil
}

// signInProfile is the configured network's profile with its sign-in settings.
func signInProfile(e *env.Setup) (chain.Profile, error) {
	return chainconn.SignInProfile(e.Config.Network)
}

func newLoginCmd(g *globals, o Options) *cobra.Command {
	var email string
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Sign in with your email to take part in Gensyn testnet (the code from the email is typed here)",
		Long: `Signs in to the configured network's account service by email code, without a browser: a
code is emailed to you and you type it here. The session key that then acts for your smart account
is kept only in the OS keychain (or the encrypted key store). Local and invite swarms need no
sign-in; they use this computer's account key.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, p, err := signInStore(cmd, g, o)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if !p.SignIn.Needed() {
				fmt.Fprintf(w, "Network %q needs no sign-in: it writes with this computer's account key (see swarmdesk identity show).\n", p.Name)
				return nil
			}
			in := bufio.NewReader(cmd.InOrStdin())
			if email == "" {
				if email, err = prompt(w, in, "Email: "); err != nil {
					return err
				}
			}
			flow := chainconn.SignInFlow(p, s)
			ctx, cancel := context.WithTimeout(cmd.Context(), 15*time.Minute)
			defer cancel()
			if err := flow.Start(ctx, email); err != nil {
				return err
			}
			for {
				code, err := prompt(w, in, "We emailed a code to "+flow.Waiting()+". Code: ")
				if err != nil {
					return err
				}
				sess, err := flow.Finish(ctx, code)
				if err == nil {
					fmt.Fprintf(w, "Signed in as %s (signer %s).\nSmart account: %s\nSession key kept in %s, valid until %s.\n",
						sess.Email, sess.Signer.Hex(), sess.Account.Hex(), s.Location(), sess.Expires.Local().Format("2006-01-02 15:04 MST"))
					return nil
				}
				if !isRetryableCode(err) {
					return err
				}
				fmt.Fprintln(cmd.ErrOrStderr(), err)
			}
		},
	}
	cmd.Flags().StringVar(&email, "email", "", "email address to sign in with (asked for when not given)")
	return cmd
}

// isRetryableCode: a mistyped code may be typed again; everything else ends
// the attempt.
func isRetryableCode(err error) bool {
	return err != nil && strings.Contains(err.Error(), signin.ErrWrongCode.Error())
}

func prompt(w io.Writer, in *bufio.Reader, q string) (string, error) {
	fmt.Fprint(w, q)
	line, err := in.ReadString('\n')
	line = strings.TrimSpace(line)
	if line == "" && err != nil {
		return "", fmt.Errorf("no answer typed (%v): run swarmdesk login at a terminal", err)
	}
	return line, nil
}

func newLogoutCmd(g *globals, o Options) *cobra.Command {
	return &cobra.Command{
		Use:   "logout",
		Short: "Sign out: the session key is removed from the keychain and writes wait until the next sign-in",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, p, err := signInStore(cmd, g, o)
			if err != nil {
				return err
			}
			was, err := signin.LoadSession(s, p.Name)
			if err != nil {
				return err
			}
			if err := signin.SignOut(s, p.Name); err != nil {
				return err
			}
			if was == nil {
				fmt.Fprintf(cmd.OutOrStdout(), "Nobody was signed in on %s.\n", p.Name)
				return nil
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Signed out %s on %s; the session key was removed from %s.\n", was.Email, p.Name, s.Location())
			return nil
		},
	}
}

// printSignIn adds who is signed in to identity show.
func printSignIn(w io.Writer, e *env.Setup, s secrets.Store) {
	p, err := signInProfile(e)
	if err != nil || !p.SignIn.Needed() {
		return
	}
	sess, err := signin.LoadSession(s, p.Name)
	switch {
	case err != nil:
		fmt.Fprintf(w, "Sign-in:  %v\n", err)
	case sess == nil:
		fmt.Fprintf(w, "Sign-in:  not signed in on %s (swarmdesk login)\n", p.Name)
	default:
		state := "until " + sess.Expires.Local().Format("2006-01-02 15:04 MST")
		if sess.Expired(time.Now()) {
			state = "EXPIRED — sign in again (swarmdesk login); submissions wait in the outbox"
		}
		acct := "not derived yet"
		if sess.Account != ([20]byte{}) {
			acct = sess.Account.Hex()
		}
		fmt.Fprintf(w, "Email:    %s\nSigner:   %s\nSmart account: %s\nSession:  %s (key %s)\n", sess.Email, sess.Signer.Hex(), acct, state, sess.SessionAddress().Hex())
	}
}
