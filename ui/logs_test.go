package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func TestLogsRefreshWhileVisibleAndCopyAll(t *testing.T) {
	b := newFakeBackend()
	s, _ := runningShell(t, b)
	l := s.main.logs
	if l.text.Text != "No log lines yet." {
		t.Fatalf("logs read while hidden: %q", l.text.Text)
	}
	s.main.selectView(viewLogs)
	if l.text.Text != b.logs[0]+"\n"+b.logs[1] || l.count.Text != "2 lines (secrets removed)" {
		t.Fatalf("logs view %q / %q", l.text.Text, l.count.Text)
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
