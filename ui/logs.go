package ui

import (
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// LogsRefresh is how often the logs screen re-reads Backend.Logs while it is shown; hidden, it
// does not poll at all.
const LogsRefresh = 2 * time.Second

// logsView shows the node's recent log lines (already redacted by the backend) so a person can
// see what happens and paste it into a bug report.
type logsView struct {
	lines  []string
	text   *widget.Label
	scroll *container.Scroll
	count  *widget.Label
	obj    fyne.CanvasObject
}

func newLogsView(copyText func(string)) *logsView {
	v := &logsView{}
	v.text = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	v.text.Wrapping = fyne.TextWrapBreak
	v.text.Selectable = true
	v.scroll = container.NewVScroll(v.text)
	v.count = widget.NewLabel("")
	v.count.Importance = widget.LowImportance
	copyAll := widget.NewButtonWithIcon("Copy all", theme.ContentCopyIcon(), func() { copyText(v.all()) })
	v.obj = container.NewBorder(container.NewBorder(nil, nil, nil, copyAll, v.count), nil, nil, nil, v.scroll)
	v.setLines(nil)
	return v
}

// all is the whole log as one text, for the clipboard.
func (v *logsView) all() string {
	if len(v.lines) == 0 {
		return ""
	}
	return strings.Join(v.lines, "\n") + "\n"
}

// setLines shows lines, keeping the view at the bottom (the newest) when it was there, and where
// the person scrolled to otherwise.
func (v *logsView) setLines(lines []string) {
	atBottom := v.scroll.Offset.Y+v.scroll.Size().Height >= v.scroll.Content.MinSize().Height-4
	v.lines = lines
	if len(lines) == 0 {
		v.text.SetText("No log lines yet.")
	} else {
		v.text.SetText(strings.Join(lines, "\n"))
	}
	switch len(lines) {
	case 1:
		v.count.SetText("1 line (secrets removed)")
	default:
		v.count.SetText(strconv.Itoa(len(lines)) + " lines (secrets removed)")
	}
	if atBottom {
		v.scroll.ScrollToBottom()
	}
}
