package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/swarmdesk/swarmdesk/app/session"
)

// The screens the window shows before the main view: the key store's passphrase, the node
// coming up stage by stage, and a start-up error with what to do.

func (s *Shell) passphraseScreen(problem string) fyne.CanvasObject {
	return passphraseScreen(s.b.NewSecretsFile(), s.b.SecretsDir(), problem, func(p []byte) {
		s.b.SetPassphrase(p)
		s.show(progressScreen("Unlocking…"))
		s.async(s.load)
	})
}

func progressScreen(msg string) fyne.CanvasObject {
	bar := widget.NewProgressBarInfinite()
	return container.NewCenter(container.NewVBox(widget.NewLabel(msg), bar))
}

// stageText names a start-up stage under way, from the same table as the onboarding's list.
func stageText(st session.Stage) string {
	for _, s := range onbStages {
		if s.stage == st {
			return s.doing
		}
	}
	return string(st)
}

// startScreen shows the node coming up: the stage, its message, and a byte progress bar for the
// stages that measure (download, load).
type startScreen struct {
	stage *widget.Label
	msg   *widget.Label
	bar   *widget.ProgressBar
	spin  *widget.ProgressBarInfinite
	obj   fyne.CanvasObject
}

func newStartScreen() *startScreen {
	p := &startScreen{
		stage: widget.NewLabelWithStyle("Starting your node…", fyne.TextAlignCenter, fyne.TextStyle{Bold: true}),
		msg:   widget.NewLabel(""),
		bar:   widget.NewProgressBar(),
		spin:  widget.NewProgressBarInfinite(),
	}
	p.msg.Alignment = fyne.TextAlignCenter
	p.msg.Wrapping = fyne.TextWrapWord
	p.bar.Hide()
	box := container.NewVBox(p.stage, p.msg, p.bar, p.spin)
	p.obj = container.NewCenter(container.New(&maxWidth{w: 480}, box))
	return p
}

func (p *startScreen) update(pr session.Progress) {
	p.stage.SetText(stageText(pr.Stage) + "…")
	p.msg.SetText(pr.Message)
	if pr.Total > 0 {
		p.spin.Hide()
		p.spin.Stop()
		p.bar.Max = float64(pr.Total)
		p.bar.TextFormatter = func() string {
			return formatBytes(uint64(max(pr.Done, 0))) + " of " + formatBytes(uint64(pr.Total))
		}
		p.bar.SetValue(float64(pr.Done))
		p.bar.Show()
		return
	}
	p.bar.Hide()
	p.spin.Show()
	p.spin.Start()
}

// maxWidth gives its content at least w of width (the start screen's text would otherwise
// wrap to the width of its longest word inside a centring container).
type maxWidth struct{ w float32 }

func (l *maxWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
	}
}

func (l *maxWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(l.w, 0)
	for _, o := range objs {
		m := o.MinSize()
		s.Width = max(s.Width, m.Width)
		s.Height = max(s.Height, m.Height)
	}
	return s
}

func errorScreen(err error, retry func()) fyne.CanvasObject {
	title := widget.NewLabelWithStyle("swarmdesk could not start", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	msg := widget.NewLabel(fmt.Sprint(err))
	msg.Wrapping = fyne.TextWrapWord
	return container.NewPadded(container.NewVBox(title, msg, widget.NewButton("Try again", retry)))
}
