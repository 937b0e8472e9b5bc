package ui

import (
	"testing"

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

// The dashboard and leaderboard as pixels, in both themes, at the smallest window size the
// layouts support: catches overlapping or cut-off rows that unit tests of the labels miss.
func TestScreensGolden(t *testing.T) {
	for _, variant := range []string{"light", "dark"} {
		for _, view := range []struct {
			name string
			i    int
		}{{"dashboard", viewDashboard}, {"leaderboard", viewLeaderboard}} {
			t.Run(view.name+"_"+variant, func(t *testing.T) {
				b := newFakeBackend()
				b.board = testBoard
				b.snap.Last = &node.RoundMetrics{Round: 2, Reward: 0.75, Trained: true, Loss: 0.0312}
				b.snap.Submitting = true
				b.snap.PendingSubmissions = 1
				// testID is random; pixels need a fixed name and peer ID.
				b.snap.PeerID = "QmQ2gEXoPJg6iMBSUFWGzAabS2VhnzuS782Y637hGjfsRJ"
				s, w := runningShell(t, b)
				s.main.dash.name.SetText("beaked fishy cat")
				ApplyTheme(fyne.CurrentApp(), variant)
				w.Resize(fyne.NewSize(800, 500))
				s.main.selectView(view.i)
				test.AssertImageMatches(t, view.name+"_"+variant+".png", w.Canvas().Capture())
			})
		}
	}
}
