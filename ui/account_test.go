package ui

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/node"
	"github.com/swarmdesk/swarmdesk/app/session"
	"github.com/swarmdesk/swarmdesk/app/signin"
	"github.com/swarmdesk/swarmdesk/app/signin/signintest"
	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

// accounts is an AccountBackend over a real sign-in flow against a local signer.
type accounts struct {
	flow *signin.Flow
	mu   sync.Mutex
	asks []string // profiles SignInFlow was asked for
}

func newAccounts(t *testing.T, s *signintest.Server) *accounts {
	t.Helper()
	store, err := secrets.Open(secrets.Options{Service: "test", Keyring: secrets.NewMemKeyring()})
	if err != nil {
		t.Fatal(err)
	}
	return &accounts{flow: &signin.Flow{Client: &signin.Client{BaseURL: s.URL, APIKey: "k"}, Store: store, Profile: chain.ProfileGensynTestnet}}
}

func (a *accounts) SignInFlow(profile string) (*signin.Flow, error) {
	a.mu.Lock()
	a.asks = append(a.asks, profile)
	a.mu.Unlock()
	return a.flow, nil
}

func (a *accounts) SignedIn() (*signin.Summary, error) {
	s, err := a.flow.Current()
	if s == nil || err != nil {
		return nil, err
	}
	sum := s.Summary(time.Now())
	return &sum, nil
}

// signIn completes a sign-in directly (not through a screen).
func (a *accounts) signIn(t *testing.T, s *signintest.Server, email string) {
	t.Helper()
	ctx := context.Background()
	if err := a.flow.Start(ctx, email); err != nil {
		t.Fatal(err)
	}
	if _, err := a.flow.Finish(ctx, s.Code(email)); err != nil {
		t.Fatal(err)
	}
}

type onbAccountBackend struct {
	*onbBackend
	*accounts
}

// TestOnboardGensynSignIn: the first run offers Gensyn testnet where the backend can sign in;
// after the identity it signs in by email code in the window and starts the node on it.
func TestOnboardGensynSignIn(t *testing.T) {
	srv := signintest.New()
	defer srv.Close()
	ob := newOnbBackend(t)
	acc := newAccounts(t, srv)
	h := newOnbHarness(t, ob)
	h.o = NewOnboarding(&onbAccountBackend{ob, acc}, h.win, h.jobs.async, func() { h.dones++ })
	h.win.SetContent(h.o.Object())

	h.mustShow("Welcome to swarmdesk", "Join Gensyn testnet")
	h.tap("Join Gensyn testnet")
	h.tap("Keep this identity")
	h.mustShow("Sign in to Gensyn testnet", "Email me a code")
	if !reflect.DeepEqual(acc.asks, []string{chain.ProfileGensynTestnet}) {
		t.Fatalf("sign-in asked for profiles %v", acc.asks)
	}
	test.Type(h.entry(), "someone@example.com")
	h.tap("Email me a code")
	h.mustShow("We emailed a code to someone@example.com")
	test.Type(h.entry(), "000000")
	h.tap("Sign in")
	h.mustShow("not the one we emailed")
	h.entry().SetText("")
	test.Type(h.entry(), srv.Code("someone@example.com"))
	h.tap("Sign in")
	h.mustShow("Signed in as someone@example.com")
	h.tap("Continue")
	h.mustShow("Joining Gensyn testnet")
	if got, want := h.b.startedWith(), []session.Choice{{Mode: session.ModeGensyn}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Start calls = %+v, want %+v", got, want)
	}
	// The welcome of a backend that cannot sign in does not offer it (the golden stays as is).
	plain := newOnbHarness(t, newOnbBackend(t))
	if plain.shows("Join Gensyn testnet") {
		t.Fatal("Gensyn testnet offered without a sign-in backend")
	}
}

type shellAccountBackend struct {
	*fakeBackend
	*accounts
}

