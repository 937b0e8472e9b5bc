package session

import (
	"errors"

	"github.com/swarmdesk/swarmdesk/app/identity"
	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

// Opening the identity, as the window needs it: what to show, and whether to ask for the key
// store's passphrase. The window never sees the key store itself.

// OpenedIdentity is this computer's identity as the window shows it.
type OpenedIdentity struct {
	ID          *identity.Identity
	KeyLocation string // where the key is kept, in words (the key store's Location)
	Created     bool   // made just now: the first run
}

// WrongPassphrase is LockedError.Prompt after a passphrase that did not open the store.
const WrongPassphrase = "Wrong passphrase. Try again."

// LockedError says the key store (the encrypted file used where no OS keychain is) needs the
// person's passphrase before the identity can be opened: the window asks for it with
// SetPassphrase and tries again.
type LockedError struct {
	// Prompt is the sentence shown above the passphrase field: empty when asked the first
	// time, WrongPassphrase after a wrong one.
	Prompt string
	Err    error
}

func (e *LockedError) Error() string { return e.Err.Error() }
func (e *LockedError) Unwrap() error { return e.Err }

// lockedError turns the key store's passphrase errors into a *LockedError; others pass as they are.
func lockedError(err error) error {
	switch {
	case errors.Is(err, secrets.ErrPassphraseRequired):
		return &LockedError{Err: err}
	case errors.Is(err, secrets.ErrWrongPassphrase):
		return &LockedError{Prompt: WrongPassphrase, Err: err}
	}
	return err
}
