// Package userop builds, hashes, signs and sends ERC-4337 UserOperations
// for EntryPoint v0.7, so a smart account (the user's Alchemy Modular
// Account V2 on Gensyn testnet) can call the SwarmCoordinator without the
// user's key or any Node.js server: a session key held in the secret store
// signs, and a bundler (with a paymaster paying gas) puts the operation on
// chain.
package userop

import (
	"encoding/json"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
)

// EntryPointV07 is the canonical EntryPoint v0.7 address on every chain.
var EntryPointV07 = common.HexToAddress("0x0000000071727De22E5E9d8BAf0edAc6f37da032")

// Op is a v0.7 UserOperation in the unpacked form bundlers speak
// (eth_sendUserOperation). Optional parts (factory, paymaster) are absent
// when their address is zero.
type Op struct {
	Sender                        common.Address
	Nonce                         *big.Int
	Factory                       common.Address
	FactoryData                   []byte
	CallData                      []byte
	CallGasLimit                  *big.Int
	VerificationGasLimit          *big.Int
	PreVerificationGas            *big.Int
	MaxFeePerGas                  *big.Int
	MaxPriorityFeePerGas          *big.Int
	Paymaster                     common.Address
	PaymasterVerificationGasLimit *big.Int
	PaymasterPostOpGasLimit       *big.Int
	PaymasterData                 []byte
	Signature                     []byte
}

// Packed is the on-chain PackedUserOperation (EntryPoint's handleOps and
// getUserOpHash take it).
type Packed struct {
	Sender             common.Address `abi:"sender"`
	Nonce              *big.Int       `abi:"nonce"`
	InitCode           []byte         `abi:"initCode"`
	CallData           []byte         `abi:"callData"`
	AccountGasLimits   [32]byte       `abi:"accountGasLimits"`
	PreVerificationGas *big.Int       `abi:"preVerificationGas"`
	GasFees            [32]byte       `abi:"gasFees"`
	PaymasterAndData   []byte         `abi:"paymasterAndData"`
	Signature          []byte         `abi:"signature"`
}

func or0(v *big.Int) *big.Int {
	if v == nil {
		return new(big.Int)
	}
	return v
}

// two128 packs hi and lo into one word as uint128 halves.
func two128(hi, lo *big.Int) [32]byte {
	var w [32]byte
	or0(hi).FillBytes(w[:16])
	or0(lo).FillBytes(w[16:])
	return w
}

// u128 writes v as 16 big-endian bytes.
func u128(v *big.Int) []byte {
	b := make([]byte, 16)
	return or0(v).FillBytes(b)
}

// check rejects values EntryPoint cannot hold (uint128 gas fields), so a
// bad bundler answer fails here and not as a panic in FillBytes.
func (o *Op) check() error {
	limit := new(big.Int).Lsh(big.NewInt(1), 128)
	for name, v := range map[string]*big.Int{
		"callGasLimit": o.CallGasLimit, "verificationGasLimit": o.VerificationGasLimit,
		"maxFeePerGas": o.MaxFeePerGas, "maxPriorityFeePerGas": o.MaxPriorityFeePerGas,
		"paymasterVerificationGasLimit": o.PaymasterVerificationGasLimit, "paymasterPostOpGasLimit": o.PaymasterPostOpGasLimit,
	} {
		if v != nil && (v.Sign() < 0 || v.Cmp(limit) >= 0) {
			return fmt.Errorf("user operation: %s %s does not fit in uint128", name, v)
		}
	}
	for name, v := range map[string]*big.Int{"nonce": o.Nonce, "preVerificationGas": o.PreVerificationGas} {
		if v != nil && (v.Sign() < 0 || v.BitLen() > 256) {
			return fmt.Errorf("user operation: %s %s does not fit in uint256", name, v)
		}
	}
	return nil
}

// Pack returns the on-chain form.
func (o *Op) Pack() (Packed, error) {
	if err := o.check(); err != nil {
		return Packed{}, err
	}
	p := Packed{
		Sender:             o.Sender,
		Nonce:              or0(o.Nonce),
		CallData:           o.CallData,
		AccountGasLimits:   two128(o.VerificationGasLimit, o.CallGasLimit),
		PreVerificationGas: or0(o.PreVerificationGas),
		GasFees:            two128(o.MaxPriorityFeePerGas, o.MaxFeePerGas),
		Signature:          o.Signature,
		InitCode:           []byte{},
		PaymasterAndData:   []byte{},
	}
	if o.Factory != (common.Address{}) {
		p.InitCode = append(o.Factory.Bytes(), o.FactoryData...)
	}
	if o.Paymaster != (common.Address{}) {
		p.PaymasterAndData = append(append(append(o.Paymaster.Bytes(), u128(o.PaymasterVerificationGasLimit)...), u128(o.PaymasterPostOpGasLimit)...), o.PaymasterData...)
	}
	if p.CallData == nil {
		p.CallData = []byte{}
	}
	if p.Signature == nil {
		p.Signature = []byte{}
	}
	return p, nil
}

var (
	tAddress, _ = abi.NewType("address", "", nil)
	tUint256, _ = abi.NewType("uint256", "", nil)
	tBytes32, _ = abi.NewType("bytes32", "", nil)
	// UserOperationLib.encode: the fields, with the dynamic ones hashed.
	opHashArgs = abi.Arguments{{Type: tAddress}, {Type: tUint256}, {Type: tBytes32}, {Type: tBytes32}, {Type: tBytes32}, {Type: tUint256}, {Type: tBytes32}, {Type: tBytes32}}
	outerArgs  = abi.Arguments{{Type: tBytes32}, {Type: tAddress}, {Type: tUint256}}
)

