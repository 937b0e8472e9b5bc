// Package ui is the desktop app's screens. Screens only show state and forward what the person
// does; opening the key store, creating identities and everything else happens in app/.
package ui

import (
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/swarmdesk/swarmdesk/app/identity"
	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

// Starter is what the window needs from the node's start-up (app/env.Env implements it).
type Starter interface {
	// Identity opens the key store and loads the identity, creating one on first run.
	Identity() (*identity.Identity, secrets.Store, bool, error)
	// NewSecretsFile reports whether a passphrase would create a new encrypted store.
	NewSecretsFile() bool
	SetPassphrase([]byte)
	SecretsDir() string
}

// Shell holds the window's content and switches between the start-up screens.
type Shell struct {
	win   fyne.Window
	start Starter
	root  *fyne.Container
	// OnIdentity is called on the UI goroutine once the identity screen is shown.
	OnIdentity func(IdentityInfo)
	// async runs slow work off the UI goroutine; tests replace it to run synchronously.
	async func(func())
}

// NewShell builds the window content; call Start to begin loading.
func NewShell(win fyne.Window, start Starter) *Shell {
	s := &Shell{win: win, start: start, root: container.NewStack(), async: func(f func()) { go f() }}
	win.SetContent(s.root)
	return s
}

// Start shows a progress screen and loads the identity in the background (creating an RSA key
// takes a moment on a slow machine).
func (s *Shell) Start() {
	s.show(progressScreen("Opening your keys…"))
	s.async(s.load)
}

func (s *Shell) load() {
	id, store, created, err := s.start.Identity()
	fyne.Do(func() {
		switch {
		case err == nil:
			info := NewIdentityInfo(id, store.Location(), created)
			s.show(identityScreen(info, s.copy))
			if s.OnIdentity != nil {
				s.OnIdentity(info)
			}
		case errors.Is(err, secrets.ErrPassphraseRequired):
			s.show(s.passphraseScreen(""))
		case errors.Is(err, secrets.ErrWrongPassphrase):
			s.show(s.passphraseScreen("Wrong passphrase. Try again."))
		default:
			s.show(errorScreen(err, s.Start))
		}
	})
}

func (s *Shell) show(o fyne.CanvasObject) {
	s.root.Objects = []fyne.CanvasObject{o}
	s.root.Refresh()
}

// Content is the current screen (for tests and the UI dump).
func (s *Shell) Content() fyne.CanvasObject {
	if len(s.root.Objects) == 0 {
		return nil
	}
	return s.root.Objects[0]
}

func (s *Shell) copy(text string) {
	fyne.CurrentApp().Clipboard().SetContent(text)
}

func (s *Shell) passphraseScreen(problem string) fyne.CanvasObject {
	return passphraseScreen(s.start.NewSecretsFile(), s.start.SecretsDir(), problem, func(p []byte) {
		s.start.SetPassphrase(p)
		s.show(progressScreen("Unlocking…"))
		s.async(s.load)
	})
}

func progressScreen(msg string) fyne.CanvasObject {
	bar := widget.NewProgressBarInfinite()
	return container.NewCenter(container.NewVBox(widget.NewLabel(msg), bar))
}

func errorScreen(err error, retry func()) fyne.CanvasObject {
	title := widget.NewLabelWithStyle("swarmdesk could not start", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	msg := widget.NewLabel(fmt.Sprint(err))
	msg.Wrapping = fyne.TextWrapWord
	return container.NewPadded(container.NewVBox(title, msg, widget.NewButton("Try again", retry)))
}
