package ui

import (
	"reflect"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// TapButton taps the first visible, enabled button of a screen (or of a dialog's pop-up) whose
// text is label, as a click would, and reports whether there was one. Call it on the UI goroutine. The end-to-end tests
// drive the real window with it (see desktop.DumpEnv): a virtual X display has no person to
// click, and X-level clicks would need the buttons' pixel positions.
func TapButton(o fyne.CanvasObject, label string) bool {
	o = overlayContent(o)
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

// overlayContent is what a canvas overlay shows: a dialog's overlay is Fyne's internal overlay
// container holding a pop-up holding the dialog, each with its own exported Content field.
func overlayContent(o fyne.CanvasObject) fyne.CanvasObject {
	for range 3 {
		if _, ok := o.(*fyne.Container); ok {
			return o
		}
		v := reflect.ValueOf(o)
		if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
			return o
		}
		f := v.Elem().FieldByName("Content")
		if !f.IsValid() || !f.CanInterface() {
			return o
		}
		inner, ok := f.Interface().(fyne.CanvasObject)
		if !ok || inner == nil {
			return o
		}
		o = inner
	}
	return o
}