// TestShellAccount: the dashboard says who is signed in (email, account, session end) and
// Settings → Account signs out, which the dashboard then shows.
func TestShellAccount(t *testing.T) {
	srv := signintest.New()
	defer srv.Close()
	fb := newFakeBackend()
	fb.fakeStarter = &fakeStarter{id: testID}
	acc := newAccounts(t, srv)
	acc.signIn(t, srv, "someone@example.com")
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(760, 460))
	s := NewShell(w, &shellAccountBackend{fb, acc})
	s.async = func(f func()) { f() }
	s.background = func(func()) {}
	s.every = func(time.Duration, func()) {}
	s.newCharts = func() roundCharts { return &chartsRecorder{} }
	t.Cleanup(s.cancel)
	s.Start()

	sess, _ := acc.flow.Current()
	line := s.main.dash.account
	if !line.Visible() || !strings.Contains(line.Text, "Signed in as someone@example.com") ||
		!strings.Contains(line.Text, sess.Expires.Local().Format("2 Jan 2006")) {
		t.Fatalf("dashboard account line: visible %v %q", line.Visible(), line.Text)
	}
	if s.main.settings == nil || s.main.settings.account == nil {
		t.Fatal("Settings has no Account row")
	}
	out := onbFindButton(s.main.settings.account, "Sign out")
	if out == nil {
		t.Fatalf("Settings → Account shows %q", Texts(s.main.settings.account))
	}
	test.Tap(out)
	if cur, _ := acc.flow.Current(); cur != nil {
		t.Fatal("still signed in after Sign out")
	}
	if !strings.Contains(line.Text, "Not signed in") || line.Importance != widget.WarningImportance {
		t.Fatalf("dashboard after sign-out: %q", line.Text)
	}
	if onbFindButton(s.main.settings.account, "Email me a code") == nil {
		t.Fatalf("after sign-out Settings → Account shows %q", Texts(s.main.settings.account))
	}
}

// TestAccountText: an ended session says what to do; nobody signed in says how to take part.
func TestAccountText(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	sum := &signin.Summary{Email: "someone@example.com", Expires: now.Add(-time.Hour), Expired: true}
	for _, tc := range []struct {
		s    *signin.Summary
		want string
	}{
		{nil, "Sign in (Settings → Account) to take part"},
		{sum, "The session ended"},
		{&signin.Summary{Email: "someone@example.com", Expires: now.Add(time.Hour)}, "session until"},
	} {
		if got := accountText(tc.s, now); !strings.Contains(got, tc.want) {
			t.Errorf("accountText(%+v) = %q, want %q in it", tc.s, got, tc.want)
		}
	}
}

// A sign-in made while the node runs read-only takes effect at the next start: the dashboard
// says so instead of claiming the network is read-only for good.
func TestDashboardSignedInWhileReadOnly(t *testing.T) {
	test.NewTempApp(t)
	d := newDashboard(IdentityInfo{}, func(bool) {}, func(string) {})
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	d.now = func() time.Time { return now }
	snap := node.Snapshot{State: node.StateRunning, Submitting: false}
	d.setSnapshot(snap)
	if !strings.Contains(d.pending.Text, "read-only") {
		t.Fatalf("not signed in: %q", d.pending.Text)
	}
	d.setAccount(&signin.Summary{Email: "someone@example.com", Expires: now.Add(time.Hour)}, true)
	d.setSnapshot(snap)
	if !strings.Contains(d.pending.Text, "start swarmdesk again") {
		t.Fatalf("signed in after a read-only start: %q", d.pending.Text)
	}
	d.setAccount(&signin.Summary{Email: "someone@example.com", Expires: now.Add(-time.Hour), Expired: true}, true)
	d.setSnapshot(snap)
	if strings.Contains(d.pending.Text, "start swarmdesk again") {
		t.Fatalf("expired session: %q", d.pending.Text)
	}
}
