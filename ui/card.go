package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// card is one block of the dashboard: a small title over its content on a raised, rounded
// background that follows the light/dark theme. widget.Card's large title and shadow suit a
// single card, not a grid of them.
type card struct {
	widget.BaseWidget
	title   *widget.Label
	content fyne.CanvasObject
}

func newCard(title string, content fyne.CanvasObject) *card {
	t := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.Importance = widget.LowImportance
	c := &card{title: t, content: content}
	c.ExtendBaseWidget(c)
	return c
}

func (c *card) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(nil)
	body := container.NewPadded(container.NewBorder(c.title, nil, nil, nil, c.content))
	r := &cardRenderer{c: c, bg: bg, body: body}
	r.Refresh()
	return r
}

type cardRenderer struct {
	c    *card
	bg   *canvas.Rectangle
	body *fyne.Container
}

func (r *cardRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	r.body.Resize(size)
}

func (r *cardRenderer) MinSize() fyne.Size { return r.body.MinSize() }

func (r *cardRenderer) Refresh() {
	th := r.c.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.bg.FillColor = th.Color(theme.ColorNameInputBackground, v)
	r.bg.CornerRadius = th.Size(theme.SizeNameInputRadius)
	r.bg.Refresh()
	r.body.Refresh()
}

func (r *cardRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.body} }
func (r *cardRenderer) Destroy()                     {}
