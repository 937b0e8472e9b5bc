package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/swarmdesk/swarmdesk/app/session"
)

// The stage list of the start step: one row per stage Backend.Start goes through.

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

func onbStageIndex(s session.Stage) int {
	for i, st := range onbStages {
		if st.stage == s {
			return i
		}
	}
	return -1
}
