package ui

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/swarmdesk/swarmdesk/app/node"
	"github.com/swarmdesk/swarmdesk/app/session"
)

// roundPhases is the order a round goes through (app/node/events.go), for the round's progress
// bar. PhaseWait comes first: a node waiting for the chain has not started the round yet.
var roundPhases = []node.Phase{
	node.PhaseWait, node.PhaseGenerate, node.PhasePublish, node.PhaseGather,
	node.PhaseScore, node.PhaseTrain, node.PhaseCheckpoint, node.PhaseSubmit,
}

// phaseProgress is how far through the round phase p is, 0..1: the bar moves at each phase
// change, which is the only progress the node reports.
func phaseProgress(p node.Phase) float64 {
	i := slices.Index(roundPhases, p)
	if i < 0 {
		return 0
	}
	return float64(i+1) / float64(len(roundPhases))
}

// phaseText says what the node does in a phase, in words a person understands.
func phaseText(p node.Phase) string {
	switch p {
	case node.PhaseWait:
		return "waiting for the round to start"
	case node.PhaseGenerate:
		return "answering questions"
	case node.PhasePublish:
		return "sharing answers"
	case node.PhaseGather:
		return "collecting peers' answers"
	case node.PhaseScore:
		return "scoring answers"
	case node.PhaseTrain:
		return "training"
	case node.PhaseCheckpoint:
		return "saving progress"
	case node.PhaseSubmit:
		return "submitting to the chain"
	case node.PhaseNone:
		return "—"
	}
	return string(p)
}

// stateText is the status line under the switch. The paused states say why, because a node that
// stopped on its own (battery, someone at the keyboard) otherwise looks broken.
func stateText(st node.State, training bool) string {
	switch st {
	case node.StatePaused:
		return "Paused — turn training on to continue"
	case node.StateOnBattery:
		return "Paused: running on battery (Settings → Run only on AC power)"
	case node.StateUserActive:
		return "Paused while you use the computer (Settings → Run only when idle)"
	case node.StateStarting:
		return "Starting…"
	case node.StateRunning:
		return "Training"
	case node.StateWaiting:
		return "Waiting for the next round"
	case node.StateStopped:
		return "Stopped"
	case node.StateIdle:
		if !training {
			return "Paused"
		}
		return "Getting ready"
	}
	return string(st)
}

// applyEvent folds one node event into the dashboard's copy of the node's status, so the screen
// follows the event stream between snapshots without asking the node for every change.
func applyEvent(s *node.Snapshot, ev node.Event) {
	switch ev.Kind {
	case node.EventState:
		s.State = ev.State
		s.Paused = ev.State == node.StatePaused
	case node.EventPhase:
		s.Phase = ev.Phase
		if ev.Round != 0 {
			s.Round = ev.Round
		}
	case node.EventRound:
		if ev.Metrics != nil {
			m := *ev.Metrics
			s.Last = &m
			s.Round = m.Round
			s.RoundsPlayed++
			if m.Round >= s.NextRound {
				s.NextRound = m.Round + 1
			}
		}
	case node.EventError:
		s.LastError = ev.Err
		s.Errors++
	}
}

