package chain

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/swarmdesk/swarmdesk/app/chain/contract"
)

// ReadOnly reports whether writes are refused with ErrReadOnly: a
// read-only profile (Gensyn testnet) until a sign-in supplies a Sender.
func (c *Client) ReadOnly() bool { return c.profile.ReadOnly && c.opts.Sender == nil }

func (c *Client) writable() error {
	if c.opts.Sender != nil {
		return nil
	}
	if c.profile.ReadOnly {
		return ErrReadOnly
	}
	if c.key == nil {
		return ErrNoKey
	}
	return nil
}

func (c *Client) transact(ctx context.Context, data []byte, packErr error, onSigned SignedFunc) (*types.Receipt, error) {
	if packErr != nil {
		return nil, fmt.Errorf("encode call: %w", packErr)
	}
	to := c.profile.Contract
	return c.tm.Transact(ctx, &to, data, nil, onSigned)
}

// SubmitReward records peerID's reward for (round, stage). The submission is
// queued in the outbox first, so if the app stops before it is mined,
// FlushOutbox finishes it later. If the reward is already on chain it
// returns ErrRewardAlreadySubmitted without sending anything. If an earlier
// call for the same round, stage and peer is still queued, that queued
// submission (with its reward) is the one completed.
func (c *Client) SubmitReward(ctx context.Context, round, stage uint64, reward *big.Int, peerID string) error {
	if err := c.writable(); err != nil {
		return err
	}
	if reward == nil {
		reward = new(big.Int)
	}
	e := OutboxEntry{Kind: KindReward, Round: round, Stage: stage, Reward: reward.String(), PeerID: peerID, Created: time.Now().UTC()}
	if err := c.submit(ctx, e, true); err != nil {
		return fmt.Errorf("submit reward for round %d stage %d: %w", round, stage, err)
	}
	return nil
}

// SubmitWinners records peerID's vote for the winners of round. Queued in
// the outbox like SubmitReward; returns ErrWinnerAlreadyVoted if this peer's
// vote for the round is already on chain.
func (c *Client) SubmitWinners(ctx context.Context, round uint64, winners []string, peerID string) error {
	if err := c.writable(); err != nil {
		return err
	}
	e := OutboxEntry{Kind: KindWinners, Round: round, Winners: append([]string(nil), winners...), PeerID: peerID, Created: time.Now().UTC()}
	if err := c.submit(ctx, e, true); err != nil {
		return fmt.Errorf("submit winners for round %d: %w", round, err)
	}
	return nil
}

// FlushOutbox retries every queued submission (call it at start-up and
// periodically). Entries already on chain are dropped without sending;
// entries the contract rejects are dropped and their errors returned.
// It returns how many entries were confirmed or dropped.
func (c *Client) FlushOutbox(ctx context.Context) (int, error) {
	if c.outbox == nil {
		return 0, nil
	}
	if err := c.writable(); err != nil {
		return 0, err
	}
	done := 0
	var errs []error
	for _, e := range c.outbox.Entries() {
		err := c.submit(ctx, e, false)
		if _, still := c.outbox.Get(e.ID()); !still {
			done++
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", e.ID(), err))
		}
	}
	return done, errors.Join(errs...)
}

// submit drives one entry to the chain. fresh is true for a new call from
// the node (then "already on chain" is reported as the contract error) and
// false when resuming from the outbox (then it simply means done).
func (c *Client) submit(ctx context.Context, e OutboxEntry, fresh bool) error {
	if err := e.validate(); err != nil {
		return err
	}
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	id := e.ID()

	if c.outbox != nil {
		if _, err := c.outbox.Add(e); err != nil {
			return err
		}
		e, _ = c.outbox.Get(id) // may carry transactions saved before a crash
	}
	forget := func() error {
		if c.outbox == nil {
			return nil
		}
		return c.outbox.Remove(id)
	}

	onChain, err := c.isOnChain(ctx, e)
	if err != nil {
		return err
	}
	if onChain && len(e.Txs) == 0 && len(e.UserOp) == 0 {
		if err := forget(); err != nil {
			return err
		}
		if fresh {
			if e.Kind == KindReward {
				return ErrRewardAlreadySubmitted
			}
			return ErrWinnerAlreadyVoted
		}
		return nil
	}

	if c.opts.Sender != nil {
		return c.submitOp(ctx, e, forget)
	}

	var onSigned SignedFunc
	if c.outbox != nil {
		onSigned = func(tx *types.Transaction) error { return c.outbox.AppendTx(id, tx) }
	}

	if len(e.Txs) > 0 {
		txs, err := e.Transactions()
		if err != nil {
			return err
		}
		_, err = c.tm.Resume(ctx, txs, onSigned)
		if again, err := c.afterResume(ctx, e, err, forget); !again {
			return err
		}
	} else if onChain {
		return forget()
	}

	data, err := c.pack(e)
	if err != nil {
		_ = forget()
		return err
	}
	_, err = c.transact(ctx, data, nil, onSigned)
	if err == nil {
		return forget()
	}
	return c.settle(err, forget)
}

