package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/swarmdesk/swarmdesk/app/experiment"
)

// ExperimentBackend is what the host's "Does sharing help?" card needs (part of Backend).
type ExperimentBackend interface {
	LastExperiment() (r experiment.Results, ok bool, err error)
	RunExperiment(ctx context.Context, progress func(string)) error
}

// experimentCard shows a host the last sharing experiment (its plot and headline) and runs a
// new one through the backend, with progress and Stop. It holds no logic: the runner, the
// output folder and the headline are app/experiment's.
type experimentCard struct {
	b     ExperimentBackend
	async func(func())

	img      *canvas.Image
	none     *widget.Label
	headline *widget.Label
	status   *widget.Label
	run      *widget.Button
	stop     *widget.Button
	cancel   context.CancelFunc // the run under way; nil when none
	obj      *card
}

const noExperimentText = "No experiment yet. Running one takes a few minutes: two nodes on this computer train the demo model with and without sharing answers, and the plot compares their rewards."

func newExperimentCard() *experimentCard {
	e := &experimentCard{}
	e.img = canvas.NewImageFromResource(nil)
	e.img.FillMode = canvas.ImageFillContain
	e.img.SetMinSize(fyne.NewSize(430, 250)) // the plot's 860×500 at half size
	e.img.Hide()
	e.none = wrappedLabel()
	e.none.SetText(noExperimentText)
	e.headline = wrappedLabel()
	e.status = wrappedLabel()
	e.status.Importance = widget.LowImportance
	e.run = widget.NewButtonWithIcon("Run the experiment", theme.MediaPlayIcon(), e.start)
	e.run.Importance = widget.HighImportance
	e.run.Disable() // until bound to a backend
	e.stop = widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), e.halt)
	e.stop.Hide()
	e.obj = newCard("Does sharing help?", container.NewVBox(e.img, e.none, e.headline, e.status,
		container.NewHBox(e.run, e.stop)))
	e.obj.Hide()
	return e
}

// bind connects the card to the backend; async runs its calls off the UI goroutine.
func (e *experimentCard) bind(b ExperimentBackend, async func(func())) {
	e.b, e.async = b, async
	e.run.Enable()
}

// load reads the last results and shows them. UI goroutine.
func (e *experimentCard) load() {
	if e.b == nil {
		return
	}
	e.async(func() {
		r, ok, err := e.b.LastExperiment()
		fyne.Do(func() { e.show(r, ok, err) })
	})
}

func (e *experimentCard) show(r experiment.Results, ok bool, err error) {
	switch {
	case err != nil:
		e.img.Hide()
		e.none.SetText("Could not read the last experiment: " + err.Error())
		e.none.Show()
		e.headline.SetText("")
	case !ok:
		e.img.Hide()
		e.none.SetText(noExperimentText)
		e.none.Show()
		e.headline.SetText("")
	default:
		e.none.Hide()
		e.img.File = r.Plot
		e.img.Refresh()
		e.img.Show()
		line := r.Headline
		if !r.Written.IsZero() {
			line += " Written " + r.Written.Format("2 Jan 15:04") + "."
		}
		e.headline.SetText(line)
	}
}

// start runs an experiment in the background. UI goroutine.
func (e *experimentCard) start() {
	if e.b == nil || e.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	e.cancel = cancel
	e.run.Disable()
	e.stop.Enable()
	e.stop.Show()
	e.status.SetText("Starting…")
	go func() {
		err := e.b.RunExperiment(ctx, func(line string) { fyne.Do(func() { e.status.SetText(line) }) })
		stopped := ctx.Err() != nil
		cancel()
		fyne.Do(func() {
			e.cancel = nil
			e.stop.Hide()
			switch {
			case stopped:
				e.status.SetText("Stopped. The finished runs are kept: Run the experiment continues it.")
			case err != nil:
				e.status.SetText("The experiment failed: " + err.Error())
			default:
				e.status.SetText("Done.")
			}
			e.load()
			e.run.Enable() // last: the card is settled once Run can be tapped again
		})
	}()
}

// halt stops the run under way. UI goroutine.
func (e *experimentCard) halt() {
	if e.cancel != nil {
		e.stop.Disable()
		e.status.SetText("Stopping after the run's current round…")
		e.cancel()
	}
}
