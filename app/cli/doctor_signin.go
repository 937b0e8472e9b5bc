package cli

import (
	"fmt"
	"io"

	"github.com/swarmdesk/swarmdesk/app/env"
)

// The sign-in section says whether the configured network needs a sign-in,
// which services it would use, and who is signed in — without contacting
// anything, so doctor stays fast and offline.
func init() {
	registerDoctorSection(doctorSection{order: 40, title: "Sign-in", report: reportSignIn})
}

func reportSignIn(e *env.Setup, w io.Writer) error {
	p, err := signInProfile(e)
	if err != nil {
		return err
	}
	if !p.SignIn.Needed() {
		fmt.Fprintf(w, "Network %s needs no sign-in: writes use this computer's account key.\n", p.Name)
		return nil
	}
	fmt.Fprintf(w, "Network:  %s (writes go out from your smart account)\nSigner:   %s\nBundler:  %s\nPolicy:   %s\n",
		p.Name, p.SignIn.SignerURL, p.SignIn.BundlerURL, p.SignIn.PolicyID)
	s, err := e.OpenSecrets()
	if err != nil {
		return fmt.Errorf("cannot open the key store to check the sign-in: %w", err)
	}
	printSignIn(w, e, s)
	return nil
}
