package ui

import "fyne.io/fyne/v2"

// oneAtATime keeps a periodic read of the backend from piling up: while one read is under way,
// the next refresh is skipped (the next tick asks again). UI goroutine.
type oneAtATime struct{ busy bool }

// run calls read through async (off the UI goroutine) unless a read is under way, then calls
// the function read returns on the UI goroutine to show the result.
func (o *oneAtATime) run(async func(func()), read func() (show func())) {
	if o.busy {
		return
	}
	o.busy = true
	async(func() {
		show := read()
		fyne.Do(func() {
			o.busy = false
			show()
		})
	})
}
