// Package identity is who a node is: its libp2p peer key (rl-swarm's swarm.pem, which gives the
// peer ID and the three-word name) and its on-chain account key. Both live only in the secret
// store, together in one item, so a crash can never leave half an identity behind.
package identity

import (
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/ethereum/go-ethereum/common"
	ethcrypto "github.com/ethereum/go-ethereum/crypto"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/swarmdesk/swarmdesk/platform"
	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

// SecretKey is the secret-store item that holds the identity.
const SecretKey = "identity"

// ErrNoIdentity means the store holds no identity yet.
var ErrNoIdentity = errors.New("no identity yet")

// ErrExists guards against replacing an identity by accident: its peer ID and rewards would be lost.
var ErrExists = errors.New("an identity already exists")

// Identity is a node's keys and what derives from them.
type Identity struct {
	Key     crypto.PrivKey    // libp2p peer key (swarm.pem)
	PeerID  peer.ID           // derived from Key
	Account *ecdsa.PrivateKey // secp256k1 key of the on-chain account
	Created time.Time
	raw     []byte // Key exactly as imported, so export gives back the same file
}

// Name is the three-word name of the peer.
func (id *Identity) Name() string { return Name(id.PeerID.String()) }

// Address is the on-chain account address.
func (id *Identity) Address() common.Address { return ethcrypto.PubkeyToAddress(id.Account.PublicKey) }

// SwarmPEM is the peer key in swarm.pem format.
func (id *Identity) SwarmPEM() []byte { return append([]byte(nil), id.raw...) }

// record is the stored form. Versioned so the format can grow.
type record struct {
	Version    int       `json:"version"`
	SwarmPEM   []byte    `json:"swarm_pem"`
	AccountKey string    `json:"account_key"`
	Created    time.Time `json:"created"`
}

func (id *Identity) encode() ([]byte, error) {
	return json.Marshal(record{Version: 1, SwarmPEM: id.raw,
		AccountKey: hex.EncodeToString(ethcrypto.FromECDSA(id.Account)), Created: id.Created.UTC()})
}

func decode(b []byte) (*Identity, error) {
	var r record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("stored identity is damaged: %w", err)
	}
	if r.Version != 1 {
		return nil, fmt.Errorf("stored identity has version %d; update swarmdesk", r.Version)
	}
	return assemble(r.SwarmPEM, r.AccountKey, r.Created)
}

func assemble(pem []byte, accountHex string, created time.Time) (*Identity, error) {
	k, err := ParseSwarmPEM(pem)
	if err != nil {
		return nil, fmt.Errorf("stored peer key: %w", err)
	}
	pid, err := PeerIDOf(k)
	if err != nil {
		return nil, err
	}
	raw, err := hex.DecodeString(accountHex)
	if err != nil {
		return nil, fmt.Errorf("stored account key is damaged: %w", err)
	}
	acct, err := ethcrypto.ToECDSA(raw)
	if err != nil {
		return nil, fmt.Errorf("stored account key is damaged: %w", err)
	}
	return &Identity{Key: k, PeerID: pid, Account: acct, Created: created, raw: pem}, nil
}

// New makes a fresh identity (not yet stored).
func New() (*Identity, error) {
	k, err := NewSwarmKey()
	if err != nil {
		return nil, err
	}
	return fromKey(k, nil)
}

// FromKeys builds an identity around known keys (not yet stored). Tests and screenshots use it so
// that what the window prints, the name above all, is the same on every run.
func FromKeys(k crypto.PrivKey, acct *ecdsa.PrivateKey) (*Identity, error) {
	if acct == nil {
		return nil, errors.New("identity from keys: no account key")
	}
	return fromKey(k, acct)
}

// fromKey builds an identity around a peer key, keeping acct when given (importing a swarm.pem
// must not change the on-chain account that already holds the node's funds).
func fromKey(k crypto.PrivKey, acct *ecdsa.PrivateKey) (*Identity, error) {
	raw, err := MarshalSwarmPEM(k)
	if err != nil {
		return nil, err
	}
	pid, err := PeerIDOf(k)
	if err != nil {
		return nil, err
	}
	if acct == nil {
		if acct, err = ethcrypto.GenerateKey(); err != nil {
			return nil, fmt.Errorf("generate account key: %w", err)
		}
	}
	return &Identity{Key: k, PeerID: pid, Account: acct, Created: time.Now().UTC(), raw: raw}, nil
}

