package chain

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
)

// TxConfig tunes the transaction manager. Zero values take the defaults
// noted on each field.
type TxConfig struct {
	// GasMarginPercent is added on top of the gas estimate, because state can
	// change between estimation and inclusion. Default 25.
	GasMarginPercent int
	// StuckAfter is how long a transaction may stay unmined before it is
	// replaced with higher fees. Default 45s.
	StuckAfter time.Duration
	// MaxReplacements caps fee bumps per transaction. Default 4.
	MaxReplacements int
	// FeeBumpPercent raises tip and fee cap on each replacement; geth's
	// txpool needs at least 10. Default 20.
	FeeBumpPercent int
	// PollInterval is how often receipts are polled. Default 500ms.
	PollInterval time.Duration
}

func (c TxConfig) withDefaults() TxConfig {
	if c.GasMarginPercent <= 0 {
		c.GasMarginPercent = 25
	}
	if c.StuckAfter <= 0 {
		c.StuckAfter = 45 * time.Second
	}
	if c.MaxReplacements <= 0 {
		c.MaxReplacements = 4
	}
	if c.FeeBumpPercent < 10 {
		c.FeeBumpPercent = 20
	}
	if c.PollInterval <= 0 {
		c.PollInterval = 500 * time.Millisecond
	}
	return c
}

// ErrNonceConsumed means a saved transaction can no longer be mined because
// its nonce was used by another transaction of the same account.
var ErrNonceConsumed = errors.New("the saved transaction's nonce was used by another transaction; it will be rebuilt and sent again")

// ErrStuck means a transaction was still unmined after every fee bump.
var ErrStuck = errors.New("the transaction was not mined after several fee increases; the network may be congested or the account out of funds — it stays queued and will be retried")

// TxManager signs and sends transactions for one account: it tracks the
// nonce locally (so back-to-back sends do not collide), estimates gas, waits
// for receipts and replaces a stuck transaction with bumped fees. Safe for
// concurrent use; sends are serialized so nonces stay in order.
type TxManager struct {
	ec      *ethclient.Client
	key     *ecdsa.PrivateKey
	from    common.Address
	chainID *big.Int
	signer  types.Signer
	cfg     TxConfig

	mu      sync.Mutex // guards nonce; held while signing and broadcasting
	nonce   uint64
	nonceOK bool
}

// NewTxManager returns a manager that signs with key for chainID.
func NewTxManager(ec *ethclient.Client, key *ecdsa.PrivateKey, chainID *big.Int, cfg TxConfig) *TxManager {
	return &TxManager{
		ec:      ec,
		key:     key,
		from:    crypto.PubkeyToAddress(key.PublicKey),
		chainID: new(big.Int).Set(chainID),
		signer:  types.LatestSignerForChainID(chainID),
		cfg:     cfg.withDefaults(),
	}
}

// From is the sending account.
func (m *TxManager) From() common.Address { return m.from }

// SignedFunc is called with every signed transaction before it is broadcast
// (the first one and each replacement), so the caller can persist it; a
// returned error aborts the send.
type SignedFunc func(tx *types.Transaction) error

// Transact estimates gas, signs a dynamic-fee transaction calling to with
// data, broadcasts it and waits for its receipt, replacing it with higher
// fees if it gets stuck. A revert at estimation or in the mined receipt comes
// back as a named contract error (see ContractError).
func (m *TxManager) Transact(ctx context.Context, to *common.Address, data []byte, value *big.Int, onSigned SignedFunc) (*types.Receipt, error) {
	if value == nil {
		value = new(big.Int)
	}
	tx, err := m.signAndSend(ctx, to, data, value, onSigned)
	if err != nil {
		return nil, ctxErr(ctx, err)
	}
	r, err := m.wait(ctx, []*types.Transaction{tx}, onSigned)
	return r, ctxErr(ctx, err)
}

// ctxErr makes a failure caused by the caller's deadline or cancellation
// match errors.Is(err, context.DeadlineExceeded/Canceled) even when the
// transport reported it differently (e.g. "i/o timeout").
func ctxErr(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	cause := ctx.Err()
	if d, ok := ctx.Deadline(); ok && cause == nil && !time.Now().Before(d) {
		cause = context.DeadlineExceeded // the transport noticed first
	}
	if cause == nil || errors.Is(err, cause) {
		return err
	}
	return fmt.Errorf("%w: %v", cause, err)
}

// Resume continues waiting for transactions saved before a crash (all with
// the same nonce, oldest first). It returns the receipt of whichever was
// mined; rebroadcasts the newest if none was; and returns ErrNonceConsumed if
// the nonce was used by something else, after which the caller should check
// the contract state and build a new transaction.
func (m *TxManager) Resume(ctx context.Context, txs []*types.Transaction, onSigned SignedFunc) (*types.Receipt, error) {
	r, err := m.resume(ctx, txs, onSigned)
	return r, ctxErr(ctx, err)
}

