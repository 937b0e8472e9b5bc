package devchain

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/swarmdesk/swarmdesk/platform"
	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

// deployment records where the coordinator lives so a restart reuses it.
type deployment struct {
	Contract common.Address `json:"contract"`
	Block    uint64         `json:"block"`
}

func decodeDeployment(data []byte) (deployment, error) {
	var d deployment
	if len(data) > 4096 {
		return d, errors.New("deployment record is too large")
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return d, fmt.Errorf("parse deployment record: %w", err)
	}
	if d.Contract == (common.Address{}) {
		return d, errors.New("deployment record has no contract address")
	}
	return d, nil
}

// readDeployment returns the recorded deployment; a missing or unreadable
// record just means "deploy again".
func readDeployment(dataDir string) (deployment, bool) {
	if dataDir == "" {
		return deployment{}, false
	}
	data, err := os.ReadFile(filepath.Join(dataDir, deployFile))
	if err != nil {
		return deployment{}, false
	}
	d, err := decodeDeployment(data)
	return d, err == nil
}

func writeDeployment(dataDir string, d deployment) error {
	if dataDir == "" {
		return nil
	}
	data, err := json.MarshalIndent(d, "", " ")
	if err != nil {
		return fmt.Errorf("encode deployment record: %w", err)
	}
	return platform.WriteFileAtomic(filepath.Join(dataDir, deployFile), data, 0o600)
}

// loadOrCreateKey returns the host key stored in dataDir, creating it on
// first start. The key must persist: it owns the coordinator (round manager
// role) and the pre-funded faucet account of the stored genesis.
// hostSecretName is the secret-store name of the host key of the chain in dataDir: the OS
// keychain is shared by every data folder of the user, and each chain has its own owner.
func hostSecretName(dataDir string) string {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		abs = dataDir
	}
	sum := sha256.Sum256([]byte(abs))
	return "devchain-host-key-" + hex.EncodeToString(sum[:8])
}

// loadOrCreateKeyIn is loadOrCreateKey with the key kept in the secret store: an existing
// plain host.key is moved into the store (see secrets.LoadOrMigrate), a new key is created in
// the store only while dataDir holds no chain.
func loadOrCreateKeyIn(s secrets.Store, dataDir string) (*ecdsa.PrivateKey, error) {
	if dataDir == "" {
		return loadOrCreateKey("")
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create dev chain data dir %s: %w", dataDir, err)
	}
	name, path := hostSecretName(dataDir), filepath.Join(dataDir, hostKeyFile)
	parse := func(b []byte) (*ecdsa.PrivateKey, error) { return crypto.HexToECDSA(strings.TrimSpace(string(b))) }
	data, _, err := secrets.LoadOrMigrate(s, name, path, func(b []byte) error { _, err := parse(b); return err })
	switch {
	case err == nil:
		k, err := parse(data)
		if err != nil {
			return nil, fmt.Errorf("the dev chain host key in %s is damaged (%v): delete the whole data dir %s to start a new local chain", s.Location(), err, dataDir)
		}
		return k, nil
	case !errors.Is(err, secrets.ErrNotFound):
		return nil, fmt.Errorf("dev chain host key: %w", err)
	}
	if hasChainData(dataDir) {
		return nil, fmt.Errorf("dev chain data dir %s has a chain but its host key is neither in %s nor in %s: unlock the key store it was kept in, or delete the data dir to start a new local chain", dataDir, s.Location(), path)
	}
	k, err := crypto.GenerateKey()
	if err != nil {
		return nil, fmt.Errorf("generate dev chain host key: %w", err)
	}
	if err := s.Set(name, []byte(common.Bytes2Hex(crypto.FromECDSA(k)))); err != nil {
		return nil, fmt.Errorf("save the dev chain host key in %s: %w", s.Location(), err)
	}
	return k, nil
}

func loadOrCreateKey(dataDir string) (*ecdsa.PrivateKey, error) {
	if dataDir == "" {
		k, err := crypto.GenerateKey()
		if err != nil {
			return nil, fmt.Errorf("generate dev chain host key: %w", err)
		}
		return k, nil
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create dev chain data dir %s: %w", dataDir, err)
	}
	path := filepath.Join(dataDir, hostKeyFile)
	data, err := os.ReadFile(path)
	if err == nil {
		k, err := crypto.HexToECDSA(strings.TrimSpace(string(data)))
		if err != nil {
			return nil, fmt.Errorf("dev chain host key %s is corrupt (%v): restore it from a backup, or delete the whole data dir %s to start a new local chain", path, err, dataDir)
		}
		return k, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read dev chain host key %s: %w", path, err)
	}
	if hasChainData(dataDir) {
		return nil, fmt.Errorf("dev chain data dir %s has a chain but no %s: restore the key, or delete the data dir to start a new local chain", dataDir, hostKeyFile)
	}
	k, err := crypto.GenerateKey()
	if err != nil {
		return nil, fmt.Errorf("generate dev chain host key: %w", err)
	}
	if err := os.WriteFile(path, []byte(common.Bytes2Hex(crypto.FromECDSA(k))+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("write dev chain host key %s: %w", path, err)
	}
	return k, nil
}
