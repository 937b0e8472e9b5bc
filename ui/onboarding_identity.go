package ui

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/swarmdesk/swarmdesk/app/identity"
	"github.com/swarmdesk/swarmdesk/app/session"
)

// The identity step of the first run: keep this computer's identity or import rl-swarm's
// swarm.pem (picked or dropped on the window).

// onbMaxPEM bounds what is read from a picked or dropped file. rl-swarm's swarm.pem is about
// 1.2 KiB; anything far larger is the wrong file, and reading it whole would only waste memory.
const onbMaxPEM = 64 << 10

func (o *Onboarding) showIdentity() {
	o.idName = onbHeading("")
	o.idPeer = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	o.idPeer.Selectable = true
	o.idPeer.Truncation = fyne.TextTruncateEllipsis
	o.idStatus = onbText("Opening your keys…")

	back := widget.NewButtonWithIcon("Back", theme.NavigateBackIcon(), o.showWelcome)
	imp := widget.NewButtonWithIcon("Import swarm.pem from rl-swarm…", theme.FolderOpenIcon(), o.pickPEM)
	keep := widget.NewButtonWithIcon("Keep this identity", theme.NavigateNextIcon(), o.afterIdentity)
	keep.Importance = widget.HighImportance
	keep.IconPlacement = widget.ButtonIconTrailingText
	o.idButtons = []*widget.Button{imp, keep}
	o.setIdentityBusy(true)

	intro := onbText("Your node signs its work with this identity; its name and peer ID are how the swarm and " +
		"the leaderboard know you. If you already ran rl-swarm, import its swarm.pem to keep your name and rewards.")
	hint := onbText("You can also drop the swarm.pem file onto this window. Importing replaces the identity shown here.")
	hint.Importance = widget.LowImportance

	card := container.New(layout.NewFormLayout(),
		fieldLabel("Name"), o.idName,
		fieldLabel("Peer ID"), o.idPeer,
	)
	o.showPage(onbHeading("Your identity"), intro, widget.NewSeparator(), card, o.idStatus, hint,
		onbButtons(back, imp, keep))
	o.onIdentity = true
	o.win.SetOnDropped(o.dropped)

	o.async(func() {
		opened, err := o.b.Identity()
		id := opened.ID
		fyne.Do(func() {
			if !o.onIdentity {
				return // the person went back meanwhile
			}
			if err != nil {
				o.identityProblem(fmt.Sprintf("Could not open your identity: %v. Go back and try again, or restart swarmdesk.", err))
				o.idButtons[1].Disable() // nothing to keep; an import can still replace it
				o.idButtons[0].Enable()
				return
			}
			o.setIdentityBusy(false)
			o.setIdentity(id)
			o.idStatus.SetText("")
			o.relayout()
		})
	})
}

func (o *Onboarding) setIdentity(id *identity.Identity) {
	o.idName.SetText(id.Name())
	o.idPeer.SetText(id.PeerID.String())
}

func (o *Onboarding) setIdentityBusy(busy bool) {
	for _, b := range o.idButtons {
		if busy {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}

func (o *Onboarding) identityProblem(msg string) {
	o.idStatus.Importance = widget.DangerImportance
	o.idStatus.SetText(msg)
	o.relayout()
}

// afterIdentity goes to the invite when joining; hosting and trying locally need nothing more.
func (o *Onboarding) afterIdentity() {
	if o.mode == session.ModeJoin {
		o.showInvite()
		return
	}
	if o.mode == session.ModeGensyn {
		o.showSignIn()
		return
	}
	o.showStart()
}

// pickPEM opens the file picker, showing only .pem files since that is what rl-swarm writes.
func (o *Onboarding) pickPEM() {
	d := dialog.NewFileOpen(o.picked, o.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".pem"}))
	d.SetConfirmText("Import")
	d.Show()
}

// picked is the file picker's callback; r is nil when the person closed it without a choice.
func (o *Onboarding) picked(r fyne.URIReadCloser, err error) {
	if err != nil {
		o.identityProblem(fmt.Sprintf("Could not open that file: %v. Pick the swarm.pem in your rl-swarm folder.", err))
		return
	}
	if r == nil {
		return
	}
	o.importFrom(r.URI().Name(), func() (io.ReadCloser, error) { return r, nil })
}

// dropped is the window's drop handler while the identity step is shown. The first .pem file
// among the dropped items is imported; anything else is answered with what to drop instead.
func (o *Onboarding) dropped(_ fyne.Position, items []fyne.URI) {
	if !o.onIdentity || o.importing || len(items) == 0 {
		return
	}
	for _, u := range items {
		if strings.EqualFold(u.Extension(), ".pem") {
			o.importFrom(u.Name(), func() (io.ReadCloser, error) { return storage.Reader(u) })
			return
		}
	}
	o.identityProblem(fmt.Sprintf("%s is not a .pem file. Drop the swarm.pem from your rl-swarm folder.", items[0].Name()))
}

// importFrom reads the file and hands its bytes to Backend.ImportIdentity, both off the UI
// goroutine, then shows the new identity or what went wrong.
func (o *Onboarding) importFrom(name string, open func() (io.ReadCloser, error)) {
	o.importing = true
	o.setIdentityBusy(true)
	o.idStatus.Importance = widget.MediumImportance
	o.idStatus.SetText("Importing " + name + "…")
	o.async(func() {
		var id *identity.Identity
		b, err := onbReadPEM(name, open)
		if err == nil {
			id, err = o.b.ImportIdentity(b)
		}
		fyne.Do(func() {
			o.importing = false
			if !o.onIdentity {
				return
			}
			o.setIdentityBusy(false)
			if err != nil {
				o.identityProblem(onbImportProblem(name, err))
				return
			}
			o.setIdentity(id)
			o.idStatus.Importance = widget.SuccessImportance
			o.idStatus.SetText(fmt.Sprintf("Imported %s: this computer is now %s in the swarm.", name, id.Name()))
			o.relayout()
		})
	})
}

// onbReadPEM reads at most onbMaxPEM; a larger file is refused before it reaches the parser.
func onbReadPEM(name string, open func() (io.ReadCloser, error)) ([]byte, error) {
	r, err := open()
	if err != nil {
		return nil, fmt.Errorf("could not open %s: %w", name, err)
	}
	defer func() { _ = r.Close() }()
	b, err := io.ReadAll(io.LimitReader(r, onbMaxPEM+1))
	if err != nil {
		return nil, fmt.Errorf("could not read %s: %w", name, err)
	}
	if len(b) > onbMaxPEM {
		return nil, fmt.Errorf("%w: %s is larger than 64 KiB, and a swarm.pem is about 1 KiB", identity.ErrForeignKey, name)
	}
	return b, nil
}

// onbImportProblem turns an import error into the sentence shown under the identity.
func onbImportProblem(name string, err error) string {
	if errors.Is(err, identity.ErrForeignKey) {
		msg := err.Error()
		prefix := identity.ErrForeignKey.Error() + ": "
		if i := strings.Index(msg, prefix); i >= 0 {
			msg = msg[i+len(prefix):]
		}
		return fmt.Sprintf("This file is not an rl-swarm swarm.pem: %s. Pick the swarm.pem in your rl-swarm folder.", msg)
	}
	return fmt.Sprintf("Could not import %s: %v", name, err)
}

// --- Step 3: invite (join only) ------------------------------------------------------------
