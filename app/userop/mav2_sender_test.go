package userop_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/userop"
)

// fakeBundler is Alchemy's bundler as a Modular Account V2 client meets it:
// it checks the gas request and the signed operation (deferred action in
// front of the session key's signature) and answers like the real one,
// without executing anything.
type fakeBundler struct {
	t        *testing.T
	ep       common.Address
	chainID  *big.Int
	session  common.Address
	deferred []byte // what the first operation's signature must start with
	mu       sync.Mutex
	gasCalls int
	sent     []userop.Op
	problems []string
}

func (f *fakeBundler) problem(format string, a ...any) {
	f.mu.Lock()
	f.problems = append(f.problems, fmt.Sprintf(format, a...))
	f.mu.Unlock()
}

type fakeEth struct{ f *fakeBundler }
type fakeAlchemy struct{ f *fakeBundler }

var fakePaymaster = common.HexToAddress("0x00000000000000fB866DaAA79352cC568a005D96")

func (a *fakeAlchemy) RequestGasAndPaymasterAndData(req struct {
	PolicyID       string          `json:"policyId"`
	EntryPoint     common.Address  `json:"entryPoint"`
	DummySignature hexutil.Bytes   `json:"dummySignature"`
	UserOperation  json.RawMessage `json:"userOperation"`
}) (map[string]any, error) {
	f := a.f
	f.mu.Lock()
	f.gasCalls++
	f.mu.Unlock()
	if req.PolicyID != "gensyn-policy" {
		return nil, fmt.Errorf("policy %q not found", req.PolicyID)
	}
	var op userop.Op
	if err := json.Unmarshal(req.UserOperation, &op); err != nil {
		return nil, err
	}
	if op.Factory != userop.MAv2Factory || len(op.FactoryData) == 0 {
		f.problem("gas request for an undeployed account without the MAv2 factory: %s", op.Factory)
	}
	if !bytes.HasPrefix(req.DummySignature, f.deferred) || !bytes.HasPrefix(op.Signature, f.deferred) {
		f.problem("dummy signature does not carry the deferred action")
	}
	return map[string]any{
		"paymaster": fakePaymaster, "paymasterData": hexutil.Bytes{0xca, 0xfe},
		"paymasterVerificationGasLimit": hexutil.Uint64(50_000), "paymasterPostOpGasLimit": hexutil.Uint64(10_000),
		"callGasLimit": hexutil.Uint64(200_000), "verificationGasLimit": hexutil.Uint64(500_000), "preVerificationGas": hexutil.Uint64(50_000),
		"maxFeePerGas": hexutil.Uint64(2_000_000_000), "maxPriorityFeePerGas": hexutil.Uint64(1_000_000_000),
	}, nil
}

func (e *fakeEth) SendUserOperation(op userop.Op, ep common.Address) (common.Hash, error) {
	f := e.f
	if ep != f.ep {
		return common.Hash{}, fmt.Errorf("unsupported entry point %s", ep)
	}
	h, err := op.Hash(ep, f.chainID)
	if err != nil {
		return common.Hash{}, err
	}
	sig := op.Signature
	if !bytes.HasPrefix(sig, f.deferred) {
		return common.Hash{}, fmt.Errorf("AA24 signature error: no deferred action")
	}
	sig = sig[len(f.deferred):]
	if len(sig) != 67 || sig[0] != 0xff || sig[1] != 0 {
		return common.Hash{}, fmt.Errorf("AA24 signature error: not 0xFF00 ‖ ECDSA")
	}
	rs := append([]byte(nil), sig[2:]...)
	rs[64] -= 27
	pub, err := crypto.SigToPub(accounts.TextHash(h.Bytes()), rs)
	if err != nil || crypto.PubkeyToAddress(*pub) != f.session {
		return common.Hash{}, fmt.Errorf("AA24 signature error: not the session key")
	}
	if op.Paymaster != fakePaymaster || !bytes.Equal(op.PaymasterData, []byte{0xca, 0xfe}) {
		f.problem("operation lost the paymaster fields: %s %x", op.Paymaster, op.PaymasterData)
	}
	f.mu.Lock()
	f.sent = append(f.sent, op)
	f.mu.Unlock()
	return h, nil
}

func (e *fakeEth) GetUserOperationReceipt(h common.Hash) (map[string]any, error) {
	f := e.f
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, op := range f.sent {
		if oh, _ := op.Hash(f.ep, f.chainID); oh == h {
			return map[string]any{"userOpHash": h, "sender": op.Sender, "nonce": (*hexutil.Big)(op.Nonce), "success": true,
				"reason": hexutil.Bytes{}, "actualGasCost": (*hexutil.Big)(big.NewInt(0)), "actualGasUsed": (*hexutil.Big)(big.NewInt(0)),
				"receipt": map[string]any{"transactionHash": common.Hash{1}, "blockNumber": (*hexutil.Big)(big.NewInt(1))}}, nil
		}
	}
	return nil, nil
}