// settle drops an entry the contract rejected (retrying cannot help) and
// keeps it for transient failures (network, context, stuck transaction).
func (c *Client) settle(err error, forget func() error) error {
	var ce *ContractError
	if errors.As(err, &ce) {
		if fErr := forget(); fErr != nil {
			return errors.Join(err, fErr)
		}
	}
	return err
}

func (c *Client) pack(e OutboxEntry) ([]byte, error) {
	round := new(big.Int).SetUint64(e.Round)
	switch e.Kind {
	case KindReward:
		reward, err := e.RewardValue()
		if err != nil {
			return nil, err
		}
		// PackSubmitReward0 is the int256 overload (selector 0x5194e15f),
		// the one rl-swarm nodes call.
		return c.coord.TryPackSubmitReward0(round, new(big.Int).SetUint64(e.Stage), reward, e.PeerID)
	case KindWinners:
		return c.coord.TryPackSubmitWinners(round, e.Winners, e.PeerID)
	}
	return nil, fmt.Errorf("unknown outbox kind %q", e.Kind)
}

// isOnChain asks the contract whether the entry's effect already happened.
func (c *Client) isOnChain(ctx context.Context, e OutboxEntry) (bool, error) {
	return c.claimDone(ctx, e)
}

// AdvanceRound moves the coordinator to the next stage/round. Only the stage
// manager (the dev-chain host) may call it; others get ErrOnlyStageManager.
func (c *Client) AdvanceRound(ctx context.Context) (round, stage uint64, err error) {
	if err := c.writable(); err != nil {
		return 0, 0, err
	}
	d, err := c.coord.TryPackUpdateStageAndRound()
	if _, err := c.transact(ctx, d, err, nil); err != nil {
		return 0, 0, fmt.Errorf("advance round: %w", err)
	}
	if round, err = c.CurrentRound(ctx); err != nil {
		return 0, 0, err
	}
	if stage, err = c.CurrentStage(ctx); err != nil {
		return 0, 0, err
	}
	return round, stage, nil
}

// AddBootnodes publishes multiaddrs (bootnode manager only).
func (c *Client) AddBootnodes(ctx context.Context, addrs []string) error {
	if err := c.writable(); err != nil {
		return err
	}
	d, err := c.coord.TryPackAddBootnodes(addrs)
	if _, err := c.transact(ctx, d, err, nil); err != nil {
		return fmt.Errorf("add bootnodes: %w", err)
	}
	return nil
}

// Transfer sends value wei to another account (the dev-chain faucet).
func (c *Client) Transfer(ctx context.Context, to common.Address, value *big.Int) (*types.Receipt, error) {
	if err := c.writable(); err != nil {
		return nil, err
	}
	r, err := c.tm.Transact(ctx, &to, nil, value, nil)
	if err != nil {
		return nil, fmt.Errorf("transfer %s wei to %s: %w", value, to, err)
	}
	return r, nil
}

// Deploy deploys a SwarmCoordinator whose owner, stage manager and bootnode
// manager is the key's account. It returns the address and the receipt
// (whose block number is a good Options.StartBlock).
func Deploy(ctx context.Context, ec *ethclient.Client, key *ecdsa.PrivateKey, cfg TxConfig) (common.Address, *types.Receipt, error) {
	id, err := ec.ChainID(ctx)
	if err != nil {
		return common.Address{}, nil, fmt.Errorf("deploy: read chain id: %w", err)
	}
	tm := NewTxManager(ec, key, id, cfg)
	coord := contract.NewSwarmCoordinator()
	args, err := coord.GetABI().Pack("", tm.From())
	if err != nil {
		return common.Address{}, nil, fmt.Errorf("deploy: encode constructor: %w", err)
	}
	code := common.FromHex(contract.SwarmCoordinatorMetaData.Bin)
	if len(code) == 0 {
		return common.Address{}, nil, errors.New("deploy: the embedded contract bytecode is empty; regenerate with app/chain/contract/compile.sh")
	}
	r, err := tm.Transact(ctx, nil, append(code, args...), nil, nil)
	if err != nil {
		return common.Address{}, nil, fmt.Errorf("deploy coordinator: %w", err)
	}
	return r.ContractAddress, r, nil
}
