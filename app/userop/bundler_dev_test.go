package userop_test

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/chain/devchain"
	"github.com/swarmdesk/swarmdesk/app/userop"
)

// aaContracts are eth-infinitism's published v0.7 builds
// (testdata/aa/extract.mjs copies them from npm).
type aaContracts struct {
	EntryPoint, Factory abi.ABI
	EntryPointBin       []byte
	FactoryBin          []byte
}

func loadAA(t testing.TB) aaContracts {
	data, err := os.ReadFile("testdata/aa/contracts.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Contracts map[string]struct {
			ABI      json.RawMessage `json:"abi"`
			Bytecode string          `json:"bytecode"`
		}
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	parse := func(n string) (abi.ABI, []byte) {
		c, ok := f.Contracts[n]
		if !ok {
			t.Fatalf("contracts.json has no %s", n)
		}
		a, err := abi.JSON(strings.NewReader(string(c.ABI)))
		if err != nil {
			t.Fatal(err)
		}
		return a, common.FromHex(c.Bytecode)
	}
	var aa aaContracts
	aa.EntryPoint, aa.EntryPointBin = parse("EntryPoint")
	aa.Factory, aa.FactoryBin = parse("SimpleAccountFactory")
	return aa
}

// devAA is a dev chain with EntryPoint v0.7 and SimpleAccountFactory
// deployed, and a minimal bundler in front of it whose eth_sendUserOperation
// calls handleOps right away.
type devAA struct {
	ch         *devchain.Chain
	aa         aaContracts
	entryPoint common.Address
	factory    common.Address
	bundlerURL string
	bundler    *testBundler
}

