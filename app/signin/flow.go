package signin

import (
	"context"
	"errors"
	"sync"

	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

// Flow is one network's sign-in as a screen drives it: email, then code,
// then a saved Session; or sign out. Safe for concurrent use.
type Flow struct {
	Client  *Client
	Store   secrets.Store
	Profile string

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
