package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/swarmdesk/swarmdesk/app/identity"
	"github.com/swarmdesk/swarmdesk/app/session"
)

// onbMaxPEM bounds what is read from a picked or dropped file. rl-swarm's swarm.pem is about
// 1.2 KiB; anything far larger is the wrong file, and reading it whole would only waste memory.
const onbMaxPEM = 64 << 10

// onboardingWidth is the widest the first-run steps grow: long lines are hard to read, and the
// choices should stay together on a large screen.
const onboardingWidth = 640

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

func (o *Onboarding) showInvite() {
	entry := widget.NewMultiLineEntry()
	entry.Wrapping = fyne.TextWrapBreak
	entry.SetMinRowsVisible(4)
	entry.SetPlaceHolder(session.InvitePrefix + "…")
	status := onbText("")

	back := widget.NewButtonWithIcon("Back", theme.NavigateBackIcon(), o.showIdentity)
	cont := widget.NewButtonWithIcon("Join this swarm", theme.NavigateNextIcon(), func() {
		if o.invite != nil {
			o.showStart()
		}
	})
	cont.Importance = widget.HighImportance
	cont.IconPlacement = widget.ButtonIconTrailingText

	validate := func(text string) {
		o.invite = nil
		cont.Disable()
		if strings.TrimSpace(text) == "" {
			status.Importance = widget.LowImportance
			status.SetText("Paste the invite to see what it contains.")
			return
		}
		inv, err := session.ParseInvite(text)
		if err != nil {
			status.Importance = widget.DangerImportance
			status.SetText("This invite cannot be used: " + err.Error() + ".")
			o.relayout()
			return
		}
		o.invite = &inv
		status.Importance = widget.SuccessImportance
		status.SetText(onbInviteSummary(inv))
		cont.Enable()
		o.relayout()
	}
	entry.OnChanged = validate
	prev := o.invite
	if prev != nil {
		entry.SetText(prev.String()) // coming back from the start step: keep what was pasted
	}
	validate(entry.Text)

	intro := onbText("Ask the person who hosts the swarm to press \"Copy invite\" on their swarmdesk dashboard and " +
		"send you the text, then paste it here. It tells this computer where the swarm's chain, coordinator and first peers are.")
	o.showPage(onbHeading("Paste the invite"), intro, entry, status, onbButtons(back, cont))
}

// onbInviteSummary says what a valid invite points at, so a person can tell it is the right one.
func onbInviteSummary(inv session.Invite) string {
	nodes := "1 bootnode"
	if n := len(inv.Bootnodes); n != 1 {
		nodes = fmt.Sprintf("%d bootnodes", n)
	}
	return fmt.Sprintf("Valid invite: chain %d at %s, coordinator %s, %s. Press Join this swarm to continue.",
		inv.ChainID, session.RedactURL(inv.RPCURL), onbShortHex(inv.Contract), nodes)
}

// onbShortHex abbreviates an address to its first and last four digits, the way wallets show it.
func onbShortHex(s string) string {
	if len(s) <= 12 {
		return s
	}
	return s[:6] + "…" + s[len(s)-4:]
}

// --- Step 4: start -------------------------------------------------------------------------

// onbStages is the order Backend.Start goes through its stages: the one table of their names,
// as the onboarding's stage list shows them (label) and as a later launch's progress line
// says them while under way (doing, see stageText).
var onbStages = []struct {
	stage        session.Stage
	label, doing string
}{
	{session.StageIdentity, "Open your identity", "Opening your identity"},
	{session.StageChain, "Connect to the chain", "Connecting to the chain"},
	{session.StageRegister, "Register your peer on the chain", "Registering your peer on the chain"},
	{session.StageSwarm, "Find peers in the swarm", "Finding peers in the swarm"},
	{session.StageDownload, "Download the model", "Downloading the model"},
	{session.StageLoad, "Load the model", "Loading the model"},
	{session.StageReady, "Start training", "Starting training"},
}

// onbStage is one line of the stage list: an icon for its state and its name.
type onbStage struct {
	st                  onbStageState
	text                string // the stage's name
	pending, done, fail *widget.Icon
	busy                *widget.Activity
	label               *widget.Label
}

type onbStageState int

const (
	onbPending onbStageState = iota
	onbBusy
	onbDone
	onbFailed
)

func newOnbStage(label string) *onbStage {
	r := &onbStage{
		pending: widget.NewIcon(theme.RadioButtonIcon()),
		done:    widget.NewIcon(theme.NewSuccessThemedResource(theme.ConfirmIcon())),
		fail:    widget.NewIcon(theme.NewErrorThemedResource(theme.ErrorIcon())),
		busy:    widget.NewActivity(),
		label:   widget.NewLabel(label),
		text:    label,
	}
	r.set(onbPending)
	return r
}

