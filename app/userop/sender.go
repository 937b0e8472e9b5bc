package userop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/swarmdesk/swarmdesk/app/chain"
)

var entryPointABI = mustABI(`[
{"type":"function","name":"getNonce","stateMutability":"view","inputs":[{"name":"sender","type":"address"},{"name":"key","type":"uint192"}],"outputs":[{"name":"nonce","type":"uint256"}]}
]`)

// Sender sends coordinator calls as UserOperations of one smart account. It
// implements chain.Sender.
type Sender struct {
	Eth        *ethclient.Client
	Bundler    *Bundler
	EntryPoint common.Address
	ChainID    *big.Int
	Smart      Account
	// PolicyID is the gas manager policy that sponsors gas; empty means
	// the account pays (eth_estimateUserOperationGas and node fees).
	PolicyID string
	// Expires is when the session key's permission ends; zero means never.
	// Past it, Send refuses with chain.ErrSignInNeeded before signing.
	Expires time.Time
	// Poll is how often receipts are polled. Default 500ms.
	Poll time.Duration

	addr common.Address
}

// NewSender resolves the account address once.
func NewSender(ctx context.Context, s Sender) (*Sender, error) {
	out := s
	if out.EntryPoint == (common.Address{}) {
		out.EntryPoint = EntryPointV07
	}
	if out.Poll <= 0 {
		out.Poll = 500 * time.Millisecond
	}
	if out.ChainID == nil {
		id, err := s.Eth.ChainID(ctx)
		if err != nil {
			return nil, fmt.Errorf("read chain id: %w", err)
		}
		out.ChainID = id
	}
	a, err := out.Smart.Address(ctx, out.call)
	if err != nil {
		return nil, err
	}
	out.addr = a
	return &out, nil
}

var _ chain.Sender = (*Sender)(nil)

// Account is the smart account's address.
func (s *Sender) Account() common.Address { return s.addr }

func (s *Sender) call(ctx context.Context, to common.Address, data []byte) ([]byte, error) {
	return s.Eth.CallContract(ctx, ethereum.CallMsg{To: &to, Data: data}, nil)
}

// NonceChooser is an account that picks its own EntryPoint nonce key (a
// Modular Account V2's keys name the validation that checks the
// operation); first is true when the operation must carry what only the
// first one carries (a deferred action).
type NonceChooser interface {
	NextNonce(ctx context.Context, read func(ctx context.Context, key *big.Int) (*big.Int, error)) (nonce *big.Int, first bool, err error)
}

// Nonce is the account's next EntryPoint nonce (key 0).
func (s *Sender) Nonce(ctx context.Context) (*big.Int, error) { return s.NonceAt(ctx, new(big.Int)) }

// NonceAt is the account's next EntryPoint nonce for key.
func (s *Sender) NonceAt(ctx context.Context, key *big.Int) (*big.Int, error) {
	d, err := entryPointABI.Pack("getNonce", s.addr, key)
	if err != nil {
		return nil, err
	}
	out, err := s.call(ctx, s.EntryPoint, d)
	if err != nil {
		return nil, fmt.Errorf("read account nonce from EntryPoint %s: %w", s.EntryPoint, err)
	}
	v, err := entryPointABI.Unpack("getNonce", out)
	if err != nil || len(v) != 1 {
		return nil, fmt.Errorf("read account nonce: EntryPoint %s gave a bad answer (is it EntryPoint v0.7?)", s.EntryPoint)
	}
	return v[0].(*big.Int), nil
}

// Build makes a signed operation calling target with data.
func (s *Sender) Build(ctx context.Context, target common.Address, data []byte) (*Op, error) {
	if !s.Expires.IsZero() && time.Now().After(s.Expires) {
		return nil, chain.ErrSignInNeeded
	}
	code, err := s.Eth.CodeAt(ctx, s.addr, nil)
	if err != nil {
		return nil, fmt.Errorf("read smart account code: %w", err)
	}
	deployed := len(code) > 0
	// plain: the signature needs nothing only a first operation carries.
	plain := deployed
	var nonce *big.Int
	if nc, ok := s.Smart.(NonceChooser); ok {
		var first bool
		nonce, first, err = nc.NextNonce(ctx, s.NonceAt)
		plain = !first
	} else {
		nonce, err = s.Nonce(ctx)
	}
	if err != nil {
		return nil, err
	}
	cd, err := s.Smart.Execute(target, nil, data)
	if err != nil {
		return nil, fmt.Errorf("encode account call: %w", err)
	}
	op := &Op{Sender: s.addr, Nonce: nonce, CallData: cd, Signature: s.Smart.DummySignature(plain)}
	if !deployed {
		if op.Factory, op.FactoryData, err = s.Smart.InitCode(); err != nil {
			return nil, fmt.Errorf("account init code: %w", err)
		}
	}
	if err := s.gas(ctx, op); err != nil {
		return nil, err
	}
	h, err := op.Hash(s.EntryPoint, s.ChainID)
	if err != nil {
		return nil, err
	}
	if op.Signature, err = s.Smart.Sign(h, plain); err != nil {
		return nil, err
	}
	return op, nil
}

