package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/app/chain/devchain"
	"github.com/swarmdesk/swarmdesk/app/userop"

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
	// The chain the sign-in reads the smart account from: a dev chain in
	// place of Gensyn testnet (no network in tests).
	ch, err := devchain.Start(context.Background(), devchain.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	e := sandbox(t, "SWARMDESK_NETWORK_PROFILE", "gensyn-testnet", "SWARMDESK_NETWORK_SIGNER_URL", s.URL, "SWARMDESK_NETWORK_RPC_URL", ch.RPCURL())
	account := userop.MAv2Address(userop.MAv2Factory, userop.MAv2SemiModularBytecode, s.Address(), nil)

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
	if !strings.Contains(out, "Smart account: "+account.Hex()) {
		t.Fatalf("login did not report the smart account %s: %q", account.Hex(), out)
	}
	out, _, _ = run(t, e, kr, "", "identity", "show")
	if field(out, "Email") != "someone@example.com" || field(out, "Signer") != s.Address().Hex() || !strings.HasPrefix(field(out, "Session"), "until ") ||
		field(out, "Smart account") != account.Hex() {
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
