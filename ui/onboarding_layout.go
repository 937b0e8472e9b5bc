package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// How the first-run steps are laid out: one readable column, a heading, text and a row of
// buttons.

// onboardingWidth is the widest the first-run steps grow: long lines are hard to read, and the
// choices should stay together on a large screen.
const onboardingWidth = 640

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
