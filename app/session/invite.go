package session

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/libp2p/go-libp2p/core/peer"
)

// InvitePrefix starts every invite string, so a pasted text is recognised (and a wrong paste —
// a bootnode address, a URL — is told apart from a damaged invite).
const InvitePrefix = "swarmdesk-invite:"

// MaxInviteBytes bounds a pasted invite: a real one is a few hundred bytes, and parsing runs on
// whatever lands in the clipboard.
const MaxInviteBytes = 4 << 10

// maxInviteBootnodes is how many bootnode addresses an invite carries; more only makes the
// string longer, since the swarm finds the rest of its peers through them.
const maxInviteBootnodes = 8

var contractRE = regexp.MustCompile(`^0x[0-9a-fA-F]{40}$`)

// String is the one pasteable text a host shares: the prefix and the invite as base64url JSON,
// which survives chat apps and e-mail (no spaces, quotes or line breaks).
func (inv Invite) String() string {
	b, err := json.Marshal(inv)
	if err != nil { // a struct of strings and an int always encodes
		return InvitePrefix
	}
	return InvitePrefix + base64.RawURLEncoding.EncodeToString(b)
}

// ParseInvite reads an invite a person pasted. Whitespace anywhere (line breaks a mail program
// added, a trailing newline) is ignored; everything else must be exact, so a damaged invite
// fails here with a clear message rather than later as a connection that never works.
func ParseInvite(s string) (Invite, error) {
	if len(s) > MaxInviteBytes {
		return Invite{}, fmt.Errorf("the invite is %d bytes, far longer than a real one (at most %d): copy it again from the host's app", len(s), MaxInviteBytes)
	}
	s = strings.Join(strings.Fields(s), "")
	if s == "" {
		return Invite{}, errors.New("the invite is empty: paste the text the host's app copied (it starts with " + InvitePrefix + ")")
	}
	body, ok := strings.CutPrefix(s, InvitePrefix)
	if !ok {
		return Invite{}, errors.New("this is not a swarmdesk invite (it should start with " + InvitePrefix + "): ask the host to copy it again from their app")
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(body, "="))
	if err != nil {
		return Invite{}, fmt.Errorf("the invite is damaged (%v): copy all of it again, it may have been cut off", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var inv Invite
	if err := dec.Decode(&inv); err != nil {
		return Invite{}, fmt.Errorf("the invite is damaged (%v): copy all of it again, or update swarmdesk if the host runs a newer version", err)
	}
	if dec.More() {
		return Invite{}, errors.New("the invite is damaged (extra data after it): copy it again")
	}
	if err := inv.Validate(); err != nil {
		return Invite{}, err
	}
	return inv, nil
}

// Validate checks every field the way the node will use it, so an invite that passes can be
// applied to the config as it is.
func (inv Invite) Validate() error {
	if len(inv.Bootnodes) == 0 {
		return errors.New("the invite has no bootnode address: ask the host to copy it again once their swarm runs")
	}
	if len(inv.Bootnodes) > maxInviteBootnodes {
		return fmt.Errorf("the invite lists %d bootnodes (at most %d): ask the host to copy it again", len(inv.Bootnodes), maxInviteBootnodes)
	}
	for _, b := range inv.Bootnodes {
		if !strings.HasPrefix(b, "/") || !strings.Contains(b, "/p2p/") {
			return fmt.Errorf("the invite's bootnode %q is not a multiaddr with a peer ID (/ip4/…/tcp/…/p2p/…): ask the host to copy it again", b)
		}
		if _, err := peer.AddrInfoFromString(b); err != nil {
			return fmt.Errorf("the invite's bootnode %q is not a valid address (%v): ask the host to copy it again", b, err)
		}
	}
	u, err := url.Parse(inv.RPCURL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "ws" && u.Scheme != "wss") {
		return fmt.Errorf("the invite's chain address %q is not an http(s):// or ws(s):// URL: ask the host to copy it again", RedactURL(inv.RPCURL))
	}
	if inv.ChainID <= 0 {
		return fmt.Errorf("the invite's chain id %d is not positive: ask the host to copy it again", inv.ChainID)
	}
	if !contractRE.MatchString(inv.Contract) || strings.Trim(inv.Contract[2:], "0") == "" {
		return fmt.Errorf("the invite's coordinator address %q is not a 0x-prefixed 20-byte hex address: ask the host to copy it again", inv.Contract)
	}
	return nil
}
