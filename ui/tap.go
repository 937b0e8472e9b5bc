package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// TapButton taps the first visible, enabled button of a screen (or of a dialog's pop-up) whose
// text is label, as a click would, and reports whether there was one. Call it on the UI goroutine. The end-to-end tests
// drive the real window with it (see desktop.DumpEnv): a virtual X display has no person to
// click, and X-level clicks would need the buttons' pixel positions.
func TapButton(o fyne.CanvasObject, label string) bool {
	if p, ok := o.(*widget.PopUp); ok { // a dialog
		o = p.Content
	}
	var found *widget.Button
	visitVisible(o, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && found == nil && b.Text == label && !b.Disabled() {
			found = b
		}
	})
	if found == nil {
		return false
	}
	found.Tapped(&fyne.PointEvent{})
	return true
}
