package cli

import (
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/app/signin/signintest"
	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

// TestLoginLogoutFromTerminal signs in on gensyn-testnet against a local
// signer that speaks the real API, typing a wrong code first.
func TestLoginLogoutFromTerminal(t *testing.T) {
	s := signintest.New()
	defer s.Close()
	s.FixedCode = "482913"
	kr := secrets.NewMemKeyring()
	e := sandbox(t, "SWARMDESK_NETWORK_PROFILE", "gensyn-testnet", "SWARMDESK_NETWORK_SIGNER_URL", s.URL)

	out, _, _ := run(t, e, kr, "", "identity", "show")
	if !strings.Contains(out, "not signed in on gensyn-testnet") {
		t.Fatalf("identity show before sign-in: %q", out)
	}

	out, errOut, code := run(t, e, kr, "someone@example.com\n111111\n482913\n", "login")
	if code != 0 {
		t.Fatalf("login: %d %q %q", code, out, errOut)
	}
	if !strings.Contains(errOut, "not the one we emailed") || !strings.Contains(out, "Signed in as someone@example.com") {
		t.Fatalf("login output: %q / %q", out, errOut)
	}
	out, _, _ = run(t, e, kr, "", "identity", "show")
	if field(out, "Email") != "someone@example.com" || field(out, "Signer") != s.Address().Hex() || !strings.HasPrefix(field(out, "Session"), "until ") {
		t.Fatalf("identity show after sign-in: %q", out)
	}

	out, _, _ = run(t, e, kr, "", "doctor")
	if !strings.Contains(out, "Signer:   "+s.URL) || !strings.Contains(out, "Email:    someone@example.com") {
		t.Fatalf("doctor's sign-in section: %q", out)
	}

	out, _, code = run(t, e, kr, "", "logout")
	if code != 0 || !strings.Contains(out, "Signed out someone@example.com") {
		t.Fatalf("logout: %q", out)
	}
	out, _, _ = run(t, e, kr, "", "identity", "show")
	if !strings.Contains(out, "not signed in") {
		t.Fatalf("identity show after sign-out: %q", out)
	}

	// Local swarms need no sign-in.
	out, _, code = run(t, sandbox(t), kr, "", "login")
	if code != 0 || !strings.Contains(out, "needs no sign-in") {
		t.Fatalf("login on local: %d %q", code, out)
	}
}
