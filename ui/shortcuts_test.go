package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// fire runs the shell's handler for a shortcut the way the canvas would.
func fire(t *testing.T, s *Shell, key fyne.Shortcut) {
	t.Helper()
	for _, sc := range s.shortcuts() {
		if sc.key.ShortcutName() == key.ShortcutName() {
			sc.run()
			return
		}
	}
	t.Fatalf("no shortcut %s", key.ShortcutName())
}

func TestShortcuts(t *testing.T) {
	b := newFakeBackend()
	s, _ := runningShell(t, b)
	mod := fyne.KeyModifierShortcutDefault
	for i, k := range []fyne.KeyName{fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key1} {
		fire(t, s, &desktop.CustomShortcut{KeyName: k, Modifier: mod})
		if want := (i + 1) % 5; s.main.current != want {
			t.Fatalf("Ctrl+%s: view %d, want %d", k, s.main.current, want)
		}
	}
	fire(t, s, &desktop.CustomShortcut{KeyName: fyne.KeyT, Modifier: mod})
	if got := b.trainingCalls(); len(got) != 1 || got[0] {
		t.Fatalf("Ctrl+T: SetTraining %v, want [false]", got)
	}
	fire(t, s, &fyne.ShortcutCopy{})
	if got := fyne.CurrentApp().Clipboard().Content(); got != b.snap.PeerID {
		t.Fatalf("Copy on the dashboard: clipboard %q", got)
	}
	fyne.CurrentApp().Clipboard().SetContent("")
	s.main.selectView(viewLogs)
	fire(t, s, &fyne.ShortcutCopy{})
	if got := fyne.CurrentApp().Clipboard().Content(); got != "" {
		t.Fatalf("Copy outside the dashboard took over the clipboard: %q", got)
	}
	quit := 0
	s.Quit = func() { quit++ }
	fire(t, s, &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: mod})
	if quit != 1 {
		t.Fatal("Ctrl+Q did not quit")
	}
}