func startDevAA(t *testing.T) *devAA {
	t.Helper()
	ctx := testCtx(t)
	ch, err := devchain.Start(ctx, devchain.Config{Tx: chain.TxConfig{PollInterval: 5 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ch.Close() })
	d := &devAA{ch: ch, aa: loadAA(t)}
	key, _ := crypto.GenerateKey()
	if _, err := ch.Fund(ctx, crypto.PubkeyToAddress(key.PublicKey)); err != nil {
		t.Fatal(err)
	}
	id, _ := ch.Attach().ChainID(ctx)
	tm := chain.NewTxManager(ch.Attach(), key, id, chain.TxConfig{PollInterval: 5 * time.Millisecond})
	r, err := tm.Transact(ctx, nil, d.aa.EntryPointBin, nil, nil)
	if err != nil {
		t.Fatalf("deploy EntryPoint: %v", err)
	}
	d.entryPoint = r.ContractAddress
	args, err := d.aa.Factory.Pack("", d.entryPoint)
	if err != nil {
		t.Fatal(err)
	}
	r, err = tm.Transact(ctx, nil, append(append([]byte(nil), d.aa.FactoryBin...), args...), nil, nil)
	if err != nil {
		t.Fatalf("deploy SimpleAccountFactory: %v", err)
	}
	d.factory = r.ContractAddress

	d.bundler = &testBundler{t: t, ec: ch.Attach(), tm: tm, ep: d.entryPoint, epABI: d.aa.EntryPoint, receipts: map[common.Hash]map[string]any{}}
	srv := rpc.NewServer()
	if err := srv.RegisterName("eth", &bundlerEth{d.bundler}); err != nil {
		t.Fatal(err)
	}
	if err := srv.RegisterName("alchemy", &bundlerAlchemy{d.bundler}); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	d.bundlerURL = hs.URL
	return d
}

// testBundler is the bundler step: it checks the operation's hash with
// EntryPoint's own getUserOpHash and sends handleOps from its own key.
type testBundler struct {
	t        *testing.T
	ec       *ethclient.Client
	tm       *chain.TxManager
	ep       common.Address
	epABI    abi.ABI
	mu       sync.Mutex
	receipts map[common.Hash]map[string]any
	sent     int // handleOps calls
	hold     bool
}

func (b *testBundler) call(ctx context.Context, method string, args ...any) ([]any, error) {
	data, err := b.epABI.Pack(method, args...)
	if err != nil {
		return nil, err
	}
	out, err := b.ec.CallContract(ctx, ethereum.CallMsg{To: &b.ep, Data: data}, nil)
	if err != nil {
		return nil, err
	}
	return b.epABI.Unpack(method, out)
}

type bundlerEth struct{ b *testBundler }
type bundlerAlchemy struct{ b *testBundler }

func (e *bundlerEth) SendUserOperation(ctx context.Context, op userop.Op, ep common.Address) (common.Hash, error) {
	b := e.b
	if ep != b.ep {
		return common.Hash{}, fmt.Errorf("unsupported entry point %s", ep)
	}
	p, err := op.Pack()
	if err != nil {
		return common.Hash{}, err
	}
	v, err := b.call(ctx, "getUserOpHash", p)
	if err != nil {
		return common.Hash{}, err
	}
	h := common.Hash(v[0].([32]byte))
	b.mu.Lock()
	_, known := b.receipts[h]
	hold := b.hold
	b.mu.Unlock()
	if known {
		return h, nil
	}
	if hold {
		return common.Hash{}, fmt.Errorf("bundler unavailable")
	}
	data, err := b.epABI.Pack("handleOps", []userop.Packed{p}, b.tm.From())
	if err != nil {
		return common.Hash{}, err
	}
	// Simulate first, as bundlers do, so a validation failure comes back
	// as the AA message and nothing is mined.
	if _, err := b.ec.CallContract(ctx, ethereum.CallMsg{From: b.tm.From(), To: &b.ep, Data: data}, nil); err != nil {
		return common.Hash{}, b.failedOp(err)
	}
	r, err := b.tm.Transact(ctx, &b.ep, data, nil, nil)
	if err != nil {
		return common.Hash{}, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sent++
	rec := map[string]any{"userOpHash": h, "sender": op.Sender, "nonce": (*hexutil.Big)(op.Nonce), "success": false, "reason": hexutil.Bytes{},
		"actualGasCost": (*hexutil.Big)(big.NewInt(0)), "actualGasUsed": (*hexutil.Big)(big.NewInt(0)),
		"receipt": map[string]any{"transactionHash": r.TxHash, "blockNumber": (*hexutil.Big)(r.BlockNumber)}}
	found := false
	for _, l := range r.Logs {
		if len(l.Topics) < 2 || common.Hash(l.Topics[1]) != h {
			continue
		}
		switch l.Topics[0] {
		case b.epABI.Events["UserOperationEvent"].ID:
			v, err := b.epABI.Unpack("UserOperationEvent", l.Data)
			if err != nil {
				return common.Hash{}, err
			}
			rec["success"] = v[1].(bool)
			found = true
		case b.epABI.Events["UserOperationRevertReason"].ID:
			v, err := b.epABI.Unpack("UserOperationRevertReason", l.Data)
			if err != nil {
				return common.Hash{}, err
			}
			rec["reason"] = hexutil.Bytes(v[1].([]byte))
		}
	}
	if !found {
		return common.Hash{}, fmt.Errorf("handleOps emitted no UserOperationEvent for %s", h)
	}
	b.receipts[h] = rec
	return h, nil
}

// failedOp decodes EntryPoint's FailedOp(opIndex, reason) the way bundlers
// report it: "... AA24 signature error".
func (b *testBundler) failedOp(err error) error {
	de, ok := err.(rpc.DataError)
	if !ok {
		return err
	}
	s, _ := de.ErrorData().(string)
	raw := common.FromHex(s)
	for _, name := range []string{"FailedOp", "FailedOpWithRevert"} {
		e := b.epABI.Errors[name]
		if len(raw) >= 4 && string(raw[:4]) == string(e.ID[:4]) {
			if v, uerr := e.Unpack(raw); uerr == nil {
				if vs, ok := v.([]any); ok && len(vs) >= 2 {
					return fmt.Errorf("UserOperation reverted during simulation with reason: %v", vs[1])
				}
			}
		}
	}
	return err
}

func (e *bundlerEth) GetUserOperationReceipt(h common.Hash) (map[string]any, error) {
	e.b.mu.Lock()
	defer e.b.mu.Unlock()
	return e.b.receipts[h], nil
}

// gasFor gives fixed, generous limits (the dev chain is free); fees follow
// the node.
func (b *testBundler) gasFor(ctx context.Context) (map[string]any, error) {
	tip, err := b.ec.SuggestGasTipCap(ctx)
	if err != nil {
		return nil, err
	}
	head, err := b.ec.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, err
	}
	fee := new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), tip)
	return map[string]any{
		"callGasLimit": hexutil.Uint64(400_000), "verificationGasLimit": hexutil.Uint64(700_000), "preVerificationGas": hexutil.Uint64(60_000),
		"maxFeePerGas": (*hexutil.Big)(fee), "maxPriorityFeePerGas": (*hexutil.Big)(tip),
	}, nil
}

func (e *bundlerEth) EstimateUserOperationGas(ctx context.Context, op userop.Op, ep common.Address) (map[string]any, error) {
	return e.b.gasFor(ctx)
}

func (a *bundlerAlchemy) RequestGasAndPaymasterAndData(ctx context.Context, req struct {
	PolicyID       string          `json:"policyId"`
	EntryPoint     common.Address  `json:"entryPoint"`
	DummySignature hexutil.Bytes   `json:"dummySignature"`
	UserOperation  json.RawMessage `json:"userOperation"`
}) (map[string]any, error) {
	if req.PolicyID != "test-policy" {
		return nil, fmt.Errorf("policy %q not found", req.PolicyID)
	}
	return a.b.gasFor(ctx) // no paymaster on the dev chain: the account pays
}

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}