// formatBytes prints a memory size the way people read them (GiB with one decimal).
func formatBytes(b uint64) string {
	switch {
	case b == 0:
		return "unknown"
	case b >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", b>>10)
}

// deviceText is the one-line summary of what the engine computes on.
func deviceText(d session.Device) string {
	parts := []string{}
	if d.Kind != "" {
		parts = append(parts, d.Kind)
	}
	if d.Name != "" {
		parts = append(parts, d.Name)
	}
	if d.MemoryBytes > 0 {
		parts = append(parts, formatBytes(d.MemoryBytes)+" memory")
	}
	if d.LimitBytes > 0 {
		parts = append(parts, "limit "+formatBytes(d.LimitBytes))
	}
	if len(parts) == 0 {
		return "—"
	}
	if d.Note != "" { // why the engine is not on the device chosen in Settings
		return strings.Join(parts, " · ") + "\n" + d.Note
	}
	return strings.Join(parts, " · ")
}

// trainsText is the node's memory plan sentence (what it trains and why), capitalised.
func trainsText(plan string) string {
	if plan == "" {
		return ""
	}
	return strings.ToUpper(plan[:1]) + plan[1:]
}

// lastRoundText is the last round's outcome in one line.
func lastRoundText(m *node.RoundMetrics) string {
	if m == nil {
		return "no round played yet"
	}
	s := fmt.Sprintf("round %d: reward %.3f", m.Round, m.Reward)
	if m.Trained {
		s += fmt.Sprintf(", loss %.4f", m.Loss)
	} else if m.TrainError != "" {
		s += ", not trained: " + m.TrainError
	}
	return s + "\n" + m.DiskText()
}

// dashboard is the main screen: the training switch and the node's status. It only shows what the
// shell hands it (snapshot, events, device) and forwards the switch to onTraining.
type dashboard struct {
	snap     node.Snapshot
	training bool

	toggle      *toggle
	toggleLabel *widget.Label
	state       *widget.Label
	name        *widget.Label
	peerID      *widget.Label
	round       *widget.Label
	phase       *widget.Label
	phaseBar    *widget.ProgressBar
	device      *widget.Label
	model       *widget.Label
	learns      *widget.Label // what the node trains and why (the memory plan)
	peers       *widget.Label
	peerView    *widget.Label
	last        *widget.Label
	pending     *widget.Label
	lastErr     *widget.Label
	invite      *widget.Label
	inviteRow   fyne.CanvasObject
	obj         fyne.CanvasObject
}

// newDashboard builds the screen; onTraining runs on the UI goroutine when the switch is flipped
// and copyText puts text on the clipboard.
func newDashboard(info IdentityInfo, onTraining func(bool), copyText func(string)) *dashboard {
	d := &dashboard{}
	d.toggle = newToggle(false, onTraining)
	d.toggleLabel = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.toggleLabel.SizeName = theme.SizeNameHeadingText
	d.state = widget.NewLabel("")
	d.state.Wrapping = fyne.TextWrapWord

	d.name = widget.NewLabelWithStyle(info.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.name.SizeName = theme.SizeNameSubHeadingText
	d.peerID = widget.NewLabelWithStyle(info.PeerID, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	d.peerID.Truncation = fyne.TextTruncateEllipsis
	d.peerID.Selectable = true
	copyPeer := widget.NewButtonWithIcon("", theme.ContentCopyIcon(), func() { copyText(d.peerID.Text) })

	d.round = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.phase = widget.NewLabel("")
	d.phaseBar = widget.NewProgressBar()
	d.phaseBar.TextFormatter = func() string { return "" }

	d.device = wrappedLabel()
	d.model = wrappedLabel()
	d.learns = wrappedLabel()
	d.learns.Importance = widget.LowImportance
	d.learns.Hide()
	d.peers = widget.NewLabel("")
	d.peerView = wrappedLabel()
	d.peerView.Hide()
	d.last = wrappedLabel()
	d.pending = widget.NewLabel("")
	d.lastErr = wrappedLabel()
	d.lastErr.Importance = widget.DangerImportance

	d.invite = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	d.invite.Truncation = fyne.TextTruncateEllipsis
	copyInvite := widget.NewButtonWithIcon("Copy invite", theme.ContentCopyIcon(), func() { copyText(d.invite.Text) })
	d.inviteRow = container.NewVBox(
		widget.NewLabelWithStyle("Invite others to your swarm", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewBorder(nil, nil, nil, copyInvite, d.invite))
	d.inviteRow.Hide()

	switchBox := container.NewBorder(nil, nil, d.toggle, nil,
		container.NewVBox(d.toggleLabel, d.state, d.learns))
	who := container.NewVBox(d.name, container.NewBorder(nil, nil, nil, copyPeer, d.peerID))
	roundBox := container.NewVBox(d.round, d.phase, d.phaseBar)
	facts := container.New(layout.NewFormLayout(),
		fieldLabel("Device"), d.device,
		fieldLabel("Model"), d.model,
		fieldLabel("Peers"), d.peers,
		fieldLabel("Last round"), d.last,
		fieldLabel("Pending"), d.pending,
	)
	top := container.New(&columns{minColumn: 380}, switchBox, who)
	d.obj = container.NewVScroll(container.NewPadded(container.NewVBox(
		top, widget.NewSeparator(), roundBox, widget.NewSeparator(), facts, d.peerView, d.lastErr, d.inviteRow)))
	d.setTraining(true)
	d.setSnapshot(node.Snapshot{State: node.StateIdle})
	d.setPeers(0)
	return d
}

func wrappedLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	return l
}

// setTraining shows the switch's position (the backend's Training, or the person's tap).
func (d *dashboard) setTraining(on bool) {
	d.training = on
	d.toggle.SetOn(on)
	if on {
		d.toggleLabel.SetText("Training on")
	} else {
		d.toggleLabel.SetText("Training off")
	}
	d.state.SetText(stateText(d.snap.State, on))
}

// setSnapshot replaces the whole status (at start and after the node was restarted).
func (d *dashboard) setSnapshot(s node.Snapshot) {
	d.snap = s
	d.render()
}

// apply follows one event.
func (d *dashboard) apply(ev node.Event) {
	applyEvent(&d.snap, ev)
	d.render()
}

func (d *dashboard) render() {
	s := d.snap
	if s.PeerID != "" {
		d.peerID.SetText(s.PeerID)
	}
	d.state.SetText(stateText(s.State, d.training))
	if s.Round == 0 {
		d.round.SetText("Round —")
	} else {
		d.round.SetText(fmt.Sprintf("Round %d", s.Round))
	}
	d.phase.SetText("Phase: " + phaseText(s.Phase))
	d.phaseBar.SetValue(phaseProgress(s.Phase))
	d.last.SetText(lastRoundText(s.Last))
	if s.Training == "" {
		d.learns.Hide()
	} else {
		d.learns.SetText(trainsText(s.Training))
		d.learns.Show()
	}
	switch {
	case !s.Submitting && s.State != node.StateIdle && s.State != node.StateStarting:
		d.pending.SetText("none (read-only network: this node does not submit)")
	case s.PendingSubmissions == 1:
		d.pending.SetText("1 submission waiting for the chain")
	default:
		d.pending.SetText(fmt.Sprintf("%d submissions waiting for the chain", s.PendingSubmissions))
	}
	if s.LastError == "" {
		d.lastErr.Hide()
	} else {
		d.lastErr.SetText("Last problem: " + s.LastError)
		d.lastErr.Show()
	}
}

// setPeers shows how many swarm peers are connected.
func (d *dashboard) setPeers(n int) {
	switch n {
	case 1:
		d.peers.SetText("1 peer connected")
	default:
		d.peers.SetText(fmt.Sprintf("%d peers connected", n))
	}
}

// setNode shows what does not change while the node runs.
func (d *dashboard) setNode(dev session.Device, model string, inv session.Invite, hosting bool) {
	d.device.SetText(deviceText(dev))
	d.model.SetText(model)
	if hosting {
		d.invite.SetText(inv.String())
		d.inviteRow.Show()
	} else {
		d.inviteRow.Hide()
	}
}

// columns lays its objects side by side when each gets at least minColumn, and stacked
// otherwise, so the dashboard reads well from 800 px wide windows to full screen.
type columns struct {
	minColumn float32
	wide      bool // the last Layout put the objects side by side
}

func (c *columns) sideBySide(w float32, n int) bool {
	return n > 1 && w >= c.minColumn*float32(n)
}

func (c *columns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	c.wide = c.sideBySide(size.Width, len(objs))
	if c.wide {
		w := (size.Width - pad*float32(len(objs)-1)) / float32(len(objs))
		for i, o := range objs {
			o.Move(fyne.NewPos(float32(i)*(w+pad), 0))
			o.Resize(fyne.NewSize(w, size.Height))
		}
		return
	}
	y := float32(0)
	for _, o := range objs {
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h + pad
	}
}

func (c *columns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	// MinSize cannot know the width it will get: before the first Layout (or while stacked) it
	// answers the stacked size, which keeps every row visible at any width; once laid out side by
	// side, the tallest column, so the row leaves no empty band under it.
	var s fyne.Size
	for i, o := range objs {
		m := o.MinSize()
		s.Width = max(s.Width, m.Width)
		switch {
		case c.wide:
			s.Height = max(s.Height, m.Height)
		case i > 0:
			s.Height += theme.Padding() + m.Height
		default:
			s.Height = m.Height
		}
	}
	return s
}

// showProblem shows a problem of the window's own (a refused switch, an unreadable history) where
// the node's last error goes; the next snapshot with an error of the node's replaces it.
func (d *dashboard) showProblem(msg string) {
	d.lastErr.SetText(msg)
	d.lastErr.Show()
}
