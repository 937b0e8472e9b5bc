package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/swarmdesk/swarmdesk/app/session"
)

// Onboarding is the first-run flow: welcome (join, host or try locally) → identity (keep it or
// import rl-swarm's swarm.pem) → the invite (join only) → starting the node with its progress.
// It holds no business logic: invites are checked by session.ParseInvite, identities imported by
// Backend.ImportIdentity, and the node started by Backend.Start.
type Onboarding struct {
	b     Backend
	win   fyne.Window
	async func(func())
	done  func()

	root   *fyne.Container // holds the current step
	body   *fyne.Container // the current step's parts
	scroll *container.Scroll

	mode   session.Mode
	invite *session.Invite // ModeJoin: the parsed invite, kept when going back and forth

	// Identity step.
	onIdentity bool // the identity step is shown, so drops are accepted
	importing  bool // an import runs; further drops are ignored until it ends
	idName     *widget.Label
	idPeer     *widget.Label
	idStatus   *widget.Label
	idButtons  []*widget.Button

	// Start step. attempt numbers each Start call so updates from a cancelled or superseded
	// attempt, still arriving from its goroutine, are dropped.
	attempt  int
	cancel   context.CancelFunc
	finished bool // done was called
	ident    *IdentityInfo
	stages   []*onbStage
	current  int // index in stages of the stage in progress
	message  *widget.Label
	bar      *widget.ProgressBar
	failure  *fyne.Container
	failText *widget.Label
	noNet    *fyne.Container // the other ways to a model, when the download found no internet
	running  *fyne.Container // Cancel
	failed   *fyne.Container // Back, Try again
}

// NewOnboarding builds the first-run flow at its welcome step. async runs slow work (disk, chain,
// network) off the UI goroutine; done is called once, on the UI goroutine, after Backend.Start
// returned nil, i.e. when the node runs and the dashboard can take over.
func NewOnboarding(b Backend, win fyne.Window, async func(func()), done func()) *Onboarding {
	o := &Onboarding{b: b, win: win, async: async, done: done, root: container.NewStack()}
	o.showWelcome()
	return o
}

// Object is the flow's content; the window shows it until done is called.
func (o *Onboarding) Object() fyne.CanvasObject { return o.root }

// show replaces the current step. Drops are only meaningful on the identity step, so the window's
// drop handler is cleared here and set again by that step.
func (o *Onboarding) show(step fyne.CanvasObject) {
	o.onIdentity = false
	o.win.SetOnDropped(nil)
	o.root.Objects = []fyne.CanvasObject{step}
	o.root.Refresh()
}

// --- Step 1: welcome -----------------------------------------------------------------------

func (o *Onboarding) showWelcome() {
	icon := canvas.NewImageFromResource(appIcon)
	icon.SetMinSize(fyne.NewSize(56, 56))
	icon.FillMode = canvas.ImageFillContain
	title := onbHeading("Welcome to swarmdesk")
	intro := onbText("swarmdesk lets this computer help train an AI model together with other computers in a " +
		"decentralized reinforcement-learning swarm, with every node's contribution recorded on a blockchain.")
	header := container.NewBorder(nil, nil, icon, nil, container.NewVBox(title, intro))

	choice := func(label string, icon fyne.Resource, primary bool, what string, mode session.Mode) []fyne.CanvasObject {
		btn := widget.NewButtonWithIcon(label, icon, func() { o.choose(mode) })
		btn.Alignment = widget.ButtonAlignLeading
		if primary {
			btn.Importance = widget.HighImportance
		}
		return []fyne.CanvasObject{btn, onbText(what)}
	}
	var rows []fyne.CanvasObject
	rows = append(rows, choice("Join a swarm", theme.LoginIcon(), true,
		"Someone runs a swarm and sent you an invite: paste it, and this computer trains with theirs.", session.ModeJoin)...)
	rows = append(rows, o.gensynChoice()...)
	rows = append(rows, choice("Host a swarm on this computer", theme.ComputerIcon(), false,
		"Run a new swarm here (its chain, coordinator and bootnode), then share its invite so others can join.", session.ModeHost)...)
	rows = append(rows, choice("Try it locally", theme.MediaPlayIcon(), false,
		"Train alone on a private chain on this computer, to see how it works. No invite or other computers needed.", session.ModeLocal)...)
	choices := container.New(layout.NewFormLayout(), rows...)

	parts := []fyne.CanvasObject{header, widget.NewSeparator(), widget.NewLabel("How do you want to start?"), choices}
	if o.ident != nil {
		who := widget.NewLabelWithStyle("This computer's node: "+o.ident.Name+" · "+o.ident.PeerID,
			fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
		who.Wrapping = fyne.TextWrapWord
		parts = append(parts, widget.NewSeparator(), who)
	}
	o.showPage(parts...)
}

// SetIdentity shows which node this computer is on the welcome step (the shell loaded it
// already); the next step still offers to import an rl-swarm identity instead.
func (o *Onboarding) SetIdentity(info IdentityInfo) {
	o.ident = &info
	o.showWelcome()
}

// choose records the mode and moves on to the identity, which every mode needs.
func (o *Onboarding) choose(m session.Mode) {
	o.mode = m
	o.showIdentity()
}

// --- Step 2: identity ----------------------------------------------------------------------
