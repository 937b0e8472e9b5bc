package userop

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// Account is a smart account kind: how its address and creation code are
// derived, how a call is wrapped, and how the session key signs for it.
type Account interface {
	// Address is the account's (counterfactual) address.
	Address(ctx context.Context, call Caller) (common.Address, error)
	// InitCode is the factory and its call data that create the account.
	InitCode() (factory common.Address, data []byte, err error)
	// Execute wraps a call to target as the account's callData.
	Execute(target common.Address, value *big.Int, data []byte) ([]byte, error)
	// DummySignature has the real signature's shape, for gas estimation.
	DummySignature(plain bool) []byte
	// Sign signs an operation hash with the session key; plain is false
	// for an operation that must carry more than the signature (the
	// account's first, with a deferred action): by default while the
	// account is not deployed, or as a NonceChooser says.
	Sign(userOpHash common.Hash, plain bool) ([]byte, error)
}

// Caller runs a read-only call (eth_call) on the chain.
type Caller func(ctx context.Context, to common.Address, data []byte) ([]byte, error)

func mustABI(s string) abi.ABI {
	a, err := abi.JSON(strings.NewReader(s))
	if err != nil {
		panic(err)
	}
	return a
}

var simpleABI = mustABI(`[
{"type":"function","name":"createAccount","stateMutability":"nonpayable","inputs":[{"name":"owner","type":"address"},{"name":"salt","type":"uint256"}],"outputs":[{"name":"ret","type":"address"}]},
{"type":"function","name":"getAddress","stateMutability":"view","inputs":[{"name":"owner","type":"address"},{"name":"salt","type":"uint256"}],"outputs":[{"name":"","type":"address"}]},
{"type":"function","name":"execute","stateMutability":"nonpayable","inputs":[{"name":"dest","type":"address"},{"name":"value","type":"uint256"},{"name":"func","type":"bytes"}],"outputs":[]}
]`)

// SimpleAccount is eth-infinitism's SimpleAccount v0.7 (from
// @account-abstraction/contracts@0.7.0), owned directly by the key. It is
// the account of local and invite swarms that want smart-account writes, and
// of the dev-chain end-to-end test.
type SimpleAccount struct {
	Factory common.Address
	Owner   *ecdsa.PrivateKey
	Salt    *big.Int
}

func (a *SimpleAccount) owner() common.Address { return crypto.PubkeyToAddress(a.Owner.PublicKey) }

// Address asks the factory (getAddress is a view over CREATE2).
func (a *SimpleAccount) Address(ctx context.Context, call Caller) (common.Address, error) {
	d, err := simpleABI.Pack("getAddress", a.owner(), or0(a.Salt))
	if err != nil {
		return common.Address{}, err
	}
	out, err := call(ctx, a.Factory, d)
	if err != nil {
		return common.Address{}, fmt.Errorf("account address from factory %s: %w", a.Factory, err)
	}
	v, err := simpleABI.Unpack("getAddress", out)
	if err != nil || len(v) != 1 {
		return common.Address{}, fmt.Errorf("account address from factory %s: bad answer (is it a SimpleAccountFactory?)", a.Factory)
	}
	return v[0].(common.Address), nil
}

// InitCode is createAccount(owner, salt) on the factory.
func (a *SimpleAccount) InitCode() (common.Address, []byte, error) {
	d, err := simpleABI.Pack("createAccount", a.owner(), or0(a.Salt))
	return a.Factory, d, err
}

// Execute is execute(dest, value, func).
func (a *SimpleAccount) Execute(target common.Address, value *big.Int, data []byte) ([]byte, error) {
	return simpleABI.Pack("execute", target, or0(value), data)
}

// DummySignature is a 65-byte ECDSA-shaped placeholder.
func (a *SimpleAccount) DummySignature(bool) []byte {
	return common.FromHex("0xfffffffffffffffffffffffffffffff0000000000000000000000000000000007aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1c")
}

// Sign signs the EIP-191 personal-message hash of userOpHash, which
// SimpleAccount recovers (v 27/28).
func (a *SimpleAccount) Sign(h common.Hash, _ bool) ([]byte, error) {
	sig, err := crypto.Sign(accounts.TextHash(h.Bytes()), a.Owner)
	if err != nil {
		return nil, fmt.Errorf("sign user operation: %w", err)
	}
	sig[64] += 27
	return sig, nil
}
