package devchain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/swarmdesk/swarmdesk/platform"
)

// Identity says which chain a data directory holds and where it last served JSON-RPC. Every
// local chain has its own genesis (the host's pre-funded account is in it), so the genesis hash
// tells this computer's chains apart: another swarmdesk's data folder, or a test run's, may
// serve a dev chain on the same port, and a process must not join it by mistake (issue 18:
// an unknown "roaring placid wolf" on a lone host's leaderboard was a test run's node).
type Identity struct {
	Genesis common.Hash `json:"genesis"`
	RPCURL  string      `json:"rpcUrl,omitempty"`
}

const identityFile = "identity.json"

// ReadIdentity returns the identity recorded in a chain data directory. An error means this
// directory never ran a chain (or the record is damaged): no running chain is then its own.
func ReadIdentity(dataDir string) (Identity, error) {
	var id Identity
	data, err := os.ReadFile(filepath.Join(dataDir, identityFile))
	if err != nil {
		return id, fmt.Errorf("read the local chain's identity: %w", err)
	}
	if len(data) > 4096 {
		return id, errors.New("the local chain's identity record is too large")
	}
	if err := json.Unmarshal(data, &id); err != nil {
		return id, fmt.Errorf("parse the local chain's identity record: %w", err)
	}
	if id.Genesis == (common.Hash{}) {
		return id, errors.New("the local chain's identity record has no genesis hash")
	}
	return id, nil
}

func writeIdentity(dataDir string, id Identity) error {
	if dataDir == "" {
		return nil
	}
	data, err := json.MarshalIndent(id, "", " ")
	if err != nil {
		return fmt.Errorf("encode the local chain's identity: %w", err)
	}
	return platform.WriteFileAtomic(filepath.Join(dataDir, identityFile), data, 0o600)
}

// Probe asks whatever serves rpcURL for its swarmdesk_info (an error: no swarmdesk dev chain
// answers there).
func Probe(ctx context.Context, rpcURL string) (Info, error) {
	rc, err := rpc.DialContext(ctx, rpcURL)
	if err != nil {
		return Info{}, fmt.Errorf("connect to local chain %s: %w", rpcURL, err)
	}
	defer rc.Close()
	var info Info
	if err := rc.CallContext(ctx, &info, "swarmdesk_info"); err != nil {
		return Info{}, fmt.Errorf("ask %s for the local coordinator (is it a swarmdesk dev chain?): %w", rpcURL, err)
	}
	return info, nil
}
