package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/swarmdesk/swarmdesk/app/node"
)

func TestNewTheme(t *testing.T) {
	bg := func(th fyne.Theme, v fyne.ThemeVariant) any { return th.Color(theme.ColorNameBackground, v) }
	def := theme.DefaultTheme()
	tests := []struct {
		name string
		// want is the background the theme gives when the system asks for light and for dark.
		light, dark fyne.ThemeVariant
	}{
		{"light", theme.VariantLight, theme.VariantLight},
		{"dark", theme.VariantDark, theme.VariantDark},
		{"system", theme.VariantLight, theme.VariantDark},
		{"bogus", theme.VariantLight, theme.VariantDark},
	}
	for _, tt := range tests {
		th := NewTheme(tt.name)
		if bg(th, theme.VariantLight) != bg(def, tt.light) || bg(th, theme.VariantDark) != bg(def, tt.dark) {
			t.Errorf("theme %q does not force the right variant", tt.name)
		}
	}
}

// The dashboard and leaderboard as pixels, in both themes: the dashboard at the smallest window
// the layouts support (800×600, one column of cards) and at 1600×1000 (cards side by side, no
// empty lower half); catches overlapping or cut-off rows that unit tests of the labels miss.
func TestScreensGolden(t *testing.T) {
	now := time.Date(2026, 12, 6, 15, 0, 0, 0, time.UTC)
	var hist []node.RoundMetrics
	for i := range 12 {
		hist = append(hist, node.RoundMetrics{Round: uint64(i + 1), Time: now.Add(time.Duration(i-12) * 5 * time.Minute),
			Answers: 8, Reward: 0.05 + 0.06*float64(i) + 0.03*float64(i%3), PeersSeen: 2})
	}
	for _, variant := range []string{"light", "dark"} {
		for _, view := range []struct {
			name string
			i    int
			size fyne.Size
		}{
			{"dashboard", viewDashboard, fyne.NewSize(800, 600)},
			{"dashboard_wide", viewDashboard, fyne.NewSize(1600, 1000)},
			{"leaderboard", viewLeaderboard, fyne.NewSize(800, 500)},
			{"settings", viewSettings, fyne.NewSize(800, 600)},
		} {
			t.Run(view.name+"_"+variant, func(t *testing.T) {
				b := newFakeBackend()
				b.board = testBoard
				b.history = hist
				b.snap.Last = &hist[len(hist)-1]
				b.snap.Last.Trained, b.snap.Last.Loss = true, 0.0312
				b.snap.Submitting = true
				b.snap.PendingSubmissions = 1
				// testID is random; pixels need a fixed name and peer ID.
				b.snap.PeerID = "QmQ2gEXoPJg6iMBSUFWGzAabS2VhnzuS782Y637hGjfsRJ"
				b.dataDir = "/home/ana/.local/share/swarmdesk"
				s, w := runningShell(t, b)
				d := s.main.dash
				d.name.SetText("beaked fishy cat")
				// The countdown reads the clock: fix it.
				d.now = func() time.Time { return now.Add(100 * time.Second) }
				d.setHistory(hist)
				ApplyTheme(fyne.CurrentApp(), variant)
				w.Resize(view.size)
				s.main.selectView(view.i)
				if view.i == viewSettings {
					// The checkpoint cost under its field is filled in off the UI goroutine.
					waitUntil(t, "the checkpoint cost", func() bool { return s.main.settings.ckptCost.Text != "" })
				}
				test.AssertImageMatches(t, view.name+"_"+variant+".png", w.Canvas().Capture())
			})
		}
	}
}

// The passphrase screens use the welcome's centred column (they were a full-width stack at the
// top-left): pixels at 800×600 for both the new and the unlock screen.
func TestPassphraseScreensGolden(t *testing.T) {
	test.NewTempApp(t)
	for _, creating := range []bool{true, false} {
		name := "passphrase_unlock.png"
		if creating {
			name = "passphrase_create.png"
		}
		w := test.NewTempWindow(t, passphraseScreen(creating, "/home/ana/.config/swarmdesk/secrets", "", func([]byte) {}))
		w.Resize(fyne.NewSize(800, 600))
		test.AssertImageMatches(t, name, w.Canvas().Capture())
	}
}
