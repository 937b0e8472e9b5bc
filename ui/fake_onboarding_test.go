package ui

import (
	"context"
	"sync"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/swarmdesk/swarmdesk/app/identity"
	"github.com/swarmdesk/swarmdesk/app/session"
	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

// onbBackend is the fake backend with two behaviours the onboarding tests need: ImportIdentity
// parses the bytes with the real swarm.pem parser after the fake recorded them (so a bad file
// fails the way it would in the app), and Start can block until its context is cancelled (so
// the progress screen can be looked at, and Cancel tested, while a start is under way).
type onbBackend struct {
	*fakeBackend

	// block makes Start wait for its context after reporting startProgress.
	block bool
	// reported receives the context once Start reported its progress (block only).
	reported chan context.Context

	store secrets.Store
}

func newOnbBackend(t *testing.T) *onbBackend {
	t.Helper()
	s, err := secrets.Open(secrets.Options{Backend: secrets.BackendKeyring, Service: "onboarding-test", Keyring: secrets.NewMemKeyring()})
	if err != nil {
		t.Fatal(err)
	}
	f := newFakeBackend()
	f.hasChoice = false // first run
	return &onbBackend{fakeBackend: f, reported: make(chan context.Context, 1), store: s}
}

func (b *onbBackend) ImportIdentity(pem []byte) (*identity.Identity, error) {
	if _, err := b.fakeBackend.ImportIdentity(pem); err != nil {
		return nil, err
	}
	return identity.Import(b.store, pem, true)
}

func (b *onbBackend) Start(ctx context.Context, c session.Choice, progress func(session.Progress)) error {
	if !b.block {
		return b.fakeBackend.Start(ctx, c, progress)
	}
	b.fakeBackend.mu.Lock()
	b.fakeBackend.started = append(b.fakeBackend.started, c)
	steps := b.fakeBackend.startProgress
	b.fakeBackend.mu.Unlock()
	for _, p := range steps {
		progress(p)
	}
	b.reported <- ctx
	<-ctx.Done()
	return ctx.Err()
}

// importedBytes is a copy of what ImportIdentity received.
func (b *onbBackend) importedBytes() [][]byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([][]byte(nil), b.imported...)
}

// dropWindow records the drop handler a screen installs; the test driver's window ignores it.
type dropWindow struct {
	fyne.Window
	mu     sync.Mutex
	onDrop func(fyne.Position, []fyne.URI)
}

func (w *dropWindow) SetOnDropped(f func(fyne.Position, []fyne.URI)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.onDrop = f
}

// drop plays a drop onto the window; it reports false when no handler is installed.
func (w *dropWindow) drop(uris ...fyne.URI) bool {
	w.mu.Lock()
	f := w.onDrop
	w.mu.Unlock()
	if f == nil {
		return false
	}
	f(fyne.NewPos(10, 10), uris)
	return true
}
