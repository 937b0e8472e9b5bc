package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// viewKeys are the keys that, with Ctrl (Cmd on macOS), switch to the main view's screens in
// navigation order.
var viewKeys = []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6}

// shortcut is one keyboard shortcut and what it does, kept as data so tests can list and fire
// them without a keyboard.
type shortcut struct {
	key fyne.Shortcut
	run func()
}

// shortcuts are the main view's keyboard shortcuts: Ctrl/Cmd+1..6 switch screens, +T flips
// training, +Q quits, and Copy on the dashboard copies the peer ID (elsewhere Copy is left to
// the focused field).
func (s *Shell) shortcuts() []shortcut {
	mod := fyne.KeyModifierShortcutDefault
	var out []shortcut
	for i, k := range viewKeys {
		out = append(out, shortcut{&desktop.CustomShortcut{KeyName: k, Modifier: mod}, func() { s.main.selectView(i) }})
	}
	out = append(out,
		shortcut{&desktop.CustomShortcut{KeyName: fyne.KeyT, Modifier: mod}, func() { s.setTraining(!s.main.dash.training) }},
		shortcut{&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: mod}, s.quit},
		shortcut{&fyne.ShortcutCopy{}, func() {
			if s.main.current == viewDashboard {
				s.copy(s.main.dash.peerID.Text)
			}
		}},
	)
	return out
}

// addShortcuts registers the shortcuts on the window's canvas (once the main view shows: before,
// there is nothing to switch to).
func (s *Shell) addShortcuts() {
	c := s.win.Canvas()
	for _, sc := range s.shortcuts() {
		run := sc.run
		c.AddShortcut(sc.key, func(fyne.Shortcut) { run() })
	}
}
