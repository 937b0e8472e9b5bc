package signin_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/swarmdesk/swarmdesk/app/signin"
	"github.com/swarmdesk/swarmdesk/app/signin/signintest"
)

const email = "someone@example.com"

func newClient(s *signintest.Server) *signin.Client {
	return &signin.Client{BaseURL: s.URL, APIKey: "public-test-key"}
}

func TestEmailSignInWhoamiAndSign(t *testing.T) {
	s := signintest.New()
	defer s.Close()
	c := newClient(s)
	ctx := context.Background()
	p, err := c.StartEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	key, err := c.VerifyCode(ctx, p, s.Code(email))
	if err != nil {
		t.Fatal(err)
	}
	u, err := c.Whoami(ctx, key, p.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	if u.Address != s.Address() || u.OrgID != signintest.OrgID {
		t.Fatalf("whoami = %+v, want address %s", u, s.Address())
	}
	digest := crypto.Keccak256Hash([]byte("deferred action"))
	sig, err := c.SignHash(ctx, key, u, digest)
	if err != nil {
		t.Fatal(err)
	}
	if sig[64] != 27 && sig[64] != 28 {
		t.Fatalf("v = %d, want 27 or 28", sig[64])
	}
	rs := append([]byte(nil), sig...)
	rs[64] -= 27
	pub, err := crypto.SigToPub(digest.Bytes(), rs)
	if err != nil || crypto.PubkeyToAddress(*pub) != s.Address() {
		t.Fatalf("signature recovers to %v (%v), want %s", pub, err, s.Address())
	}

	// A revoked (expired) API key: stamped requests fail with a sentence
	// that says to sign in again.
	s.Revoke()
	if _, err := c.Whoami(ctx, key, p.OrgID); !errors.Is(err, signin.ErrSessionEnded) {
		t.Fatalf("whoami after revoke: %v, want ErrSessionEnded", err)
	}
}

func TestSignInFailuresBecomeSentences(t *testing.T) {
	cases := []struct {
		name  string
		setup func(s *signintest.Server)
		code  func(s *signintest.Server) string
		tries int
		want  error
	}{
		{"wrong code", nil, func(*signintest.Server) string { return "000000x" }, 1, signin.ErrWrongCode},
		{"expired code", func(s *signintest.Server) {
			s.Now = func() time.Time { return time.Now().Add(-time.Hour) }
		}, nil, 1, signin.ErrCodeExpired},
		{"rate limited", func(s *signintest.Server) { s.Attempts = 2 }, func(*signintest.Server) string { return "bad" }, 3, signin.ErrRateLimited},
		{"bad bundle", func(s *signintest.Server) { s.BadBundle = true }, nil, 1, signin.ErrBadBundle},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := signintest.New()
			defer s.Close()
			if tc.setup != nil {
				tc.setup(s)
			}
			c := newClient(s)
			p, err := c.StartEmail(context.Background(), email)
			if err != nil {
				t.Fatal(err)
			}
			s.Now = time.Now // "expired": the code was issued an hour ago
			code := s.Code(email)
			if tc.code != nil {
				code = tc.code(s)
			}
			for i := 0; i < tc.tries; i++ {
				_, err = c.VerifyCode(context.Background(), p, code)
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			// The sentence says what to do, and no key material is in it.
			if msg := err.Error(); !strings.Contains(msg, "code") && !strings.Contains(msg, "sign-in") && !strings.Contains(msg, "wait") {
				t.Fatalf("error %q does not tell the user what to do", msg)
			}
		})
	}
}

func TestBadEmailAndUnreachableService(t *testing.T) {
	c := &signin.Client{BaseURL: "http://127.0.0.1:1"}
	if _, err := c.StartEmail(context.Background(), "not an email"); err == nil || !strings.Contains(err.Error(), "email address") {
		t.Fatalf("bad email: %v", err)
	}
	if _, err := c.StartEmail(context.Background(), email); err == nil || !strings.Contains(err.Error(), "could not reach") {
		t.Fatalf("unreachable: %v", err)
	}
	if _, err := (&signin.Client{}).StartEmail(context.Background(), email); err == nil || !strings.Contains(err.Error(), "no sign-in service") {
		t.Fatalf("no URL: %v", err)
	}
}
