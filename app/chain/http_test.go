package chain_test

import (
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/chain/devchain"
	"github.com/swarmdesk/swarmdesk/app/identity"
)

// TestHTTPClients uses the dev chain only through its HTTP JSON-RPC
// endpoint, as another swarmdesk process or a standard Ethereum tool would.
func TestHTTPClients(t *testing.T) {
	ch := startChain(t, devchain.Config{})
	ctx := testCtx(t)
	url := ch.RPCURL()
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("RPC URL %q is not a loopback HTTP endpoint", url)
	}

	// A plain ethclient sees the chain.
	raw, err := ethclient.DialContext(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if id, err := raw.ChainID(ctx); err != nil || id.Int64() != chain.LocalChainID {
		t.Fatalf("chain id over HTTP = %v, %v", id, err)
	}
	if code, err := raw.CodeAt(ctx, ch.Contract(), nil); err != nil || len(code) == 0 {
		t.Fatalf("coordinator code over HTTP: %d bytes, %v", len(code), err)
	}

	// Another process joins: discover the coordinator, get funds, register.
	profile, start, err := devchain.Discover(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if profile.Contract != ch.Contract() || start != ch.DeployBlock() || profile.RPCURL != url {
		t.Fatalf("discovered %+v start %d", profile, start)
	}
	key := newKey(t)
	addr := crypto.PubkeyToAddress(key.PublicKey)
	if h, err := devchain.RequestFunds(ctx, url, addr); err != nil || h == (common.Hash{}) {
		t.Fatalf("faucet: %s, %v", h, err)
	}
	if h, err := devchain.RequestFunds(ctx, url, addr); err != nil || h != (common.Hash{}) {
		t.Fatalf("second faucet request must be a no-op: %s, %v", h, err)
	}
	if bal, err := raw.BalanceAt(ctx, addr, nil); err != nil || bal.Cmp(big.NewInt(0)) <= 0 {
		t.Fatalf("balance after faucet = %v, %v", bal, err)
	}
	peer, err := chain.Dial(ctx, profile, key, chain.Options{StartBlock: start})
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	mustRegister(t, peer, "QmHTTP")
	if err := peer.SubmitReward(ctx, 0, 0, big.NewInt(9), "QmHTTP"); err != nil {
		t.Fatal(err)
	}
	if err := peer.SubmitWinners(ctx, 0, []string{"QmHTTP"}, "QmHTTP"); err != nil {
		t.Fatal(err)
	}
	// Reverts keep their names over HTTP.
	if err := peer.SubmitReward(ctx, 5, 0, big.NewInt(1), "QmHTTP"); !errors.Is(err, chain.ErrInvalidRoundNumber) {
		t.Fatalf("revert over HTTP: %v", err)
	}

	// A read-only client over HTTP and the host's in-process client agree.
	reader, err := chain.Dial(ctx, profile, nil, chain.Options{StartBlock: start})
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	overHTTP, err := reader.Leaderboard(ctx)
	if err != nil {
		t.Fatal(err)
	}
	inProcess, err := ch.Host().Leaderboard(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameBoard(t, overHTTP, inProcess)
	if len(overHTTP) != 1 || overHTTP[0].PeerID != "QmHTTP" || overHTTP[0].Rewards.Int64() != 9 || overHTTP[0].Wins != 1 || overHTTP[0].Votes != 1 || overHTTP[0].EOA != addr ||
		overHTTP[0].Name != identity.Name("QmHTTP") {
		t.Fatalf("leaderboard over HTTP = %+v", overHTTP)
	}
}

func TestDevChainRefusesPublicListen(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:8545", "192.168.1.5:8545", "example.org:1", "nonsense"} {
		if _, err := devchain.Start(testCtx(t), devchain.Config{HTTPAddr: addr}); err == nil {
			t.Errorf("Start with HTTPAddr %q succeeded; only loopback may serve the faucet", addr)
		}
	}
}

// TestPeriodicBlocks runs the dev chain with a block every 20 ms: blocks
// appear without transactions, and submissions still complete.
func TestPeriodicBlocks(t *testing.T) {
	ch := startChain(t, devchain.Config{BlockPeriod: 20 * time.Millisecond})
	ctx := testCtx(t)
	a := join(t, ch, chainOpts())
	start, err := a.Eth().BlockNumber(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for {
		n, err := a.Eth().BlockNumber(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n >= start+3 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no empty blocks: still at %d", n)
		case <-time.After(10 * time.Millisecond):
		}
	}
	mustRegister(t, a, "QmP")
	if err := a.SubmitReward(ctx, 0, 0, big.NewInt(1), "QmP"); err != nil {
		t.Fatal(err)
	}
}