func (r *onbStage) object() fyne.CanvasObject {
	return container.NewBorder(nil, nil, container.NewStack(r.pending, r.done, r.fail, r.busy), nil, r.label)
}

// state is what the row shows now.
func (r *onbStage) state() onbStageState { return r.st }

func (r *onbStage) set(s onbStageState) {
	r.st = s
	show := func(o fyne.CanvasObject, on bool) {
		if on {
			o.Show()
		} else {
			o.Hide()
		}
	}
	show(r.pending, s == onbPending)
	show(r.done, s == onbDone)
	show(r.fail, s == onbFailed)
	show(r.busy, s == onbBusy)
	if s == onbBusy {
		r.busy.Start()
	} else {
		r.busy.Stop()
	}
	r.label.TextStyle.Bold = s == onbBusy || s == onbFailed
	r.label.Text = r.text
	if s == onbFailed {
		r.label.Text = r.text + ": failed"
	}
	switch s {
	case onbPending:
		r.label.Importance = widget.LowImportance
	case onbFailed:
		r.label.Importance = widget.DangerImportance
	default:
		r.label.Importance = widget.MediumImportance
	}
	r.label.Refresh()
}

func (o *Onboarding) startTitle() string {
	switch o.mode {
	case session.ModeJoin:
		return "Joining the swarm"
	case session.ModeHost:
		return "Starting your swarm"
	default:
		return "Starting swarmdesk on this computer"
	}
}

func (o *Onboarding) showStart() {
	o.stages = o.stages[:0]
	list := container.New(layout.NewCustomPaddedVBoxLayout(0))
	for _, s := range onbStages {
		r := newOnbStage(s.label)
		o.stages = append(o.stages, r)
		list.Add(r.object())
	}
	o.message = onbText("")
	o.bar = widget.NewProgressBar()
	bar := o.bar
	bar.TextFormatter = func() string {
		return fmt.Sprintf("%s of %s", onbBytes(int64(bar.Value)), onbBytes(int64(bar.Max)))
	}
	o.failText = onbText("")
	next := onbText("Fix what the message above describes, then press Try again, or Back to change your choice.")
	next.Importance = widget.LowImportance
	o.noNet = container.NewVBox()
	o.failure = container.NewVBox(o.failText, o.noNet, next)

	cancel := widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), o.cancelStart)
	o.running = container.NewHBox(layout.NewSpacer(), cancel)
	back := widget.NewButtonWithIcon("Back", theme.NavigateBackIcon(), o.backFromStart)
	retry := widget.NewButtonWithIcon("Try again", theme.ViewRefreshIcon(), o.run)
	retry.Importance = widget.HighImportance
	o.failed = onbButtons(back, retry)

	o.showPage(onbHeading(o.startTitle()), list, o.message, o.bar, o.failure, o.running, o.failed)
	o.run()
}

// run starts (or retries) the node with the choice made, resetting the stage list.
func (o *Onboarding) run() {
	if o.cancel != nil {
		o.cancel()
	}
	o.attempt++
	n := o.attempt
	ctx, cancel := context.WithCancel(context.Background())
	o.cancel = cancel

	o.current = 0
	for i, r := range o.stages {
		if i == 0 {
			r.set(onbBusy)
		} else {
			r.set(onbPending)
		}
	}
	o.message.SetText("This can take a few minutes the first time: the model is downloaded once.")
	o.message.Show()
	o.bar.Hide()
	o.failure.Hide()
	o.failed.Hide()
	o.running.Show()
	o.relayout()

	c := session.Choice{Mode: o.mode}
	if o.mode == session.ModeJoin && o.invite != nil {
		inv := *o.invite
		c.Invite = &inv
	}
	o.async(func() {
		err := o.b.Start(ctx, c, func(p session.Progress) {
			fyne.Do(func() {
				if n == o.attempt {
					o.progress(p)
				}
			})
		})
		fyne.Do(func() {
			if n != o.attempt {
				return // cancelled or retried meanwhile
			}
			o.cancel = nil
			cancel()
			if err != nil {
				o.fail(err)
				return
			}
			o.succeed()
		})
	})
}

