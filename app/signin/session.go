package signin

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

// SessionLifetime is how long a session key may act for the account. The
// deferred action's deadline is this many SECONDS after sign-in (rl-swarm
// passed milliseconds where the contract reads seconds).
const SessionLifetime = 62 * 24 * time.Hour

// Session is a completed sign-in: who signed in, the API key that stamps
// signer requests, and the session key that signs UserOperations. It is
// kept only in the secret store (keychain or encrypted file).
type Session struct {
	Profile string         `json:"profile"`
	Email   string         `json:"email"`
	OrgID   string         `json:"orgId"`
	UserID  string         `json:"userId"`
	Signer  common.Address `json:"signer"`            // the user's signer (account owner)
	Account common.Address `json:"account,omitempty"` // smart account, once derived
	// EntityID and Deferred are the session key's validation on the
	// account and the owner-signed deferred action that installs it with
	// the first UserOperation (set by Flow.Activate).
	EntityID   uint32    `json:"entityId,omitempty"`
	Deferred   []byte    `json:"deferred,omitempty"`
	APIKey     []byte    `json:"apiKey"`
	SessionKey []byte    `json:"sessionKey"`
	Created    time.Time `json:"created"`
	Expires    time.Time `json:"expires"`
}

// Expired reports whether the session key may no longer act.
func (s *Session) Expired(now time.Time) bool { return !now.Before(s.Expires) }

// Key is the session key.
func (s *Session) Key() (*ecdsa.PrivateKey, error) {
	k, err := crypto.ToECDSA(s.SessionKey)
	if err != nil {
		return nil, fmt.Errorf("stored session key is damaged: %w; sign out and sign in again", err)
	}
	return k, nil
}

// SessionAddress is the session key's address (what the account's
// validation checks), safe to show.
func (s *Session) SessionAddress() common.Address {
	k, err := s.Key()
	if err != nil {
		return common.Address{}
	}
	return crypto.PubkeyToAddress(k.PublicKey)
}

// Summary is who is signed in, without key material: what screens and
// reports show.
type Summary struct {
	Profile string
	Email   string
	Signer  common.Address
	Account common.Address // zero until the sign-in readied the smart account
	Expires time.Time
	Expired bool
}

// Summary is the session without its keys.
func (s *Session) Summary(now time.Time) Summary {
	return Summary{Profile: s.Profile, Email: s.Email, Signer: s.Signer, Account: s.Account, Expires: s.Expires, Expired: s.Expired(now)}
}

// String never shows key material.
func (s *Session) String() string {
	return fmt.Sprintf("%s signed in on %s (signer %s, session until %s)", s.Email, s.Profile, s.Signer.Hex(), s.Expires.Format(time.RFC3339))
}

// GoString keeps %#v from printing keys too.
func (s *Session) GoString() string { return s.String() }

func secretName(profile string) string { return "signin/" + profile }

// Save stores the session.
func (s *Session) Save(store secrets.Store) error {
	js, err := json.Marshal(s)
	if err != nil {
		return err
	}
	if err := store.Set(secretName(s.Profile), js); err != nil {
		return fmt.Errorf("keep the sign-in in %s: %w", store.Location(), err)
	}
	return nil
}

// LoadSession returns the session for profile, or nil when nobody is
// signed in there.
func LoadSession(store secrets.Store, profile string) (*Session, error) {
	js, err := store.Get(secretName(profile))
	if errors.Is(err, secrets.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the sign-in from %s: %w", store.Location(), err)
	}
	var s Session
	if err := json.Unmarshal(js, &s); err != nil || len(s.SessionKey) != 32 || len(s.APIKey) != 32 {
		return nil, fmt.Errorf("the stored sign-in for %s is damaged; sign out (swarmdesk logout) and sign in again", profile)
	}
	return &s, nil
}

// SignOut forgets the session (and with it the session key).
func SignOut(store secrets.Store, profile string) error {
	err := store.Delete(secretName(profile))
	if err != nil && !errors.Is(err, secrets.ErrNotFound) {
		return fmt.Errorf("remove the sign-in from %s: %w", store.Location(), err)
	}
	return nil
}

// Finish completes a sign-in with the typed code: it unlocks the API key,
// asks who signed in and makes a fresh secp256k1 session key. The caller
// saves the session.
func (c *Client) Finish(ctx context.Context, p *Pending, code, profile string) (*Session, error) {
	key, err := c.VerifyCode(ctx, p, code)
	if err != nil {
		return nil, err
	}
	u, err := c.Whoami(ctx, key, p.OrgID)
	if err != nil {
		return nil, err
	}
	sk, err := crypto.GenerateKey()
	if err != nil {
		return nil, fmt.Errorf("make session key: %w", err)
	}
	now := time.Now().UTC()
	if c.Now != nil {
		now = c.Now().UTC()
	}
	email := u.Email
	if email == "" {
		email = p.Email
	}
	return &Session{
		Profile: profile, Email: email, OrgID: u.OrgID, UserID: u.UserID, Signer: u.Address,
		APIKey: key.Bytes(), SessionKey: crypto.FromECDSA(sk), Created: now, Expires: now.Add(SessionLifetime),
	}, nil
}
