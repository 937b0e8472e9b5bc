package userop

import (
	"context"
	"crypto/ecdsa"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// Alchemy's Modular Account V2 deployment (the same addresses on every chain
// Account Kit supports, Gensyn testnet included; aa-sdk
// @account-kit/smart-contracts ma-v2/utils.js and modules/utils.js).
var (
	MAv2Factory             = common.HexToAddress("0x00000000000017c61b5bEe81050EC8eFc9c6fecd")
	MAv2SemiModularBytecode = common.HexToAddress("0x000000000000c5A9089039570Dd36455b5C07383")
	MAv2SingleSignerModule  = common.HexToAddress("0x00000000000099DE0BF6fA90dEB851E2A2df7d83")
	MAv2TimeRangeModule     = common.HexToAddress("0x00000000000082B8e2012be914dFA4f62A0573eA")
)

var mav2ABI = mustABI(`[
{"type":"function","name":"createSemiModularAccount","stateMutability":"nonpayable","inputs":[{"name":"owner","type":"address"},{"name":"salt","type":"uint256"}],"outputs":[{"name":"","type":"address"}]},
{"type":"function","name":"execute","stateMutability":"payable","inputs":[{"name":"target","type":"address"},{"name":"value","type":"uint256"},{"name":"data","type":"bytes"}],"outputs":[{"name":"","type":"bytes"}]},
{"type":"function","name":"installValidation","stateMutability":"nonpayable","inputs":[{"name":"validationConfig","type":"bytes25"},{"name":"selectors","type":"bytes4[]"},{"name":"installData","type":"bytes"},{"name":"hooks","type":"bytes[]"}],"outputs":[]}
]`)

// MAv2Address is the counterfactual address of the semi-modular account
// the factory creates for owner and salt: CREATE2 from the factory, salted
// with keccak(owner ‖ salt ‖ uint32 max), over the ERC-1967 proxy that
// carries the owner as an immutable argument (aa-sdk's
// predictModularAccountV2Address, type "SMA").
func MAv2Address(factory, implementation, owner common.Address, salt *big.Int) common.Address {
	var s [32]byte
	or0(salt).FillBytes(s[:])
	combined := crypto.Keccak256(owner.Bytes(), s[:], []byte{0xff, 0xff, 0xff, 0xff})
	init := append(common.FromHex("0x6100513d8160233d3973"), implementation.Bytes()...)
	init = append(init, common.FromHex("0x60095155f3363d3d373d3d363d7f360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc545af43d6000803e6038573d6000fd5b3d6000f3")...)
	init = append(init, owner.Bytes()...)
	return crypto.CreateAddress2(factory, common.BytesToHash(combined), crypto.Keccak256(init))
}

// DeferredInstall is the session key's ROOT validation installed by a
// deferred action: the owner signs it once (EIP-712 DeferredAction on the
// account), and the first UserOperation carries it, so deploying the
// account and installing the session key happen in that operation.
type DeferredInstall struct {
	ChainID  *big.Int
	Account  common.Address
	Session  common.Address // the session key's address (the validation's signer)
	EntityID uint32         // the validation's entity id (1 on a fresh account)
	// Nonce is the EntryPoint nonce the deferred action uses: key
	// (entity<<8 | deferred 2 | global 1), sequence 0 on a fresh account.
	Nonce *big.Int
	// Deadline is when the session key stops working, in Unix SECONDS
	// (the time-range hook's validUntil and the deferred action's deadline).
	Deadline uint64
}

// DeferredNonce is the nonce a fresh account's deferred action for entity
// uses (buildFullNonceKey with isDeferredAction and global validation,
// sequence 0).
func DeferredNonce(entity uint32) *big.Int {
	key := new(big.Int).Lsh(big.NewInt(int64(entity)), 8)
	key.Or(key, big.NewInt(3))
	return key.Lsh(key, 64)
}

// NonceKey is the EntryPoint nonce key of ordinary (not deferred)
// operations validated by entity with global validation.
func NonceKey(entity uint32) *big.Int {
	return new(big.Int).Or(new(big.Int).Lsh(big.NewInt(int64(entity)), 8), big.NewInt(1))
}

const maxUint48 = 1<<48 - 1

func (d *DeferredInstall) check() error {
	if d.EntityID == 0 || d.EntityID >= 1<<31-1 {
		return fmt.Errorf("deferred action: entity id %d must be between 1 and 2^31-2 (0 is the owner's)", d.EntityID)
	}
	if d.Deadline == 0 || d.Deadline > maxUint48 {
		return fmt.Errorf("deferred action: deadline %d must be a Unix time in seconds", d.Deadline)
	}
	if d.ChainID == nil || d.Nonce == nil {
		return errors.New("deferred action: chain id and nonce are required")
	}
	return nil
}

// InstallCall is installValidation(...) for the session key: the single
// signer validation module with user-operation and global flags, no
// selectors, the module's install data (entity, signer), and a time-range
// validation hook ending at the deadline.
func (d *DeferredInstall) InstallCall() ([]byte, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	eid := make([]byte, 4)
	binary.BigEndian.PutUint32(eid, d.EntityID)
	var cfg [25]byte
	copy(cfg[:], MAv2SingleSignerModule.Bytes())
	copy(cfg[20:], eid)
	cfg[24] = 1 | 4 // user-op validation | global
	installData := make([]byte, 64)
	copy(installData[28:32], eid)
	copy(installData[44:], d.Session.Bytes())
	hook := append(append(MAv2TimeRangeModule.Bytes(), eid...), 1) // validation hook, no pre/post
	rangeData := make([]byte, 96)
	copy(rangeData[28:32], eid)
	binary.BigEndian.PutUint64(rangeData[56:64], d.Deadline) // validUntil; validAfter 0
	hook = append(hook, rangeData...)
	return mav2ABI.Pack("installValidation", cfg, [][4]byte{}, installData, [][]byte{hook})
}

// Digest is the EIP-712 hash the owner signs: DeferredAction(uint256 nonce,
// uint48 deadline, bytes call) in the domain {chainId, verifyingContract:
// the account}.
func (d *DeferredInstall) Digest() (common.Hash, error) {
	call, err := d.InstallCall()
	if err != nil {
		return common.Hash{}, err
	}
	word := func(v *big.Int) []byte { return common.LeftPadBytes(v.Bytes(), 32) }
	domain := crypto.Keccak256(crypto.Keccak256([]byte("EIP712Domain(uint256 chainId,address verifyingContract)")),
		word(d.ChainID), common.LeftPadBytes(d.Account.Bytes(), 32))
	msg := crypto.Keccak256(crypto.Keccak256([]byte("DeferredAction(uint256 nonce,uint48 deadline,bytes call)")),
		word(d.Nonce), word(new(big.Int).SetUint64(d.Deadline)), crypto.Keccak256(call))
	return crypto.Keccak256Hash([]byte{0x19, 0x01}, domain, msg), nil
}

// Encode is the signed deferred action as aa-sdk's buildDeferredActionDigest
// writes it: 0x00 (no execution hooks) ‖ nonce ‖ uint32 length ‖
// (uint168 validation locator ‖ uint48 deadline ‖ call) ‖ uint32 length ‖
// (0x00 EOA ‖ ownerSig); the locator names the owner's validation, the
// nonce key the session key's entity. ownerSig is the owner's 65-byte signature of
// Digest (v 27/28).
func (d *DeferredInstall) Encode(ownerSig []byte) ([]byte, error) {
	if len(ownerSig) != 65 {
		return nil, fmt.Errorf("deferred action: the owner's signature has %d bytes, want 65", len(ownerSig))
	}
	call, err := d.InstallCall()
	if err != nil {
		return nil, err
	}
	// uint168 validation locator of the validation that checks the owner's
	// signature (the owner's fallback validation: entity 0, global) ‖
	// uint48 deadline ‖ call.
	body := make([]byte, 27, 27+len(call))
	body[20] = 1
	var dl [8]byte
	binary.BigEndian.PutUint64(dl[:], d.Deadline)
	copy(body[21:27], dl[2:])
	body = append(body, call...)
	sig := append([]byte{0x00}, ownerSig...)
	out := []byte{0x00}
	out = append(out, common.LeftPadBytes(d.Nonce.Bytes(), 32)...)
	out = binary.BigEndian.AppendUint32(out, uint32(len(body)))
	out = append(out, body...)
	out = binary.BigEndian.AppendUint32(out, uint32(len(sig)))
	return append(out, sig...), nil
}

// DeferredAction is a decoded signed deferred action.
type DeferredAction struct {
	Nonce    *big.Int
	EntityID uint32
	Global   bool
	// Data is what the first operation's signature starts with (everything
	// after the leading flag byte and the nonce).
	Data []byte
}

// ParseDeferredAction reads Encode's output (aa-sdk's parseDeferredAction).
func ParseDeferredAction(b []byte) (DeferredAction, error) {
	if len(b) < 1+32+4 || b[0] > 1 {
		return DeferredAction{}, errors.New("stored deferred action is damaged; sign out and sign in again")
	}
	if b[0] == 1 {
		return DeferredAction{}, errors.New("stored deferred action asks for execution hooks, which swarmdesk does not install; sign out and sign in again")
	}
	n := new(big.Int).SetBytes(b[1:33])
	return DeferredAction{Nonce: n, EntityID: binary.BigEndian.Uint32(b[1+19 : 1+23]), Global: b[1+23]&1 == 1, Data: b[33:]}, nil
}

// MAv2 is the user's Modular Account V2 (semi-modular, owned by the user's
// signer) acting through a session key whose ROOT validation the deferred
// action installs. It implements Account and NonceChooser.
type MAv2 struct {
	Factory        common.Address // zero: MAv2Factory
	Implementation common.Address // zero: MAv2SemiModularBytecode
	Owner          common.Address // the user's signer
	Salt           *big.Int
	Session        *ecdsa.PrivateKey
	// Deferred is the owner-signed deferred action (Encode's output); the
	// operation that uses its nonce carries it.
	Deferred []byte
}

func (a *MAv2) factory() common.Address {
	if a.Factory == (common.Address{}) {
		return MAv2Factory
	}
	return a.Factory
}

func (a *MAv2) implementation() common.Address {
	if a.Implementation == (common.Address{}) {
		return MAv2SemiModularBytecode
	}
	return a.Implementation
}

// Address is the counterfactual address (no chain read needed).
func (a *MAv2) Address(context.Context, Caller) (common.Address, error) {
	return MAv2Address(a.factory(), a.implementation(), a.Owner, a.Salt), nil
}

// InitCode is createSemiModularAccount(owner, salt) on the factory.
func (a *MAv2) InitCode() (common.Address, []byte, error) {
	d, err := mav2ABI.Pack("createSemiModularAccount", a.Owner, or0(a.Salt))
	return a.factory(), d, err
}

// Execute is execute(target, value, data).
func (a *MAv2) Execute(target common.Address, value *big.Int, data []byte) ([]byte, error) {
	return mav2ABI.Pack("execute", target, or0(value), data)
}

func (a *MAv2) deferred() (DeferredAction, error) { return ParseDeferredAction(a.Deferred) }

// NextNonce picks the operation's nonce: the deferred action's while it is
// unused (then the operation must carry it: first is true), else the
// session entity's global-validation key.
func (a *MAv2) NextNonce(ctx context.Context, read func(ctx context.Context, key *big.Int) (*big.Int, error)) (nonce *big.Int, first bool, err error) {
	da, err := a.deferred()
	if err != nil {
		return nil, false, err
	}
	next, err := read(ctx, new(big.Int).Rsh(da.Nonce, 64))
	if err != nil {
		return nil, false, err
	}
	switch next.Cmp(da.Nonce) {
	case 0:
		return da.Nonce, true, nil
	case -1:
		return nil, false, errors.New("the stored deferred action's nonce is ahead of the account's; sign out and sign in again")
	}
	n, err := read(ctx, NonceKey(da.EntityID))
	return n, false, err
}

var mav2Dummy = common.FromHex("0xfffffffffffffffffffffffffffffff0000000000000000000000000000000007aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1c")

// DummySignature is 0xFF 0x00 ‖ a 65-byte placeholder, after the deferred
// action when the operation carries it (plain is false).
func (a *MAv2) DummySignature(plain bool) []byte {
	sig := append([]byte{0xff, 0x00}, mav2Dummy...)
	if !plain {
		if da, err := a.deferred(); err == nil {
			return append(append([]byte{}, da.Data...), sig...)
		}
	}
	return sig
}

// Sign signs the EIP-191 hash of userOpHash with the session key (the
// single signer module's user-operation check) as 0xFF 0x00 ‖ r‖s‖v, after
// the deferred action when plain is false.
func (a *MAv2) Sign(h common.Hash, plain bool) ([]byte, error) {
	sig, err := crypto.Sign(accounts.TextHash(h.Bytes()), a.Session)
	if err != nil {
		return nil, fmt.Errorf("sign user operation: %w", err)
	}
	sig[64] += 27
	out := append([]byte{0xff, 0x00}, sig...)
	if !plain {
		da, err := a.deferred()
		if err != nil {
			return nil, err
		}
		out = append(append([]byte{}, da.Data...), out...)
	}
	return out, nil
}
