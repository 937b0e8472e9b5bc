package chain

import (
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
)

// StatusInfo is what `swarmdesk chain status` shows.
type StatusInfo struct {
	Profile    string
	RPCURL     string
	ChainID    int64
	Block      uint64
	Contract   common.Address
	Round      uint64
	Stage      uint64
	StageCount uint64
	ReadOnly   bool
	// Account is zero for a read-only client; Balance and PeerIDs are then empty.
	Account   common.Address
	Balance   *big.Int
	PeerIDs   []string
	Bootnodes []string
	// PendingSubmissions counts outbox entries not yet confirmed.
	PendingSubmissions int
}

// Status gathers the chain and account state in one call for the CLI/UI.
func Status(ctx context.Context, c *Client) (StatusInfo, error) {
	p := c.Profile()
	s := StatusInfo{Profile: p.Name, RPCURL: p.RPCURL, ChainID: p.ChainID, Contract: p.Contract, ReadOnly: c.ReadOnly(), Account: c.Account()}
	var err error
	if s.Block, err = c.ec.BlockNumber(ctx); err != nil {
		return s, fmt.Errorf("status: read block number: %w", err)
	}
	if s.Round, err = c.CurrentRound(ctx); err != nil {
		return s, fmt.Errorf("status: %w", err)
	}
	if s.Stage, err = c.CurrentStage(ctx); err != nil {
		return s, fmt.Errorf("status: %w", err)
	}
	if s.StageCount, err = c.StageCount(ctx); err != nil {
		return s, fmt.Errorf("status: %w", err)
	}
	if s.Bootnodes, err = c.Bootnodes(ctx); err != nil {
		return s, fmt.Errorf("status: %w", err)
	}
	if c.key != nil {
		if s.Balance, err = c.ec.BalanceAt(ctx, s.Account, nil); err != nil {
			return s, fmt.Errorf("status: read balance of %s: %w", s.Account, err)
		}
		if s.PeerIDs, err = c.PeerIDs(ctx, s.Account); err != nil {
			return s, fmt.Errorf("status: %w", err)
		}
	}
	if c.outbox != nil {
		s.PendingSubmissions = len(c.outbox.Entries())
	}
	return s, nil
}
