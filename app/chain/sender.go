package chain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
)

// Sender sends the coordinator calls of an account whose key is not an
// ordinary transaction key: an ERC-4337 smart account whose session key
// signs UserOperations (app/userop). Options.Sender selects it; the Client's
// API is the same either way, and the outbox keeps each signed operation
// before it leaves the process so a crash neither loses nor repeats it.
type Sender interface {
	// Account is the address the coordinator sees as msg.sender.
	Account() common.Address
	// Send builds, signs and submits a call of data to to, calls save with
	// the signed operation before submitting it, and waits until it is on
	// chain. A revert comes back as a ContractError.
	Send(ctx context.Context, to common.Address, data []byte, save func(op []byte) error) error
	// Resume finishes an operation saved by Send before a restart: it waits
	// for it or submits it again (the same signed operation, so it can land
	// at most once). ErrNonceConsumed means it can no longer land.
	Resume(ctx context.Context, op []byte) error
}

// ErrSignInNeeded is what a Sender returns when the sign-in behind it has
// ended; the submission stays in the outbox until the user signs in again.
var ErrSignInNeeded = errors.New("your sign-in has expired: sign in again (swarmdesk login, or Sign in in the window); training goes on and submissions wait in the outbox until then")

// DecodeRevert names the coordinator error in revert data (a ContractError,
// a RevertError, or nil when data is empty), for senders that get revert
// data from somewhere other than this client (a UserOperation receipt).
func DecodeRevert(data []byte) error { return decodeRevert(data) }

// SetUserOp records the signed user operation of entry id.
func (o *Outbox) SetUserOp(id string, op []byte) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	e, ok := o.entries[id]
	if !ok {
		return fmt.Errorf("outbox has no entry %s", id)
	}
	old := e.UserOp
	e.UserOp = append(json.RawMessage(nil), op...)
	if err := e.validate(); err != nil {
		return err
	}
	o.entries[id] = e
	if err := o.saveLocked(); err != nil {
		e.UserOp = old
		o.entries[id] = e
		return err
	}
	return nil
}

// submitOp is submit's second half for a Sender: resume a saved operation,
// or build, save and send a new one. The caller holds writeMu and has
// checked that the entry is not on chain yet (or has a saved operation).
func (c *Client) submitOp(ctx context.Context, e OutboxEntry, forget func() error) error {
	id := e.ID()
	if len(e.UserOp) > 0 {
		err := c.opts.Sender.Resume(ctx, e.UserOp)
		if again, err := c.afterResume(ctx, e, err, forget); !again {
			return err
		}
	}
	data, err := c.pack(e)
	if err != nil {
		_ = forget()
		return err
	}
	var save func([]byte) error
	if c.outbox != nil {
		save = func(op []byte) error { return c.outbox.SetUserOp(id, op) }
	}
	if err := c.opts.Sender.Send(ctx, c.profile.Contract, data, save); err != nil {
		return c.settle(err, forget)
	}
	return forget()
}

// afterResume settles the outcome of resuming an entry's saved send (its
// transactions or user operation): done, failed, or — when something else
// used the nonce — cleared, with the chain deciding whether to send again.
func (c *Client) afterResume(ctx context.Context, e OutboxEntry, err error, forget func() error) (sendAgain bool, _ error) {
	switch {
	case err == nil:
		return false, forget()
	case errors.Is(err, ErrNonceConsumed):
		if err := c.outbox.ClearTxs(e.ID()); err != nil {
			return false, err
		}
		onChain, err := c.isOnChain(ctx, e)
		if err != nil {
			return false, err
		}
		if onChain {
			return false, forget()
		}
		return true, nil
	default:
		return false, c.settle(err, forget)
	}
}
