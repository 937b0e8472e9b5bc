package chainconn

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/chain/devchain"
	"github.com/swarmdesk/swarmdesk/app/signin"
	"github.com/swarmdesk/swarmdesk/app/signin/signintest"
	"github.com/swarmdesk/swarmdesk/app/userop"
	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

// TestSignedInWrites: no sign-in keeps the profile read-only with a
// sentence; signing in (the real flow against a local signer) derives the
// MAv2 and has the user's signer approve the session key once; writes then
// go through the signed-in account, an ended session holds them in the
// outbox, and signing out does too. No key material reaches the logs or the
// data directory.
func TestSignedInWrites(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var logs bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	defer slog.SetDefault(old)

	ch, err := devchain.Start(ctx, devchain.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	srv := signintest.New()
	defer srv.Close()
	store, err := secrets.Open(secrets.Options{Service: "test", Keyring: secrets.NewMemKeyring()})
	if err != nil {
		t.Fatal(err)
	}
	p := ch.Profile()
	p.Name, p.ReadOnly = chain.ProfileGensynTestnet, true
	p.SignIn = chain.GensynSignIn()
	p.SignIn.SignerURL, p.SignIn.BundlerURL = srv.URL, "http://127.0.0.1:9" // the bundler is never reached here

	if l, err := signedInSender(ctx, p, store); l != nil || err != nil {
		t.Fatalf("nobody signed in: sender %v, %v", l, err)
	}
	data := t.TempDir()
	ro, err := chain.Dial(ctx, p, nil, chain.Options{OutboxDir: filepath.Join(data, "outbox")})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := ro.SubmitReward(ctx, 1, 0, big.NewInt(1), "QmPeer"); !errors.Is(err, chain.ErrReadOnly) || !strings.Contains(err.Error(), "sign in to take part") {
		t.Fatalf("write before sign-in: %v", err)
	}

	flow := SignInFlow(p, store)
	if err := flow.Start(ctx, "someone@example.com"); err != nil {
		t.Fatal(err)
	}
	sess, err := flow.Finish(ctx, srv.Code("someone@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	want := userop.MAv2Address(userop.MAv2Factory, userop.MAv2SemiModularBytecode, srv.Address(), nil)
	if sess.Account != want || sess.EntityID != 1 || len(srv.Signed) != 1 {
		t.Fatalf("session account %s entity %d after %d signatures; want %s, 1, 1", sess.Account, sess.EntityID, len(srv.Signed), want)
	}
	// The user's signer signed exactly the deferred install's EIP-712 digest.
	di := userop.DeferredInstall{ChainID: big.NewInt(p.ChainID), Account: want, Session: sess.SessionAddress(), EntityID: 1,
		Nonce: userop.DeferredNonce(1), Deadline: uint64(sess.Expires.Unix())}
	if d, _ := di.Digest(); d != srv.Signed[0] {
		t.Fatalf("signed %s, want the deferred install digest %s", srv.Signed[0], d)
	}
	sig := sess.Deferred[len(sess.Deferred)-65:]
	sig = append([]byte(nil), sig...)
	sig[64] -= 27
	if pub, err := crypto.SigToPub(srv.Signed[0].Bytes(), sig); err != nil || crypto.PubkeyToAddress(*pub) != srv.Address() {
		t.Fatal("the deferred action does not carry the owner's signature")
	}

	l, err := signedInSender(ctx, p, store)
	if err != nil || l == nil {
		t.Fatalf("signed in: sender %v, %v", l, err)
	}
	defer l.close()
	if s, err := l.sender(ctx); err != nil || s.Account() != want {
		t.Fatalf("sender for the session: %v", err)
	}
	c, err := chain.Dial(ctx, p, nil, chain.Options{Sender: l, OutboxDir: filepath.Join(data, "outbox")})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.ReadOnly() || c.Account() != want {
		t.Fatalf("signed-in client read-only %v, account %s", c.ReadOnly(), c.Account())
	}

	// An ended session: the write waits in the outbox, with a sentence.
	sess.Expires = time.Now().Add(-time.Minute)
	if err := sess.Save(store); err != nil {
		t.Fatal(err)
	}
	err = c.SubmitReward(ctx, 1, 0, big.NewInt(5), "QmPeer")
	if !errors.Is(err, chain.ErrSignInNeeded) || !strings.Contains(err.Error(), "sign in again") {
		t.Fatalf("write with an ended session: %v", err)
	}
	if n := len(c.Outbox().Entries()); n != 1 {
		t.Fatalf("%d outbox entries, want the held reward", n)
	}
	if err := signin.SignOut(store, p.Name); err != nil {
		t.Fatal(err)
	}
	if err := c.SubmitReward(ctx, 2, 0, big.NewInt(5), "QmPeer"); !errors.Is(err, chain.ErrSignInNeeded) {
		t.Fatalf("write after sign-out: %v", err)
	}
	if n := len(c.Outbox().Entries()); n != 2 {
		t.Fatalf("%d outbox entries, want both rewards held", n)
	}

	// No key material in the logs or anywhere in the data directory.
	secretsOf := [][]byte{sess.SessionKey, sess.APIKey}
	var needles [][]byte
	for _, k := range secretsOf {
		needles = append(needles, k, []byte(fmt.Sprintf("%x", k)), []byte(fmt.Sprintf("%X", k)))
	}
	for _, n := range needles {
		if bytes.Contains(logs.Bytes(), n) {
			t.Fatal("key material in the logs")
		}
	}
	err = filepath.WalkDir(data, func(path string, de os.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, n := range needles {
			if bytes.Contains(b, n) {
				return fmt.Errorf("%s holds key material", path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
