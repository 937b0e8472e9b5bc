package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/swarmdesk/swarmdesk/app/models"
)

// The end-to-end tests tap buttons of screens and of dialogs on top (the model chooser).
func TestTapButton(t *testing.T) {
	test.NewTempApp(t)
	tapped := 0
	off := widget.NewButton("Off", func() { tapped += 100 })
	off.Disable()
	w := test.NewWindow(widget.NewButton("Go", func() { tapped++ }))
	w.Resize(fyne.NewSize(1000, 700))
	defer w.Close()
	if !TapButton(w.Content(), "Go") || tapped != 1 || TapButton(w.Content(), "Missing") {
		t.Fatalf("tapping the screen's button: %d taps", tapped)
	}
	if TapButton(off, "Off") || tapped != 1 {
		t.Fatal("a disabled button was tapped")
	}
	f := &fakeModels{name: models.DemoName, offline: true}
	showModelChooser(f, w, func(fn func()) { fn() }, nil)
	if !TapButton(w.Canvas().Overlays().Top(), "Download and use") || len(f.downloads) != 1 {
		t.Fatalf("the dialog's button was not tapped (%d downloads)", len(f.downloads))
	}
}
