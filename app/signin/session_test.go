package signin_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/swarmdesk/swarmdesk/app/signin"
	"github.com/swarmdesk/swarmdesk/app/signin/signintest"
	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

func TestSessionLifecycle(t *testing.T) {
	s := signintest.New()
	defer s.Close()
	c := newClient(s)
	ctx := context.Background()
	p, err := c.StartEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := c.Finish(ctx, p, s.Code(email), "gensyn-testnet")
	if err != nil {
		t.Fatal(err)
	}
	if sess.Signer != s.Address() || sess.Email == "" {
		t.Fatalf("session %v", sess)
	}
	// The deadline is in seconds-scale time, 62 days out (not 62 days of
	// milliseconds read as seconds).
	if d := time.Until(sess.Expires); d < 61*24*time.Hour || d > 63*24*time.Hour {
		t.Fatalf("session expires in %s, want about 62 days", d)
	}
	// Printing a session shows no key material.
	for _, out := range []string{sess.String(), fmt.Sprintf("%v", sess), fmt.Sprintf("%#v", sess)} {
		if strings.Contains(out, fmt.Sprintf("%x", sess.SessionKey)) || strings.Contains(out, fmt.Sprintf("%x", sess.APIKey)) {
			t.Fatalf("key material printed: %s", out)
		}
	}

	dir := t.TempDir()
	store, err := secrets.Open(secrets.Options{Backend: secrets.BackendFile, Service: "test", Dir: dir, Passphrase: []byte("pw")})
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.Save(store); err != nil {
		t.Fatal(err)
	}
	// On disk the keys are only inside the encrypted store.
	filepath.WalkDir(dir, func(path string, de os.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		data, _ := os.ReadFile(path)
		for _, k := range [][]byte{sess.SessionKey, sess.APIKey, []byte(fmt.Sprintf("%x", sess.SessionKey))} {
			if bytes.Contains(data, k) {
				t.Fatalf("%s holds key material in the clear", path)
			}
		}
		return nil
	})
	back, err := signin.LoadSession(store, "gensyn-testnet")
	if err != nil || back == nil || back.SessionAddress() != sess.SessionAddress() || back.Email != sess.Email {
		t.Fatalf("load: %v %v", back, err)
	}
	if other, err := signin.LoadSession(store, "local"); other != nil || err != nil {
		t.Fatalf("a profile nobody signed in to: %v %v", other, err)
	}
	if err := signin.SignOut(store, "gensyn-testnet"); err != nil {
		t.Fatal(err)
	}
	if gone, err := signin.LoadSession(store, "gensyn-testnet"); gone != nil || err != nil {
		t.Fatalf("after sign-out: %v %v", gone, err)
	}
	if err := signin.SignOut(store, "gensyn-testnet"); err != nil {
		t.Fatalf("second sign-out: %v", err)
	}
}