func (m *TxManager) resume(ctx context.Context, txs []*types.Transaction, onSigned SignedFunc) (*types.Receipt, error) {
	if len(txs) == 0 {
		return nil, errors.New("resume: no saved transactions")
	}
	if r, err := m.findReceipt(ctx, txs); err != nil || r != nil {
		return m.checkReceipt(ctx, r, txs[len(txs)-1], err)
	}
	latest, err := m.ec.NonceAt(ctx, m.from, nil)
	if err != nil {
		return nil, fmt.Errorf("read nonce of %s: %w", m.from, err)
	}
	last := txs[len(txs)-1]
	if latest > last.Nonce() {
		// The nonce is used but none of our hashes has a receipt.
		return nil, ErrNonceConsumed
	}
	if err := m.ec.SendTransaction(ctx, last); err != nil && !isKnownTxErr(err) {
		if isNonceTooLow(err) {
			return nil, ErrNonceConsumed
		}
		return nil, fmt.Errorf("rebroadcast %s: %w", last.Hash(), err)
	}
	return m.wait(ctx, txs, onSigned)
}

func (m *TxManager) signAndSend(ctx context.Context, to *common.Address, data []byte, value *big.Int, onSigned SignedFunc) (*types.Transaction, error) {
	gas, err := m.ec.EstimateGas(ctx, ethereum.CallMsg{From: m.from, To: to, Data: data, Value: value})
	if err != nil {
		return nil, asContractError(err)
	}
	gas += gas * uint64(m.cfg.GasMarginPercent) / 100
	tip, feeCap, err := m.fees(ctx)
	if err != nil {
		return nil, err
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	pending, err := m.ec.PendingNonceAt(ctx, m.from)
	if err != nil {
		return nil, fmt.Errorf("read pending nonce of %s: %w", m.from, err)
	}
	if !m.nonceOK || pending > m.nonce {
		m.nonce, m.nonceOK = pending, true
	}
	tx, err := m.sign(&types.DynamicFeeTx{
		ChainID: m.chainID, Nonce: m.nonce, GasTipCap: tip, GasFeeCap: feeCap,
		Gas: gas, To: to, Value: value, Data: data,
	})
	if err != nil {
		return nil, err
	}
	if onSigned != nil {
		if err := onSigned(tx); err != nil {
			return nil, fmt.Errorf("save transaction before sending: %w", err)
		}
	}
	if err := m.ec.SendTransaction(ctx, tx); err != nil && !isKnownTxErr(err) {
		if isNonceTooLow(err) {
			m.nonceOK = false
		}
		return nil, fmt.Errorf("send transaction: %w", asContractError(err))
	}
	m.nonce++
	return tx, nil
}

func (m *TxManager) sign(inner *types.DynamicFeeTx) (*types.Transaction, error) {
	tx, err := types.SignNewTx(m.key, m.signer, inner)
	if err != nil {
		return nil, fmt.Errorf("sign transaction: %w", err)
	}
	return tx, nil
}

// fees returns an EIP-1559 tip and fee cap: the node's suggested tip, and a
// cap of twice the current base fee plus the tip, which survives several
// full blocks of base-fee growth.
func (m *TxManager) fees(ctx context.Context) (tip, feeCap *big.Int, err error) {
	tip, err = m.ec.SuggestGasTipCap(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("suggest gas tip: %w", err)
	}
	head, err := m.ec.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("read latest header: %w", err)
	}
	base := head.BaseFee
	if base == nil {
		base = new(big.Int)
	}
	feeCap = new(big.Int).Add(new(big.Int).Mul(base, big.NewInt(2)), tip)
	return tip, feeCap, nil
}

// wait polls receipts for every sent version of one nonce and replaces the
// newest with bumped fees whenever it has been pending for StuckAfter.
func (m *TxManager) wait(ctx context.Context, txs []*types.Transaction, onSigned SignedFunc) (*types.Receipt, error) {
	lastSent := time.Now()
	replacements := 0
	ticker := time.NewTicker(m.cfg.PollInterval)
	defer ticker.Stop()
	var lastErr error
	for {
		r, err := m.findReceipt(ctx, txs)
		switch {
		case r != nil:
			return m.checkReceipt(ctx, r, txs[len(txs)-1], nil)
		case err != nil:
			// A failed poll (network blip) is not a failed transaction:
			// keep polling until the caller gives up.
			lastErr = err
		}
		if time.Since(lastSent) >= m.cfg.StuckAfter {
			if replacements >= m.cfg.MaxReplacements {
				return nil, fmt.Errorf("transaction %s: %w", txs[len(txs)-1].Hash(), ErrStuck)
			}
			next, err := m.replace(ctx, txs[len(txs)-1], onSigned)
			if err != nil && !errors.Is(err, errUnderpriced) {
				return nil, err
			}
			if next != nil {
				txs = append(txs, next)
			}
			replacements++
			lastSent = time.Now()
		}
		select {
		case <-ctx.Done():
			if lastErr != nil {
				return nil, fmt.Errorf("wait for transaction %s: %w (last poll: %v)", txs[len(txs)-1].Hash(), ctx.Err(), lastErr)
			}
			return nil, fmt.Errorf("wait for transaction %s: %w", txs[len(txs)-1].Hash(), ctx.Err())
		case <-ticker.C:
		}
	}
}

