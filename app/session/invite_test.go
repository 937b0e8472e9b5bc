package session

import (
	"encoding/base64"
	"strings"
	"testing"
)

const (
	testBoot     = "/ip4/127.0.0.1/tcp/4001/p2p/QmWPWvvTJZnNCTZe6ftqVgr2BUNxqcBhBggd1bUbqQZG3y"
	testContract = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
)

func goodInvite() Invite {
	return Invite{Bootnodes: []string{testBoot}, RPCURL: "http://127.0.0.1:18545", ChainID: 1337, Contract: testContract}
}

// raw builds an invite string from arbitrary JSON, to feed ParseInvite what String never makes.
func raw(json string) string {
	return InvitePrefix + base64.RawURLEncoding.EncodeToString([]byte(json))
}

func TestInviteRoundTrip(t *testing.T) {
	inv := goodInvite()
	inv.Bootnodes = append(inv.Bootnodes, "/ip4/10.0.0.2/udp/4001/quic-v1/p2p/QmWPWvvTJZnNCTZe6ftqVgr2BUNxqcBhBggd1bUbqQZG3y")
	s := inv.String()
	if !strings.HasPrefix(s, InvitePrefix) || strings.ContainsAny(s, " \n\t\"'") {
		t.Fatalf("invite %q is not one pasteable token", s)
	}
	// A mail program wrapped it and the person copied a trailing newline and indentation.
	wrapped := "  " + s[:20] + "\n" + s[20:40] + "\r\n " + s[40:] + "\n"
	for _, in := range []string{s, wrapped} {
		got, err := ParseInvite(in)
		if err != nil {
			t.Fatalf("ParseInvite(%q): %v", in, err)
		}
		if got.String() != s || got.RPCURL != inv.RPCURL || got.ChainID != inv.ChainID || len(got.Bootnodes) != 2 {
			t.Fatalf("round trip changed the invite: %+v", got)
		}
	}
}

func TestParseInviteRefuses(t *testing.T) {
	good := `"bootnodes":["` + testBoot + `"],"rpc":"http://127.0.0.1:18545","chain_id":1337,"contract":"` + testContract + `"`
	for _, tt := range []struct {
		name, in, want string
	}{
		{"empty", "  \n", "empty"},
		{"no prefix", testBoot, "not a swarmdesk invite"},
		{"too long", InvitePrefix + strings.Repeat("A", MaxInviteBytes), "far longer"},
		{"bad base64", InvitePrefix + "!!!", "damaged"},
		{"not json", raw("hello"), "damaged"},
		{"unknown field", raw("{" + good + `,"extra":1}`), "damaged"},
		{"trailing data", raw("{" + good + "}{}"), "extra data"},
		{"no bootnodes", raw(`{"rpc":"http://127.0.0.1:1","chain_id":1,"contract":"` + testContract + `"}`), "no bootnode"},
		{"bootnode without peer id", raw(strings.Replace("{"+good+"}", "/p2p/", "/x/", 1)), "peer ID"},
		{"bootnode garbage peer id", raw(strings.Replace("{"+good+"}", "/p2p/Qm", "/p2p/zz", 1)), "not a valid address"},
		{"rpc not a url", raw(strings.Replace("{"+good+"}", "http://127.0.0.1:18545", "127.0.0.1:18545", 1)), "http(s)://"},
		{"rpc ftp", raw(strings.Replace("{"+good+"}", "http://", "ftp://", 1)), "http(s)://"},
		{"chain id zero", raw(strings.Replace("{"+good+"}", "1337", "0", 1)), "chain id"},
		{"chain id negative", raw(strings.Replace("{"+good+"}", "1337", "-5", 1)), "chain id"},
		{"contract short", raw(strings.Replace("{"+good+"}", testContract, "0x1234", 1)), "coordinator address"},
		{"contract zero", raw(strings.Replace("{"+good+"}", testContract, "0x"+strings.Repeat("0", 40), 1)), "coordinator address"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseInvite(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ParseInvite: %v, want an error about %q", err, tt.want)
			}
		})
	}
	if _, err := ParseInvite(raw("{" + good + "}")); err != nil {
		t.Fatalf("the well-formed base case is refused: %v", err)
	}
}

// An RPC URL with an API key in its path never appears in the error.
func TestParseInviteHidesKeys(t *testing.T) {
	_, err := ParseInvite(raw(`{"bootnodes":["` + testBoot + `"],"rpc":"mailto://x/SECRETKEY","chain_id":1,"contract":"` + testContract + `"}`))
	if err == nil || strings.Contains(err.Error(), "SECRETKEY") {
		t.Fatalf("error %v shows the key", err)
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:18545":                      "http://127.0.0.1:18545",
		"https://eth.example.com/v2/SECRETKEY":        "https://eth.example.com/…",
		"https://rpc.example.com/?apikey=SECRET":      "https://rpc.example.com/…",
		"https://gensyn-testnet.g.alchemy.com/public": "https://gensyn-testnet.g.alchemy.com/…",
		"not a url": "(custom)",
	} {
		if got := RedactURL(in); got != want || strings.Contains(got, "SECRET") {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// Whatever is pasted, ParseInvite never panics, and what it accepts survives a round trip and
// passes Validate.
func FuzzParseInvite(f *testing.F) {
	f.Add(goodInvite().String())
	f.Add(raw(`{"bootnodes":[],"rpc":"","chain_id":0,"contract":""}`))
	f.Add(InvitePrefix)
	f.Add("swarmdesk-invite:e30")
	f.Add(" \n" + goodInvite().String()[:30])
	f.Fuzz(func(t *testing.T, s string) {
		inv, err := ParseInvite(s)
		if err != nil {
			return
		}
		if err := inv.Validate(); err != nil {
			t.Fatalf("accepted an invalid invite %+v: %v", inv, err)
		}
		again, err := ParseInvite(inv.String())
		if err != nil || again.String() != inv.String() {
			t.Fatalf("round trip of %+v: %+v, %v", inv, again, err)
		}
	})
}
