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
	// ReadOnly profiles refuse writes with ErrReadOnly before signing
	// anything, until a sign-in supplies a Sender (Options.Sender).
	ReadOnly bool
	// SignIn is what the smart-account sign-in needs on this network; the
	// zero value where the plain account key writes (local and invite
	// swarms). A value, not a pointer, so profiles stay comparable.
	SignIn SignIn
}

// SignIn holds a network's sign-in and ERC-4337 settings.
type SignIn struct {
	SignerURL      string         // Alchemy signer API base (…/signer)
	APIKey         string         // public Alchemy API key (bearer token)
	PolicyID       string         // gas manager policy that sponsors gas
	BundlerURL     string         // ERC-4337 bundler JSON-RPC
	AccountFactory common.Address // Modular Account V2 factory
	EntryPoint     common.Address // EntryPoint v0.7
}

// Needed reports whether the network writes through a signed-in smart
// account.
func (s SignIn) Needed() bool { return s.SignerURL != "" }

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

// Gensyn testnet sign-in values, as rl-swarm publishes them
// (modal-login/.env: the public Alchemy key and the paymaster policy) and as
// Account Kit deploys them (Modular Account V2 AccountFactory 2.0.0, the
// canonical EntryPoint v0.7).
const (
	GensynSignerURL = "https://api.g.alchemy.com/signer"
	GensynAPIKey    = "RL2EtY6LXx2XCLPV3JZriJAB9mnELa2U"
	GensynPolicyID  = "4c37387c-2a55-4edd-b188-b5c44eb71e96"
)

// GensynSignIn is gensyn-testnet's sign-in profile.
func GensynSignIn() SignIn {
	return SignIn{
		SignerURL:      GensynSignerURL,
		APIKey:         GensynAPIKey,
		PolicyID:       GensynPolicyID,
		BundlerURL:     "https://gensyn-testnet.g.alchemy.com/v2/" + GensynAPIKey,
		AccountFactory: common.HexToAddress("0x00000000000017c61b5bEe81050EC8eFc9c6fecd"),
		EntryPoint:     common.HexToAddress("0x0000000071727De22E5E9d8BAf0edAc6f37da032"),
	}
}

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
			// Writes on Gensyn go through the user's smart account, so they
			// wait for a sign-in; reads work with the public endpoint.
			ReadOnly: true,
			SignIn:   GensynSignIn(),
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