// Load reads the identity from the store.
func Load(s secrets.Store) (*Identity, error) {
	b, err := s.Get(SecretKey)
	if errors.Is(err, secrets.ErrNotFound) {
		return nil, ErrNoIdentity
	}
	if err != nil {
		return nil, fmt.Errorf("read identity from %s: %w", s.Location(), err)
	}
	id, err := decode(b)
	if err != nil {
		return nil, fmt.Errorf("identity in %s: %w", s.Location(), err)
	}
	return id, nil
}

// LoadOrCreate returns the stored identity, creating and storing one on first run.
func LoadOrCreate(s secrets.Store) (id *Identity, created bool, err error) {
	id, err = Load(s)
	if !errors.Is(err, ErrNoIdentity) {
		return id, false, err
	}
	if id, err = New(); err != nil {
		return nil, false, err
	}
	if err := save(s, id); err != nil {
		return nil, false, err
	}
	return id, true, nil
}

func save(s secrets.Store, id *Identity) error {
	b, err := id.encode()
	if err != nil {
		return fmt.Errorf("encode identity: %w", err)
	}
	if err := s.Set(SecretKey, b); err != nil {
		return fmt.Errorf("save identity to %s: %w", s.Location(), err)
	}
	return nil
}

// Import makes the peer key in pem (a swarm.pem from rl-swarm) this node's identity. The file is
// checked completely before anything is written. An existing identity is replaced only when
// replace is set; its account key is kept.
func Import(s secrets.Store, pem []byte, replace bool) (*Identity, error) {
	k, err := ParseSwarmPEM(pem)
	if err != nil {
		return nil, err
	}
	old, err := Load(s)
	switch {
	case err == nil && !replace:
		if old.PeerID == mustPeerID(k) {
			return old, nil // importing the same key again changes nothing
		}
		return nil, fmt.Errorf("%w (%s, %s): its rewards would be lost: run `swarmdesk identity export old.pem` first, then import with --replace", ErrExists, old.Name(), old.PeerID)
	case err != nil && !errors.Is(err, ErrNoIdentity):
		return nil, err
	}
	var acct *ecdsa.PrivateKey
	if old != nil {
		acct = old.Account
	}
	id, err := fromKey(k, acct)
	if err != nil {
		return nil, err
	}
	id.raw = append([]byte(nil), pem...)
	if err := save(s, id); err != nil {
		return nil, err
	}
	return id, nil
}

func mustPeerID(k crypto.PrivKey) peer.ID {
	id, _ := peer.IDFromPrivateKey(k)
	return id
}

// ImportFile is Import for a file path.
func ImportFile(s secrets.Store, path string, replace bool) (*Identity, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", path, err)
	}
	if fi.Size() > maxSwarmPEM {
		return nil, fmt.Errorf("import %s: %w: %d bytes is far larger than a peer key", path, ErrForeignKey, fi.Size())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", path, err)
	}
	id, err := Import(s, b, replace)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", path, err)
	}
	return id, nil
}

// Export writes the peer key to path in swarm.pem format, readable only by the user. An existing
// file is replaced only when overwrite is set.
func Export(id *Identity, path string, overwrite bool) error {
	if _, err := os.Lstat(path); err == nil && !overwrite {
		return fmt.Errorf("export to %s: the file exists (choose another name or pass --force)", path)
	}
	if err := platform.WriteFileAtomic(path, id.raw, 0o600); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// Reset deletes the identity. The peer ID and everything earned with it are gone unless the user
// exported swarm.pem first; callers ask for confirmation.
func Reset(s secrets.Store) error {
	if err := s.Delete(SecretKey); err != nil {
		return fmt.Errorf("delete identity from %s: %w", s.Location(), err)
	}
	return nil
}