// Hash is EntryPoint v0.7's getUserOpHash: keccak256(abi.encode(
// keccak256(encoded op without signature), entryPoint, chainId)). This is
// what the account's signer signs.
func (o *Op) Hash(entryPoint common.Address, chainID *big.Int) (common.Hash, error) {
	p, err := o.Pack()
	if err != nil {
		return common.Hash{}, err
	}
	inner, err := opHashArgs.Pack(p.Sender, p.Nonce, crypto.Keccak256Hash(p.InitCode), crypto.Keccak256Hash(p.CallData),
		p.AccountGasLimits, p.PreVerificationGas, p.GasFees, crypto.Keccak256Hash(p.PaymasterAndData))
	if err != nil {
		return common.Hash{}, fmt.Errorf("hash user operation: %w", err)
	}
	outer, err := outerArgs.Pack(crypto.Keccak256Hash(inner), entryPoint, chainID)
	if err != nil {
		return common.Hash{}, fmt.Errorf("hash user operation: %w", err)
	}
	return crypto.Keccak256Hash(outer), nil
}

// rpcOp is the JSON form bundlers accept for v0.7.
type rpcOp struct {
	Sender                        common.Address  `json:"sender"`
	Nonce                         *hexutil.Big    `json:"nonce"`
	Factory                       *common.Address `json:"factory,omitempty"`
	FactoryData                   hexutil.Bytes   `json:"factoryData,omitempty"`
	CallData                      hexutil.Bytes   `json:"callData"`
	CallGasLimit                  *hexutil.Big    `json:"callGasLimit"`
	VerificationGasLimit          *hexutil.Big    `json:"verificationGasLimit"`
	PreVerificationGas            *hexutil.Big    `json:"preVerificationGas"`
	MaxFeePerGas                  *hexutil.Big    `json:"maxFeePerGas"`
	MaxPriorityFeePerGas          *hexutil.Big    `json:"maxPriorityFeePerGas"`
	Paymaster                     *common.Address `json:"paymaster,omitempty"`
	PaymasterVerificationGasLimit *hexutil.Big    `json:"paymasterVerificationGasLimit,omitempty"`
	PaymasterPostOpGasLimit       *hexutil.Big    `json:"paymasterPostOpGasLimit,omitempty"`
	PaymasterData                 hexutil.Bytes   `json:"paymasterData,omitempty"`
	Signature                     hexutil.Bytes   `json:"signature"`
}

func hb(v *big.Int) *hexutil.Big { return (*hexutil.Big)(or0(v)) }

func bi(v *hexutil.Big) *big.Int {
	if v == nil {
		return nil
	}
	return (*big.Int)(v)
}

// MarshalJSON writes the bundler form.
func (o Op) MarshalJSON() ([]byte, error) {
	r := rpcOp{
		Sender: o.Sender, Nonce: hb(o.Nonce), CallData: o.CallData,
		CallGasLimit: hb(o.CallGasLimit), VerificationGasLimit: hb(o.VerificationGasLimit),
		PreVerificationGas: hb(o.PreVerificationGas), MaxFeePerGas: hb(o.MaxFeePerGas),
		MaxPriorityFeePerGas: hb(o.MaxPriorityFeePerGas), Signature: o.Signature,
	}
	if r.CallData == nil {
		r.CallData = hexutil.Bytes{}
	}
	if r.Signature == nil {
		r.Signature = hexutil.Bytes{}
	}
	if o.Factory != (common.Address{}) {
		f := o.Factory
		r.Factory, r.FactoryData = &f, o.FactoryData
		if r.FactoryData == nil {
			r.FactoryData = hexutil.Bytes{}
		}
	}
	if o.Paymaster != (common.Address{}) {
		p := o.Paymaster
		r.Paymaster, r.PaymasterData = &p, o.PaymasterData
		r.PaymasterVerificationGasLimit, r.PaymasterPostOpGasLimit = hb(o.PaymasterVerificationGasLimit), hb(o.PaymasterPostOpGasLimit)
		if r.PaymasterData == nil {
			r.PaymasterData = hexutil.Bytes{}
		}
	}
	return json.Marshal(r)
}

// UnmarshalJSON reads the bundler form (and the outbox's saved copy).
func (o *Op) UnmarshalJSON(data []byte) error {
	var r rpcOp
	if err := json.Unmarshal(data, &r); err != nil {
		return fmt.Errorf("user operation: %w", err)
	}
	*o = Op{
		Sender: r.Sender, Nonce: bi(r.Nonce), CallData: r.CallData,
		CallGasLimit: bi(r.CallGasLimit), VerificationGasLimit: bi(r.VerificationGasLimit),
		PreVerificationGas: bi(r.PreVerificationGas), MaxFeePerGas: bi(r.MaxFeePerGas),
		MaxPriorityFeePerGas: bi(r.MaxPriorityFeePerGas), Signature: r.Signature,
		FactoryData: r.FactoryData, PaymasterData: r.PaymasterData,
		PaymasterVerificationGasLimit: bi(r.PaymasterVerificationGasLimit), PaymasterPostOpGasLimit: bi(r.PaymasterPostOpGasLimit),
	}
	if r.Factory != nil {
		o.Factory = *r.Factory
		if o.FactoryData == nil {
			o.FactoryData = []byte{}
		}
	}
	if r.Paymaster != nil {
		o.Paymaster = *r.Paymaster
		if o.PaymasterData == nil {
			o.PaymasterData = []byte{}
		}
	}
	return o.check()
}