// progress marks every stage before p's as done and p's as the one in progress. Stages Start
// skips (a model already downloaded) are thereby shown as done too.
func (o *Onboarding) progress(p session.Progress) {
	idx := onbStageIndex(p.Stage)
	if idx < 0 {
		return // a stage this screen does not know: keep the list as it is
	}
	o.current = idx
	for i, r := range o.stages {
		switch {
		case i < idx:
			r.set(onbDone)
		case i == idx:
			r.set(onbBusy)
		default:
			r.set(onbPending)
		}
	}
	if p.Message != "" {
		o.message.SetText(p.Message)
	}
	if (p.Stage == session.StageDownload || p.Stage == session.StageLoad) && p.Total > 0 {
		o.bar.Max = float64(p.Total)
		o.bar.SetValue(float64(min(p.Done, p.Total)))
		o.bar.Show()
	} else {
		o.bar.Hide()
	}
	o.relayout()
}

func onbStageIndex(s session.Stage) int {
	for i, st := range onbStages {
		if st.stage == s {
			return i
		}
	}
	return -1
}

// fail shows the stage that failed in red, the backend's message (which says what to do) and
// the Try again / Back buttons.
func (o *Onboarding) fail(err error) {
	for i, r := range o.stages {
		switch {
		case i < o.current:
			r.set(onbDone)
		case i == o.current:
			r.set(onbFailed)
		default:
			r.set(onbPending)
		}
	}
	o.failText.SetText(err.Error())
	o.offerModels(err)
	o.message.Hide()
	o.bar.Hide()
	o.running.Hide()
	o.failure.Show()
	o.failed.Show()
	o.relayout()
}

// succeed marks everything done and hands over to the dashboard, exactly once.
func (o *Onboarding) succeed() {
	for _, r := range o.stages {
		r.set(onbDone)
	}
	o.bar.Hide()
	o.running.Hide()
	o.relayout()
	if o.finished {
		return
	}
	o.finished = true
	if o.done != nil {
		o.done()
	}
}

// cancelStart stops the start-up and returns to the welcome, where any choice can be made again.
func (o *Onboarding) cancelStart() {
	o.stopAttempt()
	o.showWelcome()
}

// backFromStart returns to the step before the start: the invite when joining, else the identity.
func (o *Onboarding) backFromStart() {
	o.stopAttempt()
	if o.mode == session.ModeJoin {
		o.showInvite()
		return
	}
	o.showIdentity()
}

func (o *Onboarding) stopAttempt() {
	o.attempt++ // whatever the old attempt still reports is ignored
	if o.cancel != nil {
		o.cancel()
		o.cancel = nil
	}
}

// onbBytes writes a size the way download dialogs do, in decimal units ("312 MB").
func onbBytes(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%d MB", (n+5e5)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%d KB", (n+500)/1e3)
	default:
		return fmt.Sprintf("%d B", n)
	}
}

// --- Layout helpers ------------------------------------------------------------------------

// showPage shows a step: its parts stacked, centred and at most onboardingWidth wide, scrolling
// when the window is too short (the layout must still work at 800×500).
func (o *Onboarding) showPage(parts ...fyne.CanvasObject) {
	o.body = container.NewVBox(parts...)
	o.scroll = container.NewVScroll(container.New(onbColumn{width: onboardingWidth}, container.NewPadded(o.body)))
	o.show(o.scroll)
}

// relayout lays the step out again after parts were shown or hidden, or text changed height:
// a hidden object keeps its place until its container is laid out, and the scroll keeps the
// content height it had.
func (o *Onboarding) relayout() {
	if o.body == nil {
		return
	}
	o.body.Refresh()
	o.scroll.Refresh()
}

// onbButtons puts Back on the left and the step's actions on the right, as wizards do.
func onbButtons(back *widget.Button, actions ...*widget.Button) *fyne.Container {
	objs := []fyne.CanvasObject{back, layout.NewSpacer()}
	for _, a := range actions {
		objs = append(objs, a)
	}
	return container.NewHBox(objs...)
}

func onbHeading(s string) *widget.Label {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

func onbText(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// onbColumn gives its content at most width (long lines are hard to read), centred horizontally,
// and centres it vertically when the window has height to spare.
type onbColumn struct{ width float32 }

func (c onbColumn) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		if o.Visible() {
			s = s.Max(o.MinSize())
		}
	}
	return s
}

func (c onbColumn) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := min(size.Width, c.width)
	for _, o := range objs {
		// Wrapped text is only as tall as its width allows, so size the width first and then
		// ask for the height.
		o.Resize(fyne.NewSize(w, o.MinSize().Height))
		h := o.MinSize().Height
		o.Resize(fyne.NewSize(w, h))
		o.Move(fyne.NewPos((size.Width-w)/2, max(0, (size.Height-h)/2)))
	}
}
