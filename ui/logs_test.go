package ui

import (
	"strconv"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func TestLogsRefreshWhileVisibleAndCopyAll(t *testing.T) {
	b := newFakeBackend()
	s, _ := runningShell(t, b)
	l := s.main.logs
	if len(l.lines) != 0 || l.count.Text != "No log lines yet · secrets removed" {
		t.Fatalf("logs read while hidden: %q / %q", l.lines, l.count.Text)
	}
	s.main.selectView(viewLogs)
	if len(l.shown) != 2 || l.shown[0].text != "INFO   node started" || l.count.Text != "2 lines · secrets removed" {
		t.Fatalf("logs view %+v / %q", l.shown, l.count.Text)
	}
	b.mu.Lock()
	b.logs = append(b.logs, "level=WARN msg=third")
	b.mu.Unlock()
	s.refreshLogs()
	test.Tap(findButton(s.Content(), "Copy all"))
	want := b.logs[0] + "\n" + b.logs[1] + "\nlevel=WARN msg=third\n"
	if got := fyne.CurrentApp().Clipboard().Content(); got != want {
		t.Fatalf("clipboard %q, want %q", got, want)
	}

	// Hidden again: no more reads.
	s.main.selectView(viewDashboard)
	b.mu.Lock()
	b.logs = []string{"changed"}
	b.mu.Unlock()
	s.refreshLogs()
	if l.lines[0] == "changed" {
		t.Fatal("the logs were re-read while hidden")
	}
}

func TestParseLogLine(t *testing.T) {
	at := time.Date(2026, 12, 6, 14, 5, 1, 0, time.Local).Format(time.RFC3339Nano)
	tests := []struct {
		raw      string
		severity int
		text     string
	}{
		{"time=" + at + ` level=INFO msg="round done" round=2 reward=0.5`, 1, "14:05:01  INFO   round done  round=2 reward=0.5"},
		{"level=WARN msg=slow", 2, "WARN   slow"},
		{`level=ERROR msg="chain: timeout"`, 3, "ERROR  chain: timeout"},
		{"level=DEBUG msg=x", 0, "DEBUG  x"},
		{"Fyne error: something", 1, "Fyne error: something"},
		{`level=INFO msg="unterminated`, 1, `INFO   msg="unterminated`},
	}
	for _, tt := range tests {
		got := parseLogLine(tt.raw)
		if got.severity != tt.severity || got.text != tt.text {
			t.Errorf("parseLogLine(%q) = %d %q, want %d %q", tt.raw, got.severity, got.text, tt.severity, tt.text)
		}
	}
}

// The level and text filters narrow the lines and the header says how many match; following
// keeps the newest line in view as lines arrive, and a person can turn that off.
func TestLogsFilterAndFollow(t *testing.T) {
	test.NewTempApp(t)
	v := newLogsView(func(string) {})
	w := test.NewTempWindow(t, v.obj)
	w.Resize(fyne.NewSize(700, 300))
	var lines []string
	for i := range 200 {
		lvl := "INFO"
		if i%50 == 7 {
			lvl = "WARN"
		}
		lines = append(lines, "level="+lvl+" msg=\"round done\" round="+strconv.Itoa(i))
	}
	lines = append(lines, `level=ERROR msg="chain unreachable"`)
	v.setLines(lines)
	if v.list.GetScrollOffset() <= 0 {
		t.Fatalf("following: the list stays at offset %v, not the newest line", v.list.GetScrollOffset())
	}
	v.follow.SetChecked(false)
	off := v.list.GetScrollOffset()
	v.list.ScrollToTop()
	v.setLines(append(lines, "level=INFO msg=later"))
	if v.list.GetScrollOffset() != 0 || off <= 0 {
		t.Fatalf("not following: the list moved to %v", v.list.GetScrollOffset())
	}
	v.level.SetSelected("Warnings and errors")
	if len(v.shown) != 5 || v.count.Text != "5 of 202 lines match · secrets removed" {
		t.Fatalf("warnings and errors: %d shown, header %q", len(v.shown), v.count.Text)
	}
	v.filter.SetText("CHAIN")
	if len(v.shown) != 1 || v.shown[0].severity != 3 {
		t.Fatalf("text filter: %+v", v.shown)
	}
	v.level.SetSelected("All levels")
	v.filter.SetText("round=19")
	if len(v.shown) != 11 { // round=19 and round=190..199
		t.Fatalf("text filter: %d shown, want 11", len(v.shown))
	}
}
