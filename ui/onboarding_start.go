package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/swarmdesk/swarmdesk/app/session"
)

// The last step of the first run: starting the node with its stages, and trying again or going
// back when it fails.

func (o *Onboarding) startTitle() string {
	switch o.mode {
	case session.ModeJoin:
		return "Joining the swarm"
	case session.ModeHost:
		return "Starting your swarm"
	case session.ModeGensyn:
		return "Joining Gensyn testnet"
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
	if o.mode == session.ModeGensyn {
		o.showSignIn()
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
