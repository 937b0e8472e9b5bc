package identity

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/swarmdesk/swarmdesk/platform"
)

// PublicFile is the name of the public card in the data folder.
const PublicFile = "identity-public.json"

// Public is the part of an identity anyone may read: the peer ID, its name and the account
// address, with where the keys are kept. It is kept beside the secret store as a plain file
// so that `identity show` and the unlock screen can say which node this is without the
// passphrase; it holds no key and nothing derived from one that is not already public.
type Public struct {
	Name    string    `json:"name"`
	PeerID  string    `json:"peer_id"`
	Account string    `json:"account"`
	KeysIn  string    `json:"keys_in"`
	Created time.Time `json:"created"`
}

// Public is id's public card; keysIn says where its keys are kept.
func (id *Identity) Public(keysIn string) Public {
	return Public{Name: id.Name(), PeerID: id.PeerID.String(), Account: id.Address().Hex(),
		KeysIn: keysIn, Created: id.Created}
}

// SavePublic writes the card to path, replacing it whole (platform.WriteFileAtomic), and
// leaves the file alone when it already says the same.
func SavePublic(path string, p Public) error {
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("encode the public identity: %w", err)
	}
	data = append(data, '\n')
	if old, err := os.ReadFile(path); err == nil && string(old) == string(data) {
		return nil
	}
	if err := platform.WriteFileAtomic(path, data, 0o644); err != nil {
		return fmt.Errorf("save the public identity: %w", err)
	}
	return nil
}

// ErrNoPublic means no public card was saved yet (no identity was ever unlocked here).
var ErrNoPublic = errors.New("no public identity saved yet")

// LoadPublic reads the card at path. A card that does not parse or lacks the peer ID is an
// error, not an empty identity.
func LoadPublic(path string) (Public, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return Public{}, ErrNoPublic
	}
	if err != nil {
		return Public{}, fmt.Errorf("read %s: %w", path, err)
	}
	var p Public
	if err := json.Unmarshal(data, &p); err != nil {
		return Public{}, fmt.Errorf("read %s: %w", path, err)
	}
	if p.PeerID == "" || Name(p.PeerID) != p.Name {
		return Public{}, fmt.Errorf("read %s: the peer ID and name do not match; it is rewritten the next time the keys are unlocked", path)
	}
	return p, nil
}

// RemovePublic deletes the card (identity reset); a missing card is fine.
func RemovePublic(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	return nil
}
