package ui

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	ethcrypto "github.com/ethereum/go-ethereum/crypto"
	"github.com/libp2p/go-libp2p/core/crypto"

	"github.com/swarmdesk/swarmdesk/app/identity"
	"github.com/swarmdesk/swarmdesk/app/session"
	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

// fakeStarter plays the node's start-up: it needs a passphrase when want != "" and none (or a
// wrong one) was set.
type fakeStarter struct {
	id       *identity.Identity
	want     string // passphrase of the encrypted store; "" = keychain, no passphrase needed
	got      []byte
	creating bool
	err      error // returned instead of the identity
	calls    int
}

func (f *fakeStarter) Identity() (session.OpenedIdentity, error) {
	f.calls++
	if f.err != nil {
		return session.OpenedIdentity{}, f.err
	}
	if f.want != "" {
		switch {
		case f.got == nil:
			return session.OpenedIdentity{}, fmt.Errorf("open: %w", &session.LockedError{Err: errors.New("passphrase required")})
		case string(f.got) != f.want:
			return session.OpenedIdentity{}, fmt.Errorf("open: %w", &session.LockedError{Prompt: session.WrongPassphrase, Err: errors.New("wrong passphrase")})
		}
	}
	s, _ := secrets.Open(secrets.Options{Backend: secrets.BackendKeyring, Service: "t", Keyring: secrets.NewMemKeyring()})
	return session.OpenedIdentity{ID: f.id, KeyLocation: s.Location()}, nil
}
func (f *fakeStarter) NewSecretsFile() bool   { return f.creating }
func (f *fakeStarter) SetPassphrase(p []byte) { f.got = p }
func (f *fakeStarter) SecretsDir() string     { return "/home/ana/.local/share/swarmdesk" }

// testID is fixed (seeded keys) so texts that print its name or address wrap the same on every run
// and the golden screenshots stay stable.
var testID = func() *identity.Identity {
	k, _, err := crypto.GenerateEd25519Key(bytes.NewReader(bytes.Repeat([]byte{7}, 64)))
	if err != nil {
		panic(err)
	}
	acct, err := ethcrypto.HexToECDSA(strings.Repeat("5a", 32))
	if err != nil {
		panic(err)
	}
	id, err := identity.FromKeys(k, acct)
	if err != nil {
		panic(err)
	}
	return id
}()

func newTestShell(t *testing.T, st *fakeStarter) (*Shell, fyne.Window) {
	t.Helper()
	b := newFakeBackend()
	b.fakeStarter = st
	s, w, _ := newTestShellWith(t, b)
	return s, w
}

// newTestShellWith is a shell on b whose backend calls run synchronously and whose background
// loops (event pump, timers) are off: tests drive events and refreshes by hand.
func newTestShellWith(t *testing.T, b *fakeBackend) (*Shell, fyne.Window, *fakeBackend) {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(760, 460))
	s := NewShell(w, b)
	s.async = func(f func()) { f() }
	s.background = func(func()) {}
	s.every = func(time.Duration, func()) {}
	s.newCharts = func() roundCharts { return &chartsRecorder{} }
	t.Cleanup(s.cancel)
	return s, w, b
}

func hasText(o fyne.CanvasObject, want string) bool {
	return slices.ContainsFunc(Texts(o), func(s string) bool { return strings.Contains(s, want) })
}

func TestShellShowsIdentity(t *testing.T) {
	st := &fakeStarter{id: testID}
	s, _ := newTestShell(t, st)
	var shown IdentityInfo
	s.OnIdentity = func(i IdentityInfo) { shown = i }
	s.Start()
	for _, want := range []string{testID.PeerID.String(), testID.Name(), "Training on"} {
		if !hasText(s.Content(), want) {
			t.Errorf("identity screen lacks %q; shows %q", want, Texts(s.Content()))
		}
	}
	if shown.PeerID != testID.PeerID.String() {
		t.Fatalf("OnIdentity got %+v", shown)
	}
}

func TestCopyPeerID(t *testing.T) {
	s, _ := newTestShell(t, &fakeStarter{id: testID})
	s.Start()
	btn := findButton(s.Content(), "")
	if btn == nil {
		t.Fatal("no copy button")
	}
	test.Tap(btn)
	if got := fyne.CurrentApp().Clipboard().Content(); got != testID.PeerID.String() {
		t.Fatalf("clipboard = %q, want the peer ID", got)
	}
}

