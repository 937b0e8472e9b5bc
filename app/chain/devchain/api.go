package devchain

import (
	"context"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/swarmdesk/swarmdesk/app/chain"
)

// Info is returned by the swarmdesk_info JSON-RPC method so another process
// can build its "local" profile from just the RPC URL.
type Info struct {
	ChainID     hexutil.Uint64 `json:"chainId"`
	Coordinator common.Address `json:"coordinator"`
	DeployBlock hexutil.Uint64 `json:"deployBlock"`
	Host        common.Address `json:"host"`
	FaucetWei   *hexutil.Big   `json:"faucetWei"`
	// Genesis identifies the chain (see Identity); DataDir is where it keeps its data, so a
	// process that finds someone else's chain on its port can say whose it is.
	Genesis common.Hash `json:"genesis"`
	DataDir string      `json:"dataDir,omitempty"`
}

// api is the "swarmdesk" JSON-RPC namespace of the dev chain.
type api struct{ c *Chain }

// Info implements swarmdesk_info.
func (a *api) Info() Info {
	return Info{
		ChainID:     chain.LocalChainID,
		Coordinator: a.c.deployed.Contract,
		DeployBlock: hexutil.Uint64(a.c.deployed.Block),
		Host:        a.c.HostAddress(),
		FaucetWei:   (*hexutil.Big)(a.c.cfg.FaucetAmount),
		Genesis:     a.c.Genesis(),
		DataDir:     a.c.cfg.DataDir,
	}
}

// Faucet implements swarmdesk_faucet: fund an account so it can pay gas.
func (a *api) Faucet(ctx context.Context, addr common.Address) (common.Hash, error) {
	if a.c.host == nil {
		return common.Hash{}, errClosed
	}
	return a.c.Fund(ctx, addr)
}

// Discover asks a dev chain at rpcURL for its coordinator and returns the
// matching "local" profile and the deploy block (for chain.Options.StartBlock).
func Discover(ctx context.Context, rpcURL string) (chain.Profile, uint64, error) {
	info, err := Probe(ctx, rpcURL)
	if err != nil {
		return chain.Profile{}, 0, err
	}
	return ProfileOf(rpcURL, info)
}

// ProfileOf is the "local" profile of the chain that answered info at rpcURL, and its deploy
// block.
func ProfileOf(rpcURL string, info Info) (chain.Profile, uint64, error) {
	return chain.Profile{Name: chain.ProfileLocal, RPCURL: rpcURL, ChainID: int64(info.ChainID), Contract: info.Coordinator}, uint64(info.DeployBlock), nil
}

// RequestFunds asks the dev chain's faucet at rpcURL to fund addr. It
// returns the zero hash when the account already had enough.
func RequestFunds(ctx context.Context, rpcURL string, addr common.Address) (common.Hash, error) {
	rc, err := rpc.DialContext(ctx, rpcURL)
	if err != nil {
		return common.Hash{}, fmt.Errorf("connect to local chain %s: %w", rpcURL, err)
	}
	defer rc.Close()
	var h common.Hash
	if err := rc.CallContext(ctx, &h, "swarmdesk_faucet", addr); err != nil {
		return common.Hash{}, fmt.Errorf("request funds for %s from %s: %w", addr, rpcURL, err)
	}
	return h, nil
}
