package chain

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p/core/crypto"
)

// Ownership is what the coordinator's claims of one peer ID come to once their proofs are
// checked (see peerproof.go).
type Ownership struct {
	// Owner is the first account whose claim carries a valid proof; zero when none does.
	Owner common.Address
	// First is the account getEoa names (the first claimant, proven or not); zero when the
	// peer ID was never registered.
	First common.Address
	// Claims counts proof-carrying claims; Invalid those whose proof does not verify.
	Claims, Invalid int
}

// Proven reports whether some account proved the peer ID with the peer's own key.
func (o Ownership) Proven() bool { return o.Owner != (common.Address{}) }

// Squatted reports whether the peer ID was registered by an account that did not prove it
// (registerPeer without proof, or a proof that does not verify) and that is not the owner.
func (o Ownership) Squatted() bool {
	return (o.First != (common.Address{}) && o.First != o.Owner) || o.Invalid > 0
}

// SetPeerKey gives the client the node's libp2p key, with which RegisterPeer proves that this
// account's peer ID is really its own.
func (c *Client) SetPeerKey(k crypto.PrivKey) {
	c.peerMu.Lock()
	defer c.peerMu.Unlock()
	c.peerKey = k
}

func (c *Client) currentPeerKey() crypto.PrivKey {
	c.peerMu.Lock()
	defer c.peerMu.Unlock()
	if c.peerKey != nil {
		return c.peerKey
	}
	return c.opts.PeerKey
}

// Ownerships reads and checks the claims of each peer ID at block (nil: the latest).
func (c *Client) Ownerships(ctx context.Context, peerIDs []string, block *big.Int) ([]Ownership, error) {
	d, err := c.coord.TryPackGetPeerClaims(peerIDs)
	out, err := c.callAt(ctx, "getPeerClaims", d, err, block)
	if err != nil {
		return nil, err
	}
	v, err := c.coord.UnpackGetPeerClaims(out)
	if err != nil {
		return nil, fmt.Errorf("getPeerClaims: decode result: %w", err)
	}
	if len(v.Eoas) != len(peerIDs) || len(v.Proofs) != len(peerIDs) {
		return nil, fmt.Errorf("getPeerClaims: got %d results for %d peer IDs", len(v.Eoas), len(peerIDs))
	}
	first, err := c.eoasAt(ctx, peerIDs, block)
	if err != nil {
		return nil, err
	}
	res := make([]Ownership, len(peerIDs))
	for i, id := range peerIDs {
		o := Ownership{First: first[i], Claims: len(v.Eoas[i])}
		for j, acct := range v.Eoas[i] {
			var proof []byte
			if j < len(v.Proofs[i]) {
				proof = v.Proofs[i][j]
			}
			if VerifyPeerClaim(id, proof, c.profile.ChainID, c.profile.Contract, acct) != nil {
				o.Invalid++
				continue
			}
			if !o.Proven() {
				o.Owner = acct
			}
		}
		res[i] = o
	}
	return res, nil
}

// ClaimRewards returns the cumulative reward each (peer ID, account) claim submitted.
func (c *Client) ClaimRewards(ctx context.Context, peerIDs []string, accounts []common.Address) ([]*big.Int, error) {
	d, err := c.coord.TryPackGetClaimRewards(peerIDs, accounts)
	out, err := c.call(ctx, "getClaimRewards", d, err)
	if err != nil {
		return nil, err
	}
	v, err := c.coord.UnpackGetClaimRewards(out)
	if err != nil {
		return nil, fmt.Errorf("getClaimRewards: decode result: %w", err)
	}
	if len(v) != len(peerIDs) {
		return nil, fmt.Errorf("getClaimRewards: got %d results for %d peer IDs", len(v), len(peerIDs))
	}
	return v, nil
}

// RegisterPeer claims peerID for this account with a proof signed by the peer key (SetPeerKey
// or Options.PeerKey), which must be peerID's key: swarmdesk never registers without proof.
// Registering a peer ID this account already proved is a no-op. A peer ID another account
// already proved fails with ErrPeerIdAlreadyRegistered before anything is signed; one merely
// registered by another account (a squatter, or an older unproven registration) does not
// stop this claim, which readers then prefer.
func (c *Client) RegisterPeer(ctx context.Context, peerID string) error {
	if err := c.writable(); err != nil {
		return err
	}
	if peerID == "" || len(peerID) > maxPeerIDLen {
		return fmt.Errorf("register peer: peer ID must be 1..%d bytes", maxPeerIDLen)
	}
	key := c.currentPeerKey()
	if key == nil {
		return fmt.Errorf("register peer %s: %w", peerID, ErrNoPeerKey)
	}
	id, proof, err := SignPeerClaim(key, c.profile.ChainID, c.profile.Contract, c.Account())
	if err != nil {
		return fmt.Errorf("register peer %s: %w", peerID, err)
	}
	if id != peerID {
		return fmt.Errorf("register peer %s: the loaded peer key is %s's: %w", peerID, id, ErrNoPeerKey)
	}
	own, err := c.Ownerships(ctx, []string{peerID}, nil)
	if err != nil {
		return fmt.Errorf("register peer %s: %w", peerID, err)
	}
	switch own[0].Owner {
	case c.Account():
		return nil
	case common.Address{}:
	default:
		return fmt.Errorf("register peer %s: account %s already proved it (the same identity registered with another account): %w",
			peerID, own[0].Owner.Hex(), ErrPeerIdAlreadyRegistered)
	}
	d, err := c.coord.TryPackRegisterPeerWithProof(peerID, proof)
	if c.opts.Sender != nil && err == nil {
		err = c.opts.Sender.Send(ctx, c.profile.Contract, d, nil)
	} else {
		_, err = c.transact(ctx, d, err, nil)
	}
	if errors.Is(err, ErrPeerIdAlreadyRegistered) {
		return fmt.Errorf("register peer %s: this account already claimed it with a proof that does not verify; use another account: %w", peerID, err)
	}
	if err != nil {
		return fmt.Errorf("register peer %s: %w", peerID, err)
	}
	return nil
}

// claimDone asks the contract whether this account's claim of e.PeerID already did what e
// asks (per claim, so another claimant of the same peer ID — a squatter — cannot make a
// submission look done).
func (c *Client) claimDone(ctx context.Context, e OutboxEntry) (bool, error) {
	round := new(big.Int).SetUint64(e.Round)
	var (
		d    []byte
		err  error
		what string
	)
	switch e.Kind {
	case KindReward:
		what = "hasClaimSubmittedReward"
		d, err = c.coord.TryPackHasClaimSubmittedReward(round, new(big.Int).SetUint64(e.Stage), e.PeerID, c.Account())
	case KindWinners:
		what = "hasClaimVoted"
		d, err = c.coord.TryPackHasClaimVoted(round, e.PeerID, c.Account())
	default:
		return false, fmt.Errorf("unknown outbox kind %q", e.Kind)
	}
	out, err := c.call(ctx, what, d, err)
	if err != nil {
		return false, err
	}
	v, err := c.coord.UnpackHasClaimVoted(out) // both return one bool
	if err != nil {
		return false, fmt.Errorf("%s: decode result: %w", what, err)
	}
	return v, nil
}
