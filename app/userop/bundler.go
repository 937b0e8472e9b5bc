package userop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"
)

// Bundler is a JSON-RPC client for an ERC-4337 bundler (Alchemy's, or the
// test bundler on the dev chain).
type Bundler struct {
	rpc *rpc.Client
}

// DialBundler connects to url.
func DialBundler(ctx context.Context, url string) (*Bundler, error) {
	if url == "" {
		return nil, errors.New("this network has no bundler URL configured; smart-account writes need one (set it in the network profile)")
	}
	c, err := rpc.DialContext(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("connect to bundler %s: %w", url, err)
	}
	return &Bundler{rpc: c}, nil
}

// Close releases the connection.
func (b *Bundler) Close() { b.rpc.Close() }

// Send submits a signed operation and returns its hash as the bundler
// computed it.
func (b *Bundler) Send(ctx context.Context, op *Op, entryPoint common.Address) (common.Hash, error) {
	var h common.Hash
	if err := b.rpc.CallContext(ctx, &h, "eth_sendUserOperation", op, entryPoint); err != nil {
		return common.Hash{}, explain(err)
	}
	return h, nil
}

// Receipt is eth_getUserOperationReceipt's answer.
type Receipt struct {
	UserOpHash    common.Hash    `json:"userOpHash"`
	Sender        common.Address `json:"sender"`
	Nonce         *hexutil.Big   `json:"nonce"`
	Success       bool           `json:"success"`
	Reason        hexutil.Bytes  `json:"reason"`
	ActualGasCost *hexutil.Big   `json:"actualGasCost"`
	ActualGasUsed *hexutil.Big   `json:"actualGasUsed"`
	Receipt       struct {
		TransactionHash common.Hash  `json:"transactionHash"`
		BlockNumber     *hexutil.Big `json:"blockNumber"`
	} `json:"receipt"`
}

// Receipt returns the operation's receipt, or nil while it is not on chain.
func (b *Bundler) Receipt(ctx context.Context, h common.Hash) (*Receipt, error) {
	var raw json.RawMessage
	if err := b.rpc.CallContext(ctx, &raw, "eth_getUserOperationReceipt", h); err != nil {
		return nil, explain(err)
	}
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var r Receipt
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("decode user operation receipt: %w", err)
	}
	return &r, nil
}

// gasAndPaymaster is alchemy_requestGasAndPaymasterAndData's answer.
type gasAndPaymaster struct {
	Paymaster                     *common.Address `json:"paymaster"`
	PaymasterData                 hexutil.Bytes   `json:"paymasterData"`
	PaymasterVerificationGasLimit *hexutil.Big    `json:"paymasterVerificationGasLimit"`
	PaymasterPostOpGasLimit       *hexutil.Big    `json:"paymasterPostOpGasLimit"`
	CallGasLimit                  *hexutil.Big    `json:"callGasLimit"`
	VerificationGasLimit          *hexutil.Big    `json:"verificationGasLimit"`
	PreVerificationGas            *hexutil.Big    `json:"preVerificationGas"`
	MaxFeePerGas                  *hexutil.Big    `json:"maxFeePerGas"`
	MaxPriorityFeePerGas          *hexutil.Big    `json:"maxPriorityFeePerGas"`
}

// GasAndPaymaster fills op's gas limits, fees and paymaster fields from the
// gas manager policy policyID (Alchemy's sponsorship). op must carry a dummy
// signature of the real one's shape.
func (b *Bundler) GasAndPaymaster(ctx context.Context, policyID string, entryPoint common.Address, op *Op) error {
	req := map[string]any{"policyId": policyID, "entryPoint": entryPoint, "dummySignature": hexutil.Bytes(op.Signature), "userOperation": op}
	var g gasAndPaymaster
	if err := b.rpc.CallContext(ctx, &g, "alchemy_requestGasAndPaymasterAndData", req); err != nil {
		return explain(err)
	}
	if g.CallGasLimit == nil || g.VerificationGasLimit == nil || g.PreVerificationGas == nil || g.MaxFeePerGas == nil || g.MaxPriorityFeePerGas == nil {
		return errors.New("the bundler's gas answer is missing limits or fees; try again later")
	}
	op.CallGasLimit, op.VerificationGasLimit, op.PreVerificationGas = bi(g.CallGasLimit), bi(g.VerificationGasLimit), bi(g.PreVerificationGas)
	op.MaxFeePerGas, op.MaxPriorityFeePerGas = bi(g.MaxFeePerGas), bi(g.MaxPriorityFeePerGas)
	op.Paymaster, op.PaymasterData = common.Address{}, nil
	op.PaymasterVerificationGasLimit, op.PaymasterPostOpGasLimit = nil, nil
	if g.Paymaster != nil && *g.Paymaster != (common.Address{}) {
		op.Paymaster, op.PaymasterData = *g.Paymaster, g.PaymasterData
		op.PaymasterVerificationGasLimit, op.PaymasterPostOpGasLimit = bi(g.PaymasterVerificationGasLimit), bi(g.PaymasterPostOpGasLimit)
	}
	return op.check()
}

// gasEstimate is eth_estimateUserOperationGas's answer.
type gasEstimate struct {
	CallGasLimit         *hexutil.Big `json:"callGasLimit"`
	VerificationGasLimit *hexutil.Big `json:"verificationGasLimit"`
	PreVerificationGas   *hexutil.Big `json:"preVerificationGas"`
}

// EstimateGas fills op's gas limits (no paymaster: the account pays).
func (b *Bundler) EstimateGas(ctx context.Context, entryPoint common.Address, op *Op) error {
	var g gasEstimate
	if err := b.rpc.CallContext(ctx, &g, "eth_estimateUserOperationGas", op, entryPoint); err != nil {
		return explain(err)
	}
	if g.CallGasLimit == nil || g.VerificationGasLimit == nil || g.PreVerificationGas == nil {
		return errors.New("the bundler's gas estimate is missing limits; try again later")
	}
	op.CallGasLimit, op.VerificationGasLimit, op.PreVerificationGas = bi(g.CallGasLimit), bi(g.VerificationGasLimit), bi(g.PreVerificationGas)
	return nil
}
