package cli

import (
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// On the local profile each command starts the dev chain from the data folder, so state carries
// over from one command to the next, as it does for a user.
func TestChainCommandsOnLocalChain(t *testing.T) {
	kr := secrets.NewMemKeyring()
	e := sandbox(t, "SWARMDESK_NETWORK_RPC_URL", fmt.Sprintf("http://127.0.0.1:%d", freePort(t)))
	out, _, _ := run(t, e, kr, "", "identity", "show")
	peerID, name := field(out, "Peer ID"), field(out, "Name")

	out, errs, code := run(t, e, kr, "", "chain", "status")
	if code != 0 || !strings.Contains(out, "Network:    local") || !strings.Contains(out, "not registered") {
		t.Fatalf("status before registering: %d\n%s\n%s", code, out, errs)
	}
	out, errs, code = run(t, e, kr, "", "chain", "register")
	if code != 0 || !strings.Contains(out, "Registered "+name) {
		t.Fatalf("register: %d\n%s\n%s", code, out, errs)
	}
	out, errs, code = run(t, e, kr, "", "chain", "status")
	if code != 0 || !strings.Contains(out, "), registered") {
		t.Fatalf("status after registering: %d\n%s\n%s", code, out, errs)
	}
	out, errs, code = run(t, e, kr, "", "chain", "leaderboard")
	if code != 0 || !strings.Contains(out, peerID) && !strings.Contains(out, name) {
		t.Fatalf("leaderboard: %d\n%s\n%s", code, out, errs)
	}
	// Registering again is harmless.
	if _, errs, code := run(t, e, kr, "", "chain", "register"); code != 0 {
		t.Fatalf("second register: %s", errs)
	}
}

func TestChainCustomProfileUnreachable(t *testing.T) {
	e := sandbox(t, "SWARMDESK_NETWORK_PROFILE", "custom",
		"SWARMDESK_NETWORK_RPC_URL", fmt.Sprintf("http://127.0.0.1:%d", freePort(t)),
		"SWARMDESK_NETWORK_CONTRACT", "0x00000000000000000000000000000000000000aa")
	_, errs, code := run(t, e, secrets.NewMemKeyring(), "", "chain", "status", "--timeout", "5s")
	if code == 0 || !strings.Contains(errs, "127.0.0.1") {
		t.Fatalf("unreachable chain: %d %q", code, errs)
	}
}
