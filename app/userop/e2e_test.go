package userop_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	p2pcrypto "github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/userop"
)

func newSender(t *testing.T, d *devAA, owner *ecdsa.PrivateKey) *userop.Sender {
	t.Helper()
	ctx := testCtx(t)
	b, err := userop.DialBundler(ctx, d.bundlerURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	s, err := userop.NewSender(ctx, userop.Sender{
		Eth: d.ch.Attach(), Bundler: b, EntryPoint: d.entryPoint, PolicyID: "test-policy",
		Smart: &userop.SimpleAccount{Factory: d.factory, Owner: owner},
		Poll:  5 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.ch.Fund(ctx, s.Account()); err != nil { // no paymaster here: prefund
		t.Fatal(err)
	}
	return s
}

// TestUserOpsOnDevChain is the whole ERC-4337 path on a real EVM: our client
// builds and signs registerPeer and submitReward operations for a
// counterfactual SimpleAccount, the bundler step calls EntryPoint v0.7's
// handleOps, and the coordinator records them under the account's address.
func TestUserOpsOnDevChain(t *testing.T) {
	d := startDevAA(t)
	ctx := testCtx(t)
	s := newSender(t, d, newKey(t))
	acct := s.Account()
	if code, _ := d.ch.Attach().CodeAt(ctx, acct, nil); len(code) != 0 {
		t.Fatal("account exists before its first operation")
	}
	c, err := chain.NewClient(ctx, d.ch.Attach(), d.ch.Profile(), nil, chain.Options{Sender: s, OutboxDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Account() != acct {
		t.Fatalf("client account %s, want the smart account %s", c.Account(), acct)
	}

	smartKey, qmSmartPeer := testPeer(t)
	c.SetPeerKey(smartKey)
	if err := c.RegisterPeer(ctx, qmSmartPeer); err != nil {
		t.Fatalf("registerPeer as a UserOperation: %v", err)
	}
	if code, _ := d.ch.Attach().CodeAt(ctx, acct, nil); len(code) == 0 {
		t.Fatal("the first operation did not deploy the account")
	}
	owners, err := c.Eoas(ctx, []string{qmSmartPeer})
	if err != nil || owners[0] != acct {
		t.Fatalf("peer owner = %v (%v), want the smart account %s", owners, err, acct)
	}

	if err := c.SubmitReward(ctx, 0, 0, big.NewInt(42), qmSmartPeer); err != nil {
		t.Fatalf("submitReward as a UserOperation: %v", err)
	}
	tot, err := c.TotalRewards(ctx, []string{qmSmartPeer})
	if err != nil || tot[0].Int64() != 42 {
		t.Fatalf("total rewards = %v (%v), want 42", tot, err)
	}
	if n := len(c.Outbox().Entries()); n != 0 {
		t.Fatalf("%d outbox entries left after success", n)
	}

	// A coordinator revert inside the operation comes back as its named
	// error: voting with a peer ID this account does not own.
	err = c.SubmitWinners(ctx, 0, []string{qmSmartPeer}, "QmNotMine")
	if !errors.Is(err, chain.ErrInvalidVoterPeerId) {
		t.Fatalf("vote for someone else's peer: %v, want ErrInvalidVoterPeerId", err)
	}
	if n := len(c.Outbox().Entries()); n != 0 {
		t.Fatalf("a rejected vote stayed in the outbox (%d entries)", n)
	}

	// A session key that is not the account's owner: AA24 as a sentence.
	wrong := *s
	wrong.Smart = &userop.SimpleAccount{Factory: d.factory, Owner: newKey(t)}
	op, err := wrong.Build(ctx, d.ch.Profile().Contract, []byte{1})
	if err != nil {
		t.Fatal(err)
	}
	op.Sender = acct // signed by the wrong key for this account
	h, _ := op.Hash(d.entryPoint, big.NewInt(chain.LocalChainID))
	op.Signature, _ = wrong.Smart.Sign(h, true)
	b, _ := userop.DialBundler(ctx, d.bundlerURL)
	defer b.Close()
	_, err = b.Send(ctx, op, d.entryPoint)
	if !errors.Is(err, userop.ErrSignature) {
		t.Fatalf("wrong session key: %v, want AA24 ErrSignature", err)
	}
}

// TestUserOpHashMatchesEntryPoint checks our hash against EntryPoint v0.7's
// getUserOpHash on chain, with every optional part present and absent.
func TestUserOpHashMatchesEntryPoint(t *testing.T) {
	d := startDevAA(t)
	ctx := testCtx(t)
	full := userop.Op{
		Sender: common.HexToAddress("0x1111111111111111111111111111111111111111"), Nonce: new(big.Int).Lsh(big.NewInt(7), 64),
		Factory: common.HexToAddress("0x2222222222222222222222222222222222222222"), FactoryData: []byte{1, 2, 3},
		CallData: []byte("call"), CallGasLimit: big.NewInt(100_000), VerificationGasLimit: big.NewInt(200_000),
		PreVerificationGas: big.NewInt(50_000), MaxFeePerGas: big.NewInt(3e9), MaxPriorityFeePerGas: big.NewInt(1e9),
		Paymaster: common.HexToAddress("0x3333333333333333333333333333333333333333"), PaymasterVerificationGasLimit: big.NewInt(60_000),
		PaymasterPostOpGasLimit: big.NewInt(10_000), PaymasterData: []byte("pm"), Signature: []byte("ignored"),
	}
	bare := userop.Op{Sender: full.Sender, Nonce: big.NewInt(0), CallData: []byte{}}
	maxed := full
	maxed.CallGasLimit = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))
	for name, op := range map[string]userop.Op{"full": full, "bare": bare, "uint128 max": maxed} {
		p, err := op.Pack()
		if err != nil {
			t.Fatal(err)
		}
		data, err := d.aa.EntryPoint.Pack("getUserOpHash", p)
		if err != nil {
			t.Fatal(err)
		}
		out, err := d.ch.Attach().CallContract(ctx, callMsg(d.entryPoint, data), nil)
		if err != nil {
			t.Fatal(err)
		}
		want := common.BytesToHash(out)
		got, err := op.Hash(d.entryPoint, big.NewInt(chain.LocalChainID))
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("%s: our hash %s, EntryPoint's %s", name, got, want)
		}
	}
}

// crashing sends like the real sender but "dies" right after saving the
// signed operation (and, with submitted, after the bundler took it).
type crashing struct {
	*userop.Sender
	submitted bool
}

var errCrash = errors.New("simulated crash")

func (c crashing) Send(ctx context.Context, to common.Address, data []byte, save func([]byte) error) error {
	inner := func(op []byte) error {
		if err := save(op); err != nil {
			return err
		}
		if c.submitted {
			_ = c.Sender.Resume(ctx, op)
		}
		return errCrash
	}
	return c.Sender.Send(ctx, to, data, inner)
}

// TestUserOpOutboxSurvivesCrash: an operation saved but not sent is sent
// after restart; one sent and mined before the crash is not sent again.
func TestUserOpOutboxSurvivesCrash(t *testing.T) {
	d := startDevAA(t)
	ctx := testCtx(t)
	s := newSender(t, d, newKey(t))
	dir := t.TempDir()
	open := func(snd chain.Sender) *chain.Client {
		c, err := chain.NewClient(ctx, d.ch.Attach(), d.ch.Profile(), nil, chain.Options{Sender: snd, OutboxDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Close)
		return c
	}
	crashKey, qmCrash := testPeer(t)
	if err := withPeerKey(open(s), crashKey).RegisterPeer(ctx, qmCrash); err != nil {
		t.Fatal(err)
	}
	for _, submitted := range []bool{false, true} {
		round := uint64(0)
		if submitted {
			if _, err := d.ch.AdvanceRound(ctx); err != nil {
				t.Fatal(err)
			}
			round = 1
		}
		before := d.bundler.sent
		c := open(crashing{s, submitted})
		if err := c.SubmitReward(ctx, round, 0, big.NewInt(5), qmCrash); !errors.Is(err, errCrash) {
			t.Fatalf("submitted=%v: %v, want the simulated crash", submitted, err)
		}
		c.Close()
		done, err := open(s).FlushOutbox(ctx)
		if err != nil || done != 1 {
			t.Fatalf("submitted=%v: flush after restart: done %d, %v", submitted, done, err)
		}
		if got := d.bundler.sent - before; got != 1 {
			t.Fatalf("submitted=%v: handleOps called %d times for one reward, want exactly 1", submitted, got)
		}
	}
	tot, _ := open(s).TotalRewards(ctx, []string{qmCrash})
	if tot[0].Int64() != 10 {
		t.Fatalf("total %v, want 10 (two rewards of 5, none lost or doubled)", tot[0])
	}
}

// A session that has expired refuses before signing, and the submission
// waits in the outbox.
func TestExpiredSessionHoldsWrites(t *testing.T) {
	d := startDevAA(t)
	ctx := testCtx(t)
	s := newSender(t, d, newKey(t))
	laterKey, qmLater := testPeer(t)
	if err := withPeerKey(mustClient(t, d, s), laterKey).RegisterPeer(ctx, qmLater); err != nil {
		t.Fatal(err)
	}
	expired := *s
	expired.Expires = timeInPast()
	c := mustClient(t, d, &expired)
	if err := c.SubmitReward(ctx, 0, 0, big.NewInt(3), qmLater); !errors.Is(err, chain.ErrSignInNeeded) {
		t.Fatalf("expired session: %v, want ErrSignInNeeded", err)
	}
	if n := len(c.Outbox().Entries()); n != 1 {
		t.Fatalf("the held reward is not in the outbox (%d entries)", n)
	}
}

func mustClient(t *testing.T, d *devAA, s chain.Sender) *chain.Client {
	t.Helper()
	c, err := chain.NewClient(testCtx(t), d.ch.Attach(), d.ch.Profile(), nil, chain.Options{Sender: s, OutboxDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// testPeer makes a libp2p key and its peer ID: registrations carry a proof signed by it.
func testPeer(t *testing.T) (p2pcrypto.PrivKey, string) {
	t.Helper()
	k, _, err := p2pcrypto.GenerateEd25519Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id, err := peer.IDFromPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return k, id.String()
}

func withPeerKey(c *chain.Client, k p2pcrypto.PrivKey) *chain.Client {
	c.SetPeerKey(k)
	return c
}

func timeInPast() time.Time { return time.Now().Add(-time.Minute) }

func callMsg(to common.Address, data []byte) ethereum.CallMsg {
	return ethereum.CallMsg{To: &to, Data: data}
}