func (s *Sender) gas(ctx context.Context, op *Op) error {
	if s.PolicyID != "" {
		return s.Bundler.GasAndPaymaster(ctx, s.PolicyID, s.EntryPoint, op)
	}
	tip, err := s.Eth.SuggestGasTipCap(ctx)
	if err != nil {
		return fmt.Errorf("suggest gas tip: %w", err)
	}
	head, err := s.Eth.HeaderByNumber(ctx, nil)
	if err != nil {
		return fmt.Errorf("read latest header: %w", err)
	}
	base := head.BaseFee
	if base == nil {
		base = new(big.Int)
	}
	op.MaxPriorityFeePerGas = tip
	op.MaxFeePerGas = new(big.Int).Add(new(big.Int).Mul(base, big.NewInt(2)), tip)
	return s.Bundler.EstimateGas(ctx, s.EntryPoint, op)
}

// Send implements chain.Sender.
func (s *Sender) Send(ctx context.Context, to common.Address, data []byte, save func([]byte) error) error {
	op, err := s.Build(ctx, to, data)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(op)
	if err != nil {
		return err
	}
	if save != nil {
		if err := save(raw); err != nil {
			return fmt.Errorf("save user operation before sending: %w", err)
		}
	}
	return s.submit(ctx, op)
}

// Resume implements chain.Sender.
func (s *Sender) Resume(ctx context.Context, raw []byte) error {
	var op Op
	if err := json.Unmarshal(raw, &op); err != nil {
		return fmt.Errorf("saved user operation: %w", err)
	}
	if op.Sender != s.addr {
		return fmt.Errorf("saved user operation is from account %s, not the signed-in %s: %w", op.Sender, s.addr, chain.ErrNonceConsumed)
	}
	h, err := op.Hash(s.EntryPoint, s.ChainID)
	if err != nil {
		return err
	}
	if r, err := s.Bundler.Receipt(ctx, h); err != nil {
		return err
	} else if r != nil {
		return s.result(r)
	}
	next, err := s.NonceAt(ctx, new(big.Int).Rsh(or0(op.Nonce), 64))
	if err != nil {
		return err
	}
	if next.Cmp(op.Nonce) > 0 {
		return chain.ErrNonceConsumed
	}
	return s.submit(ctx, &op)
}

// submit hands op to the bundler (again, if it already has it) and waits
// for its receipt.
func (s *Sender) submit(ctx context.Context, op *Op) error {
	h, err := op.Hash(s.EntryPoint, s.ChainID)
	if err != nil {
		return err
	}
	if got, err := s.Bundler.Send(ctx, op, s.EntryPoint); err != nil {
		if !alreadyKnown(err) {
			var oe *OpError
			if errors.As(err, &oe) && oe.Code == "AA25" {
				return fmt.Errorf("%w: %v", chain.ErrNonceConsumed, err)
			}
			return err
		}
	} else if got != h {
		return fmt.Errorf("the bundler computed hash %s for the operation, but swarmdesk computed %s: is the bundler using EntryPoint %s on chain %s?", got, h, s.EntryPoint, s.ChainID)
	}
	t := time.NewTicker(s.Poll)
	defer t.Stop()
	for {
		r, err := s.Bundler.Receipt(ctx, h)
		if err != nil {
			return err
		}
		if r != nil {
			return s.result(r)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for user operation %s: %w", h, ctx.Err())
		case <-t.C:
		}
	}
}

func alreadyKnown(err error) bool {
	m := strings.ToLower(err.Error())
	return strings.Contains(m, "already known") || strings.Contains(m, "already in mempool") || strings.Contains(m, "duplicate")
}

// result turns a receipt into nil or the coordinator's named error.
func (s *Sender) result(r *Receipt) error {
	if r.Success {
		return nil
	}
	if err := chain.DecodeRevert(r.Reason); err != nil {
		return fmt.Errorf("user operation %s reverted: %w", r.UserOpHash, err)
	}
	return fmt.Errorf("user operation %s reverted in transaction %s without a reason", r.UserOpHash, r.Receipt.TransactionHash)
}
