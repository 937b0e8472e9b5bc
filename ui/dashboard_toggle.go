package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// toggle is the dashboard's big on/off switch. A widget.Check is too small to be the one control
// a person looks for, and a button does not show which way it is set; a track with a knob does
// both, and reads the same in light and dark themes.
type toggle struct {
	widget.BaseWidget
	On       bool
	Disabled bool
	// OnChanged runs on the UI goroutine with the new position after a tap.
	OnChanged func(on bool)
}

func newToggle(on bool, changed func(bool)) *toggle {
	t := &toggle{On: on, OnChanged: changed}
	t.ExtendBaseWidget(t)
	return t
}

// SetOn moves the knob without calling OnChanged (the backend said so, nobody tapped).
func (t *toggle) SetOn(on bool) {
	if t.On == on {
		return
	}
	t.On = on
	t.Refresh()
}

// Tapped flips the switch.
func (t *toggle) Tapped(*fyne.PointEvent) {
	if t.Disabled {
		return
	}
	t.On = !t.On
	t.Refresh()
	if t.OnChanged != nil {
		t.OnChanged(t.On)
	}
}

// Cursor shows a hand, as over a button.
func (t *toggle) Cursor() desktop.Cursor { return desktop.PointerCursor }

const (
	toggleW = 72
	toggleH = 36
	knobPad = 4
)

func (t *toggle) CreateRenderer() fyne.WidgetRenderer {
	track := canvas.NewRectangle(color.Transparent)
	track.CornerRadius = toggleH / 2
	knob := canvas.NewCircle(color.White)
	r := &toggleRenderer{t: t, track: track, knob: knob}
	r.Refresh()
	return r
}

type toggleRenderer struct {
	t     *toggle
	track *canvas.Rectangle
	knob  *canvas.Circle
}

func (r *toggleRenderer) Layout(size fyne.Size) {
	x := (size.Width - toggleW) / 2
	y := (size.Height - toggleH) / 2
	r.track.Move(fyne.NewPos(x, y))
	r.track.Resize(fyne.NewSize(toggleW, toggleH))
	d := float32(toggleH - 2*knobPad)
	kx := x + knobPad
	if r.t.On {
		kx = x + toggleW - knobPad - d
	}
	r.knob.Move(fyne.NewPos(kx, y+knobPad))
	r.knob.Resize(fyne.NewSize(d, d))
}

func (r *toggleRenderer) MinSize() fyne.Size { return fyne.NewSize(toggleW, toggleH) }

func (r *toggleRenderer) Refresh() {
	v := fyne.CurrentApp().Settings().ThemeVariant()
	th := r.t.Theme()
	switch {
	case r.t.Disabled:
		r.track.FillColor = th.Color(theme.ColorNameDisabledButton, v)
	case r.t.On:
		r.track.FillColor = th.Color(theme.ColorNamePrimary, v)
	default:
		// The placeholder grey, not the input border: in the light theme that border is
		// #e3e3e3, and an "off" switch on white all but disappeared.
		r.track.FillColor = th.Color(theme.ColorNamePlaceHolder, v)
	}
	r.knob.FillColor = th.Color(theme.ColorNameForegroundOnPrimary, v)
	r.Layout(r.t.Size())
	r.track.Refresh()
	r.knob.Refresh()
}

func (r *toggleRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.track, r.knob} }
func (r *toggleRenderer) Destroy()                     {}