func TestUnlockFlow(t *testing.T) {
	st := &fakeStarter{id: testID, want: "open sesame"}
	s, _ := newTestShell(t, st)
	s.Start()
	if !hasText(s.Content(), "Unlock your keys") {
		t.Fatalf("want the unlock screen, got %q", Texts(s.Content()))
	}
	entries := findEntries(s.Content())
	if len(entries) != 1 {
		t.Fatalf("unlock screen has %d entries, want 1 (no confirmation when unlocking)", len(entries))
	}
	test.Type(entries[0], "wrong one")
	test.Tap(findButton(s.Content(), "Unlock"))
	if !hasText(s.Content(), "Wrong passphrase") {
		t.Fatalf("after a wrong passphrase: %q", Texts(s.Content()))
	}
	entries = findEntries(s.Content())
	test.Type(entries[0], "open sesame")
	test.Tap(findButton(s.Content(), "Unlock"))
	if !hasText(s.Content(), testID.PeerID.String()) {
		t.Fatalf("after the right passphrase: %q", Texts(s.Content()))
	}
}

func TestCreatePassphraseValidation(t *testing.T) {
	st := &fakeStarter{id: testID, want: "long enough pw", creating: true}
	s, _ := newTestShell(t, st)
	s.Start()
	if !hasText(s.Content(), "Protect your keys") {
		t.Fatalf("want the create screen, got %q", Texts(s.Content()))
	}
	tests := []struct{ pass, again, problem string }{
		{"", "", "Type your passphrase."},
		{"short", "short", "at least 8"},
		{"long enough pw", "long enough px", "differ"},
	}
	for _, tt := range tests {
		e := findEntries(s.Content())
		e[0].SetText(tt.pass)
		e[1].SetText(tt.again)
		test.Tap(findButton(s.Content(), "Create"))
		if !hasText(s.Content(), tt.problem) {
			t.Errorf("%q/%q: screen shows %q, want %q", tt.pass, tt.again, Texts(s.Content()), tt.problem)
		}
		if st.got != nil {
			t.Fatalf("passphrase %q was accepted", st.got)
		}
	}
	e := findEntries(s.Content())
	e[0].SetText("long enough pw")
	e[1].SetText("long enough pw")
	test.Tap(findButton(s.Content(), "Create"))
	if !hasText(s.Content(), testID.Name()) {
		t.Fatalf("after creating: %q", Texts(s.Content()))
	}
}

func TestStartErrorOffersRetry(t *testing.T) {
	st := &fakeStarter{err: errors.New("read identity: keychain locked")}
	s, _ := newTestShell(t, st)
	s.Start()
	if !hasText(s.Content(), "keychain locked") {
		t.Fatalf("error screen: %q", Texts(s.Content()))
	}
	st.err = nil
	st.id = testID
	test.Tap(findButton(s.Content(), "Try again"))
	if st.calls != 2 || !hasText(s.Content(), testID.Name()) {
		t.Fatalf("retry: calls=%d, screen %q", st.calls, Texts(s.Content()))
	}
}

// The identity screen's layout, as a markup master (stable across fonts, unlike pixels).
func TestIdentityScreenMarkup(t *testing.T) {
	test.NewTempApp(t)
	info := IdentityInfo{Name: "beaked fishy cat", PeerID: "QmQ2gEXoPJg6iMBSUFWGzAabS2VhnzuS782Y637hGjfsRJ",
		Address: "0x9A745Ea2DC64B5eD04B44Db580Fa70e37EF8BB90", KeyLocation: "OS keychain (Secret Service, service \"io.swarmdesk.app\")"}
	w := test.NewTempWindow(t, identityScreen(info, func(string) {}))
	w.Resize(fyne.NewSize(760, 460))
	test.AssertRendersToMarkup(t, "identity.xml", w.Canvas())
}

func findButton(o fyne.CanvasObject, text string) *widget.Button {
	var found *widget.Button
	walk(o, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	return found
}

func findEntries(o fyne.CanvasObject) []*widget.Entry {
	var out []*widget.Entry
	walk(o, func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok {
			out = append(out, e)
		}
	})
	return out
}

func walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	fn(o)
	switch c := o.(type) {
	case *fyne.Container:
		for _, ch := range c.Objects {
			walk(ch, fn)
		}
	case *container.Scroll:
		walk(c.Content, fn)
	case *card:
		walk(c.title, fn)
		walk(c.content, fn)
	}
}
