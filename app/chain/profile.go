package chain

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/ethereum/go-ethereum/common"
)

// Profile says which chain and coordinator contract the node talks to. The
// app config is mapped onto it by the caller; this package only needs the
// resolved values.
type Profile struct {
	// Name is "local", "custom" or "gensyn-testnet".
	Name string
	// RPCURL is the JSON-RPC endpoint. Empty for "local" until the embedded
	// dev chain is started (see devchain.Chain.Profile).
	RPCURL string
	// ChainID guards against signing for the wrong network.
	ChainID int64
	// Contract is the SwarmCoordinator address.
	Contract common.Address
	// ReadOnly profiles refuse writes with ErrReadOnly before signing anything.
	ReadOnly bool
}

// Profile names.
const (
	ProfileLocal         = "local"
	ProfileCustom        = "custom"
	ProfileGensynTestnet = "gensyn-testnet"
)

// Gensyn testnet constants (rl-swarm CodeZero era, run_rl_swarm.sh@9c95410).
const (
	GensynTestnetChainID = 685685
	GensynTestnetRPC     = "https://gensyn-testnet.g.alchemy.com/public"
)

// GensynTestnetCoordinator is the SwarmCoordinator proxy used by the latest
// rl-swarm era (CodeZero).
var GensynTestnetCoordinator = common.HexToAddress("0x7745a8FE4b8D2D2c3BB103F8dCae822746F35Da0")

// LocalChainID is the chain id of the embedded dev chain.
const LocalChainID = 1337

// ProfileByName returns a built-in profile. "local" comes back without an
// RPC URL and contract address: the embedded dev chain fills them in when it
// starts. "custom" has no built-in values; use CustomProfile.
func ProfileByName(name string) (Profile, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", ProfileLocal:
		return Profile{Name: ProfileLocal, ChainID: LocalChainID}, nil
	case ProfileGensynTestnet:
		return Profile{
			Name:     ProfileGensynTestnet,
			RPCURL:   GensynTestnetRPC,
			ChainID:  GensynTestnetChainID,
			Contract: GensynTestnetCoordinator,
			// Writes on Gensyn need a smart-account sign-in (ERC-4337), which
			// is a later issue; reads work with the public endpoint.
			ReadOnly: true,
		}, nil
	case ProfileCustom:
		return Profile{}, fmt.Errorf("profile %q needs an RPC URL, chain id and contract address: use CustomProfile or set them in the config", name)
	default:
		return Profile{}, fmt.Errorf("unknown network profile %q: choose local, custom or gensyn-testnet", name)
	}
}

// CustomProfile validates the values of a user-configured network.
func CustomProfile(rpcURL string, chainID int64, contract string) (Profile, error) {
	u, err := url.Parse(rpcURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" {
		return Profile{}, fmt.Errorf("custom profile: RPC URL %q must be an http(s):// or ws(s):// URL", rpcURL)
	}
	if chainID <= 0 {
		return Profile{}, fmt.Errorf("custom profile: chain id %d must be positive", chainID)
	}
	if !common.IsHexAddress(contract) {
		return Profile{}, fmt.Errorf("custom profile: contract %q is not a 0x-prefixed 20-byte hex address", contract)
	}
	addr := common.HexToAddress(contract)
	if addr == (common.Address{}) {
		return Profile{}, fmt.Errorf("custom profile: contract address must not be zero")
	}
	return Profile{Name: ProfileCustom, RPCURL: rpcURL, ChainID: chainID, Contract: addr}, nil
}
