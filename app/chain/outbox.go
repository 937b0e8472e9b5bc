package chain

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/swarmdesk/swarmdesk/platform"
)

// Outbox kinds.
const (
	KindReward  = "reward"
	KindWinners = "winners"
)

// OutboxFile is the file name of the outbox inside its directory.
const OutboxFile = "chain-outbox.json"

// Limits that keep a corrupt or hostile outbox file from exhausting memory.
const (
	maxOutboxBytes   = 8 << 20
	maxOutboxEntries = 10000
	maxPeerIDLen     = 256
	maxWinners       = 256
	maxTxsPerEntry   = 32
	maxUserOpBytes   = 64 << 10
)

// OutboxEntry is one reward or vote that must reach the chain. It is saved
// before the transaction is signed, and every signed version of the
// transaction is saved before it is broadcast, so after a crash the same
// nonce can be resumed instead of sending a duplicate.
type OutboxEntry struct {
	Kind    string          `json:"kind"`
	Round   uint64          `json:"round"`
	Stage   uint64          `json:"stage,omitempty"`
	Reward  string          `json:"reward,omitempty"` // decimal int256
	Winners []string        `json:"winners,omitempty"`
	PeerID  string          `json:"peerId"`
	Txs     []hexutil.Bytes `json:"txs,omitempty"` // raw signed txs, oldest first
	// UserOp is the signed ERC-4337 operation when a Sender (smart account)
	// sends instead of a transaction key; see SetUserOp.
	UserOp  json.RawMessage `json:"userOp,omitempty"`
	Created time.Time       `json:"created"`
}

// ID identifies the entry; there is at most one entry per (kind, round,
// stage, peer), matching the contract's once-only rules.
func (e OutboxEntry) ID() string {
	if e.Kind == KindReward {
		return fmt.Sprintf("%s/%d/%d/%s", e.Kind, e.Round, e.Stage, e.PeerID)
	}
	return fmt.Sprintf("%s/%d/%s", e.Kind, e.Round, e.PeerID)
}

// RewardValue parses Reward.
func (e OutboxEntry) RewardValue() (*big.Int, error) {
	v, ok := new(big.Int).SetString(e.Reward, 10)
	if !ok {
		return nil, fmt.Errorf("outbox entry %s: reward %q is not a decimal integer", e.ID(), e.Reward)
	}
	return v, nil
}

// Transactions decodes the saved transactions.
func (e OutboxEntry) Transactions() ([]*types.Transaction, error) {
	txs := make([]*types.Transaction, 0, len(e.Txs))
	for i, raw := range e.Txs {
		tx := new(types.Transaction)
		if err := tx.UnmarshalBinary(raw); err != nil {
			return nil, fmt.Errorf("outbox entry %s: transaction %d: %w", e.ID(), i, err)
		}
		txs = append(txs, tx)
	}
	return txs, nil
}

func (e OutboxEntry) validate() error {
	switch e.Kind {
	case KindReward:
		if _, err := e.RewardValue(); err != nil {
			return err
		}
	case KindWinners:
		if len(e.Winners) > maxWinners {
			return fmt.Errorf("outbox entry %s: %d winners (max %d)", e.ID(), len(e.Winners), maxWinners)
		}
	default:
		return fmt.Errorf("outbox entry has unknown kind %q", e.Kind)
	}
	if e.PeerID == "" || len(e.PeerID) > maxPeerIDLen {
		return fmt.Errorf("outbox entry %s: peer ID must be 1..%d bytes", e.ID(), maxPeerIDLen)
	}
	if len(e.Txs) > maxTxsPerEntry {
		return fmt.Errorf("outbox entry %s: %d saved transactions (max %d)", e.ID(), len(e.Txs), maxTxsPerEntry)
	}
	if len(e.UserOp) > maxUserOpBytes || (len(e.UserOp) > 0 && !json.Valid(e.UserOp)) {
		return fmt.Errorf("outbox entry %s: saved user operation is not valid JSON of at most %d bytes", e.ID(), maxUserOpBytes)
	}
	_, err := e.Transactions()
	return err
}

type outboxFile struct {
	Version int           `json:"version"`
	Entries []OutboxEntry `json:"entries"`
}

// decodeOutbox parses and validates an outbox file.
func decodeOutbox(data []byte) ([]OutboxEntry, error) {
	if len(data) > maxOutboxBytes {
		return nil, fmt.Errorf("outbox is %d bytes (max %d)", len(data), maxOutboxBytes)
	}
	var f outboxFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("parse outbox: %w", err)
	}
	if f.Version != 1 {
		return nil, fmt.Errorf("outbox version %d is not supported (want 1)", f.Version)
	}
	if len(f.Entries) > maxOutboxEntries {
		return nil, fmt.Errorf("outbox has %d entries (max %d)", len(f.Entries), maxOutboxEntries)
	}
	seen := make(map[string]bool, len(f.Entries))
	for _, e := range f.Entries {
		if err := e.validate(); err != nil {
			return nil, err
		}
		if seen[e.ID()] {
			return nil, fmt.Errorf("outbox entry %s appears twice", e.ID())
		}
		seen[e.ID()] = true
	}
	return f.Entries, nil
}

