package signin

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/ethereum/go-ethereum/common"

	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

// Flow is one network's sign-in as a screen drives it: email, then code,
// then a saved Session; or sign out. Safe for concurrent use.
type Flow struct {
	Client  *Client
	Store   secrets.Store
	Profile string
	// Activate, when set, readies the smart account for the new session
	// before it is saved: sign has the user's signer sign a digest as is
	// (sign-payload with the fresh API key). It fills s.Account, EntityID
	// and Deferred. A failed activation saves nothing.
	Activate func(ctx context.Context, s *Session, sign func(context.Context, common.Hash) ([]byte, error)) error

	mu      sync.Mutex
	pending *Pending
}

// Start emails a code to email.
func (f *Flow) Start(ctx context.Context, email string) error {
	p, err := f.Client.StartEmail(ctx, email)
	if err != nil {
		return err
	}
	f.mu.Lock()
	f.pending = p
	f.mu.Unlock()
	return nil
}

// Waiting is the address a code was sent to, or "" before Start.
func (f *Flow) Waiting() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pending == nil {
		return ""
	}
	return f.pending.Email
}

// Cancel forgets a started sign-in.
func (f *Flow) Cancel() {
	f.mu.Lock()
	f.pending = nil
	f.mu.Unlock()
}

// Finish checks the code and saves the session.
func (f *Flow) Finish(ctx context.Context, code string) (*Session, error) {
	f.mu.Lock()
	p := f.pending
	f.mu.Unlock()
	if p == nil {
		return nil, errors.New("ask for a code first: type your email address and press Email me a code")
	}
	s, err := f.Client.Finish(ctx, p, code, f.Profile)
	if err != nil {
		if errors.Is(err, ErrCodeExpired) || errors.Is(err, ErrRateLimited) || errors.Is(err, ErrBadBundle) {
			f.Cancel() // the code cannot work any more; start over
		}
		return nil, err
	}
	if f.Activate != nil {
		key, err := NewAPIKey(s.APIKey)
		if err != nil {
			return nil, err
		}
		u := User{OrgID: s.OrgID, UserID: s.UserID, Email: s.Email, Address: s.Signer}
		sign := func(ctx context.Context, h common.Hash) ([]byte, error) { return f.Client.SignHash(ctx, key, u, h) }
		if err := f.Activate(ctx, s, sign); err != nil {
			return nil, fmt.Errorf("set up your smart account: %w", err)
		}
	}
	if err := s.Save(f.Store); err != nil {
		return nil, err
	}
	f.Cancel()
	return s, nil
}

// Current is the saved session, or nil.
func (f *Flow) Current() (*Session, error) { return LoadSession(f.Store, f.Profile) }

// SignOut removes the session and its key.
func (f *Flow) SignOut() error { return SignOut(f.Store, f.Profile) }
