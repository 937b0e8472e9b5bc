package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/swarmdesk/swarmdesk/app/signin"
	"github.com/swarmdesk/swarmdesk/app/signin/signintest"
	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

func newTestSignIn(t *testing.T, s *signintest.Server) (*signInView, *signin.Flow) {
	t.Helper()
	test.NewTempApp(t)
	store, err := secrets.Open(secrets.Options{Service: "test", Keyring: secrets.NewMemKeyring()})
	if err != nil {
		t.Fatal(err)
	}
	flow := &signin.Flow{Client: &signin.Client{BaseURL: s.URL, APIKey: "k"}, Store: store, Profile: "gensyn-testnet"}
	v := newSignInView(flow)
	v.async = func(f func()) { f() }
	v.ui = func(f func()) { f() }
	v.refresh()
	return v, flow
}

func shown(v *signInView, o any) bool {
	for _, x := range v.obj.Objects {
		if x == o {
			return true
		}
	}
	return false
}

// TestSignInScreens walks email → wrong code → code → signed in → sign out
// with Fyne's test driver against a local signer.
func TestSignInScreens(t *testing.T) {
	s := signintest.New()
	defer s.Close()
	v, flow := newTestSignIn(t, s)
	w := test.NewWindow(v.obj)
	defer w.Close()

	if !shown(v, v.email) || !shown(v, v.send) {
		t.Fatal("the first step is not the email step")
	}
	test.Type(v.email, "someone@example.com")
	test.Tap(v.send)
	if !shown(v, v.code) || !strings.Contains(v.status.Text, "someone@example.com") {
		t.Fatalf("after sending: %q", v.status.Text)
	}
	test.Type(v.code, "nope")
	test.Tap(v.verify)
	if !v.errLine.Visible() || !strings.Contains(v.errLine.Text, "not the one we emailed") || !shown(v, v.code) {
		t.Fatalf("wrong code: %q", v.errLine.Text)
	}
	test.Type(v.code, s.Code("someone@example.com"))
	test.Tap(v.verify)
	if !shown(v, v.signOut) || !strings.Contains(v.status.Text, "Signed in as someone@example.com") || !strings.Contains(v.status.Text, s.Address().Hex()) {
		t.Fatalf("signed in: %q (err %q)", v.status.Text, v.errLine.Text)
	}
	if sess, _ := flow.Current(); sess == nil {
		t.Fatal("no session saved")
	}
	test.Tap(v.signOut)
	if sess, _ := flow.Current(); sess != nil || !shown(v, v.email) {
		t.Fatal("sign out kept the session")
	}
}

func TestSignInScreenStates(t *testing.T) {
	s := signintest.New()
	defer s.Close()
	v, flow := newTestSignIn(t, s)

	// Email step offers no Google button and says why.
	text := ""
	for _, o := range v.obj.Objects {
		if _, isButton := o.(*widget.Button); isButton && strings.Contains(o.(*widget.Button).Text, "Google") {
			t.Fatal("a Google button is shown")
		}
		if l, ok := o.(*widget.Label); ok {
			text += l.Text
		}
	}
	if !strings.Contains(text, "Google sign-in is not offered") {
		t.Fatalf("email step does not say why Google is not offered: %q", text)
	}

	// An expired session asks to sign in again.
	sess := &signin.Session{Profile: "gensyn-testnet", Email: "old@example.com", APIKey: make([]byte, 32), SessionKey: append(make([]byte, 31), 1),
		Created: time.Now().Add(-70 * 24 * time.Hour), Expires: time.Now().Add(-time.Hour)}
	if err := sess.Save(flow.Store); err != nil {
		t.Fatal(err)
	}
	v.refresh()
	if !strings.Contains(v.status.Text, "expired") || !shown(v, v.send) || v.email.Text != "old@example.com" {
		t.Fatalf("expired session: %q", v.status.Text)
	}

	// Local swarms: nothing to sign in to.
	n := newSignInView(nil)
	if !strings.Contains(n.status.Text, "needs no sign-in") {
		t.Fatalf("no-sign-in network: %q", n.status.Text)
	}
}
