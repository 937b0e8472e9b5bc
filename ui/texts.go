package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// Texts lists the visible text of a screen, depth first. The end-to-end test reads it from the
// real window to check what a person would see.
func Texts(o fyne.CanvasObject) []string {
	var out []string
	visitVisible(o, func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Label:
			if v.Text != "" {
				out = append(out, v.Text)
			}
		case *widget.Button:
			if v.Text != "" {
				out = append(out, v.Text)
			}
		case *canvas.Text:
			out = append(out, v.Text)
		}
	})
	return out
}

// visitVisible calls fn on o and on every visible object inside it, depth first, looking into
// containers and scroll containers; a hidden object's contents are skipped with it.
func visitVisible(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	fn(o)
	switch c := o.(type) {
	case *fyne.Container:
		for _, ch := range c.Objects {
			visitVisible(ch, fn)
		}
	case *container.Scroll:
		visitVisible(c.Content, fn)
	case *card:
		visitVisible(c.title, fn)
		visitVisible(c.content, fn)
	}
}