// Outbox is the on-disk queue of rewards and votes not yet confirmed on
// chain. Every change is written atomically before it takes effect.
type Outbox struct {
	path        string
	mu          sync.Mutex
	entries     map[string]OutboxEntry
	quarantined string
}

// OpenOutbox loads (or creates) the outbox in dir. A corrupt file is moved
// aside to chain-outbox.json.corrupt (see Quarantined) rather than blocking
// the node: the worst outcome is one missed submission.
func OpenOutbox(dir string) (*Outbox, error) {
	o := &Outbox{path: filepath.Join(dir, OutboxFile), entries: map[string]OutboxEntry{}}
	data, err := os.ReadFile(o.path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return o, nil
	case err != nil:
		return nil, fmt.Errorf("read outbox %s: %w", o.path, err)
	}
	entries, err := decodeOutbox(data)
	if err != nil {
		bad, qErr := quarantine(o.path)
		if qErr != nil {
			return nil, fmt.Errorf("outbox %s is corrupt (%v) and could not be moved aside: %w", o.path, err, qErr)
		}
		o.quarantined = bad
		return o, nil
	}
	for _, e := range entries {
		o.entries[e.ID()] = e
	}
	return o, nil
}

// Quarantined returns the path a corrupt outbox was moved to, or "".
func (o *Outbox) Quarantined() string { return o.quarantined }

// Path is the outbox file.
func (o *Outbox) Path() string { return o.path }

// Entries returns the pending entries, oldest first.
func (o *Outbox) Entries() []OutboxEntry {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]OutboxEntry, 0, len(o.entries))
	for _, e := range o.entries {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.Before(out[j].Created)
		}
		return out[i].ID() < out[j].ID()
	})
	return out
}

// Get returns the entry with id.
func (o *Outbox) Get(id string) (OutboxEntry, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	e, ok := o.entries[id]
	return e, ok
}

// Add stores e unless an entry with the same ID exists (then it is kept
// as is, with its saved transactions). It reports whether e was added.
func (o *Outbox) Add(e OutboxEntry) (bool, error) {
	if err := e.validate(); err != nil {
		return false, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.entries[e.ID()]; ok {
		return false, nil
	}
	o.entries[e.ID()] = e
	if err := o.saveLocked(); err != nil {
		delete(o.entries, e.ID())
		return false, err
	}
	return true, nil
}

// AppendTx records a signed transaction for entry id.
func (o *Outbox) AppendTx(id string, tx *types.Transaction) error {
	raw, err := tx.MarshalBinary()
	if err != nil {
		return fmt.Errorf("encode transaction: %w", err)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	e, ok := o.entries[id]
	if !ok {
		return fmt.Errorf("outbox has no entry %s", id)
	}
	old := e.Txs
	e.Txs = append(append([]hexutil.Bytes(nil), old...), raw)
	if len(e.Txs) > maxTxsPerEntry {
		e.Txs = e.Txs[len(e.Txs)-maxTxsPerEntry:]
	}
	o.entries[id] = e
	if err := o.saveLocked(); err != nil {
		e.Txs = old
		o.entries[id] = e
		return err
	}
	return nil
}

// ClearTxs forgets the saved transactions or user operation of id (their
// nonce was consumed).
func (o *Outbox) ClearTxs(id string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	e, ok := o.entries[id]
	if !ok {
		return nil
	}
	e.Txs, e.UserOp = nil, nil
	o.entries[id] = e
	return o.saveLocked()
}

// Remove deletes entry id.
func (o *Outbox) Remove(id string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.entries[id]; !ok {
		return nil
	}
	e := o.entries[id]
	delete(o.entries, id)
	if err := o.saveLocked(); err != nil {
		o.entries[id] = e
		return err
	}
	return nil
}

func (o *Outbox) saveLocked() error {
	f := outboxFile{Version: 1, Entries: make([]OutboxEntry, 0, len(o.entries))}
	for _, e := range o.entries {
		f.Entries = append(f.Entries, e)
	}
	sort.Slice(f.Entries, func(i, j int) bool { return f.Entries[i].ID() < f.Entries[j].ID() })
	data, err := json.MarshalIndent(f, "", " ")
	if err != nil {
		return fmt.Errorf("encode outbox: %w", err)
	}
	if err := platform.WriteFileAtomic(o.path, data, 0o600); err != nil {
		return fmt.Errorf("save outbox: %w", err)
	}
	return nil
}
