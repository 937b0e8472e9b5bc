package ui

import (
	"math"
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

// logLevels are the level filter's choices: each shows its level and the more severe ones.
var logLevels = []string{"All levels", "Info and above", "Warnings and errors", "Errors only"}

// logLine is one log line split for reading: slog's text format
// (time=… level=INFO msg="round done" round=2 …) becomes "14:05:01  INFO  round done  round=2".
type logLine struct {
	raw      string
	severity int // 0 debug, 1 info, 2 warn, 3 error; 1 when the line names none
	text     string
}

// parseLogLine reads one of the backend's lines; a line in another format is shown as it is.
func parseLogLine(raw string) logLine {
	l := logLine{raw: raw, severity: 1, text: raw}
	rest := raw
	var stamp, level, msg string
	if v, r, ok := cutField(rest, "time="); ok {
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			stamp = t.Local().Format("15:04:05")
		}
		rest = r
	}
	if v, r, ok := cutField(rest, "level="); ok {
		level, rest = v, r
	} else {
		return l
	}
	if v, r, ok := cutField(rest, "msg="); ok {
		msg, rest = v, r
	}
	switch strings.ToUpper(level) {
	case "DEBUG":
		l.severity = 0
	case "WARN":
		l.severity = 2
	case "ERROR":
		l.severity = 3
	}
	parts := []string{}
	if stamp != "" {
		parts = append(parts, stamp)
	}
	parts = append(parts, padRight(strings.ToUpper(level), 5))
	if msg != "" {
		parts = append(parts, msg)
	}
	if rest = strings.TrimSpace(rest); rest != "" {
		parts = append(parts, rest)
	}
	l.text = strings.Join(parts, "  ")
	return l
}

// cutField reads key=value at the start of s (value quoted Go-style or up to the next space) and
// returns the value and what follows.
func cutField(s, key string) (value, rest string, ok bool) {
	s = strings.TrimLeft(s, " ")
	if !strings.HasPrefix(s, key) {
		return "", s, false
	}
	s = s[len(key):]
	if strings.HasPrefix(s, `"`) {
		q, err := strconv.QuotedPrefix(s)
		if err != nil {
			return "", s, false
		}
		v, err := strconv.Unquote(q)
		if err != nil {
			return "", s, false
		}
		return v, s[len(q):], true
	}
	v, r, _ := strings.Cut(s, " ")
	return v, r, true
}

func padRight(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return s + strings.Repeat(" ", n-len(s))
}

// logsView shows the node's recent log lines (already redacted by the backend), one readable line
// each, filtered by level and text, following the newest line unless the person turns that off —
// and copies the raw lines, as they are, for a bug report.
type logsView struct {
	lines    []string  // raw, as the backend gave them
	shown    []logLine // after the filter
	minLevel int
	query    string

	list   *widget.List
	count  *widget.Label
	level  *widget.Select
	filter *widget.Entry
	follow *widget.Check
	obj    fyne.CanvasObject
}

func newLogsView(copyText func(string)) *logsView {
	v := &logsView{}
	v.list = widget.NewList(func() int { return len(v.shown) },
		func() fyne.CanvasObject {
			l := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < 0 || i >= len(v.shown) {
				return
			}
			l := o.(*widget.Label)
			ln := v.shown[i]
			switch ln.severity {
			case 3:
				l.Importance = widget.DangerImportance
			case 2:
				l.Importance = widget.WarningImportance
			default:
				l.Importance = widget.MediumImportance
			}
			l.SetText(ln.text)
		})
	v.count = widget.NewLabel("")
	v.level = widget.NewSelect(logLevels, func(s string) {
		for i, l := range logLevels {
			if l == s {
				v.minLevel = i
			}
		}
		v.apply()
	})
	v.filter = widget.NewEntry()
	v.filter.SetPlaceHolder("Filter: text in the line")
	v.filter.OnChanged = func(s string) { v.query = strings.ToLower(strings.TrimSpace(s)); v.apply() }
	v.follow = widget.NewCheck("Follow newest", func(on bool) {
		if on {
			v.toNewest()
		}
	})
	v.follow.SetChecked(true)
	copyAll := widget.NewButtonWithIcon("Copy all", theme.ContentCopyIcon(), func() { copyText(v.all()) })

	title := widget.NewLabelWithStyle("Node log", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	top := container.NewBorder(nil, nil, title, container.NewHBox(v.follow, copyAll), v.count)
	controls := container.NewBorder(nil, nil, v.level, nil, v.filter)
	v.obj = container.NewBorder(container.NewVBox(top, controls, widget.NewSeparator()), nil, nil, nil, v.list)
	v.level.SetSelected(logLevels[0])
	v.setLines(nil)
	return v
}

// all is the whole log as one text, raw, for the clipboard.
func (v *logsView) all() string {
	if len(v.lines) == 0 {
		return ""
	}
	return strings.Join(v.lines, "\n") + "\n"
}

// setLines shows new lines from the backend.
func (v *logsView) setLines(lines []string) {
	v.lines = lines
	v.apply()
}

// apply refilters and redraws, scrolling to the newest line when following.
func (v *logsView) apply() {
	v.shown = v.shown[:0]
	for _, raw := range v.lines {
		l := parseLogLine(raw)
		if l.severity < v.minLevel {
			continue
		}
		if v.query != "" && !strings.Contains(strings.ToLower(l.text), v.query) {
			continue
		}
		v.shown = append(v.shown, l)
	}
	switch {
	case len(v.lines) == 0:
		v.count.SetText("No log lines yet · secrets removed")
	case len(v.shown) == len(v.lines):
		v.count.SetText(plural(len(v.lines), "line") + " · secrets removed")
	default:
		v.count.SetText(strconv.Itoa(len(v.shown)) + " of " + plural(len(v.lines), "line") + " match · secrets removed")
	}
	if v.list == nil {
		return
	}
	v.list.Refresh()
	if v.follow != nil && v.follow.Checked && len(v.shown) > 0 {
		v.toNewest()
	}
}

// toNewest scrolls to the last line. (List.ScrollToBottom panics before the list is first
// drawn; ScrollToOffset clamps to the end and waits for a renderer.)
func (v *logsView) toNewest() { v.list.ScrollToOffset(math.MaxFloat32) }

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