// TestMAv2WritesThroughBundler is Gensyn testnet's write path with a fake
// bundler: sign-in's activation derives the account and has the owner sign
// the session key's deferred install; a reward then goes out through the
// chain client's outbox as a sponsored UserOperation whose init code is the
// MAv2 factory call, whose nonce is the deferred action's, and whose
// signature is the deferred action followed by the session key's.
func TestMAv2WritesThroughBundler(t *testing.T) {
	d := startDevAA(t) // a real chain with EntryPoint v0.7 for nonces
	ctx := testCtx(t)
	eth := d.ch.Attach()
	call := func(ctx context.Context, to common.Address, data []byte) ([]byte, error) {
		return eth.CallContract(ctx, ethereum.CallMsg{To: &to, Data: data}, nil)
	}
	owner, session := newKey(t), newKey(t)
	id := big.NewInt(chain.LocalChainID)
	signed := 0
	act, err := userop.Activate(ctx, call, userop.SessionSetup{
		ChainID: id, EntryPoint: d.entryPoint, Owner: crypto.PubkeyToAddress(owner.PublicKey),
		Session: crypto.PubkeyToAddress(session.PublicKey), Until: time.Now().Add(62 * 24 * time.Hour),
	}, func(_ context.Context, h common.Hash) ([]byte, error) {
		signed++
		sig, err := crypto.Sign(h.Bytes(), owner)
		sig[64] += 27
		return sig, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if signed != 1 || act.EntityID != 1 || act.Account != userop.MAv2Address(userop.MAv2Factory, userop.MAv2SemiModularBytecode, crypto.PubkeyToAddress(owner.PublicKey), nil) {
		t.Fatalf("activation: %d signatures, entity %d, account %s", signed, act.EntityID, act.Account)
	}
	da, err := userop.ParseDeferredAction(act.Deferred)
	if err != nil || da.Nonce.Cmp(userop.DeferredNonce(1)) != 0 || da.EntityID != 1 || !da.Global {
		t.Fatalf("deferred action %+v, %v", da, err)
	}

	f := &fakeBundler{t: t, ep: d.entryPoint, chainID: id, session: crypto.PubkeyToAddress(session.PublicKey), deferred: da.Data}
	srv := rpc.NewServer()
	if err := srv.RegisterName("eth", &fakeEth{f}); err != nil {
		t.Fatal(err)
	}
	if err := srv.RegisterName("alchemy", &fakeAlchemy{f}); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	b, err := userop.DialBundler(ctx, hs.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	s, err := userop.NewSender(ctx, userop.Sender{Eth: eth, Bundler: b, EntryPoint: d.entryPoint, PolicyID: "gensyn-policy",
		Smart:   &userop.MAv2{Owner: crypto.PubkeyToAddress(owner.PublicKey), Session: session, Deferred: act.Deferred},
		Expires: time.Now().Add(time.Hour), Poll: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	p := d.ch.Profile()
	p.ReadOnly = true // as gensyn-testnet: writable only through the signed-in account
	c, err := chain.NewClient(ctx, eth, p, nil, chain.Options{Sender: s, OutboxDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Account() != act.Account {
		t.Fatalf("writes come from %s, want the smart account %s", c.Account(), act.Account)
	}
	if err := c.SubmitReward(ctx, 0, 0, big.NewInt(7), "QmGensynPeer"); err != nil {
		t.Fatalf("reward as a UserOperation: %v", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.problems) > 0 {
		t.Fatal(f.problems)
	}
	if f.gasCalls != 1 || len(f.sent) != 1 {
		t.Fatalf("%d gas requests, %d operations sent; want 1 and 1", f.gasCalls, len(f.sent))
	}
	op := f.sent[0]
	if op.Sender != act.Account || op.Nonce.Cmp(userop.DeferredNonce(1)) != 0 || op.Factory != userop.MAv2Factory {
		t.Fatalf("operation sender %s nonce %x factory %s", op.Sender, op.Nonce, op.Factory)
	}
	if n := len(c.Outbox().Entries()); n != 0 {
		t.Fatalf("%d outbox entries left after the receipt", n)
	}

	// Without a sign-in the same profile stays read-only, saying why.
	ro, err := chain.NewClient(ctx, eth, p, nil, chain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := ro.SubmitReward(ctx, 0, 0, big.NewInt(7), "QmGensynPeer"); err == nil || !bytes.Contains([]byte(err.Error()), []byte("sign in to take part")) {
		t.Fatalf("read-only write: %v, want a sentence saying to sign in", err)
	}
}