var errUnderpriced = errors.New("replacement underpriced")

// replace re-signs old with the same nonce and fees raised by FeeBumpPercent
// (and at least to the current market), then broadcasts it.
func (m *TxManager) replace(ctx context.Context, old *types.Transaction, onSigned SignedFunc) (*types.Transaction, error) {
	bump := func(v *big.Int) *big.Int {
		b := new(big.Int).Div(new(big.Int).Mul(v, big.NewInt(int64(100+m.cfg.FeeBumpPercent))), big.NewInt(100))
		// Tiny dev-chain fees round down to no increase; the pool wants more.
		if minB := new(big.Int).Add(v, big.NewInt(1)); b.Cmp(minB) < 0 {
			b = minB
		}
		return b
	}
	tip, feeCap := bump(old.GasTipCap()), bump(old.GasFeeCap())
	if tip.Sign() == 0 {
		tip = big.NewInt(1)
	}
	if mTip, mCap, err := m.fees(ctx); err == nil {
		if mTip.Cmp(tip) > 0 {
			tip = mTip
		}
		if mCap.Cmp(feeCap) > 0 {
			feeCap = mCap
		}
	}
	if feeCap.Cmp(tip) < 0 {
		feeCap = new(big.Int).Set(tip)
	}
	tx, err := m.sign(&types.DynamicFeeTx{
		ChainID: m.chainID, Nonce: old.Nonce(), GasTipCap: tip, GasFeeCap: feeCap,
		Gas: old.Gas(), To: old.To(), Value: old.Value(), Data: old.Data(),
	})
	if err != nil {
		return nil, err
	}
	if onSigned != nil {
		if err := onSigned(tx); err != nil {
			return nil, fmt.Errorf("save replacement transaction: %w", err)
		}
	}
	if err := m.ec.SendTransaction(ctx, tx); err != nil && !isKnownTxErr(err) {
		msg := strings.ToLower(err.Error())
		switch {
		case strings.Contains(msg, "underpriced"):
			return tx, errUnderpriced
		case isNonceTooLow(err):
			// One of the earlier versions was mined meanwhile; the next
			// receipt poll finds it.
			return tx, nil
		}
		return nil, fmt.Errorf("send replacement for %s: %w", old.Hash(), err)
	}
	return tx, nil
}

func (m *TxManager) findReceipt(ctx context.Context, txs []*types.Transaction) (*types.Receipt, error) {
	for i := len(txs) - 1; i >= 0; i-- {
		r, err := m.ec.TransactionReceipt(ctx, txs[i].Hash())
		if err == nil {
			return r, nil
		}
		if !errors.Is(err, ethereum.NotFound) && !isIndexing(err) {
			return nil, fmt.Errorf("read receipt of %s: %w", txs[i].Hash(), err)
		}
	}
	return nil, nil
}

// checkReceipt turns a failed receipt into the contract error that caused
// it, by replaying the call on the parent block.
func (m *TxManager) checkReceipt(ctx context.Context, r *types.Receipt, tx *types.Transaction, err error) (*types.Receipt, error) {
	if err != nil {
		return nil, err
	}
	if r.Status == types.ReceiptStatusSuccessful {
		// A receipt can be served a moment before its block becomes the
		// head that eth_call reads; wait so the caller's next read sees
		// its own write.
		if err := m.waitHead(ctx, r.BlockNumber); err != nil {
			return nil, err
		}
		return r, nil
	}
	msg := ethereum.CallMsg{From: m.from, To: tx.To(), Data: tx.Data(), Value: tx.Value(), Gas: tx.Gas()}
	// Replay on the parent block first; if an earlier transaction in the
	// same block caused the revert, the state after the block shows it.
	for _, at := range []*big.Int{new(big.Int).Sub(r.BlockNumber, big.NewInt(1)), r.BlockNumber} {
		if _, callErr := m.ec.CallContract(ctx, msg, at); callErr != nil {
			if ce := asContractError(callErr); ce != callErr {
				return r, fmt.Errorf("transaction %s reverted: %w", r.TxHash, ce)
			}
		}
	}
	return r, fmt.Errorf("transaction %s reverted in block %s (gas used %d of %d)", r.TxHash, r.BlockNumber, r.GasUsed, tx.Gas())
}

func (m *TxManager) waitHead(ctx context.Context, n *big.Int) error {
	for {
		head, err := m.ec.HeaderByNumber(ctx, nil)
		if err != nil {
			return fmt.Errorf("read latest header: %w", err)
		}
		if head.Number.Cmp(n) >= 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for block %s: %w", n, ctx.Err())
		case <-time.After(m.cfg.PollInterval):
		}
	}
}

func isKnownTxErr(err error) bool {
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "already known") || strings.Contains(msg, "known transaction")
}

// isIndexing matches geth's answer while its transaction index catches up
// (right after start-up); the receipt simply is not available yet.
func isIndexing(err error) bool {
	return strings.Contains(err.Error(), "indexing is in progress")
}

func isNonceTooLow(err error) bool {
	return strings.Contains(strings.ToLower(err.Error()), "nonce too low")
}
