package ui

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

func settingsShell(t *testing.T, b *fakeBackend) *settingsView {
	t.Helper()
	s, _ := runningShell(t, b)
	s.main.selectView(viewSettings)
	if s.main.settings == nil {
		t.Fatal("settings did not load")
	}
	return s.main.settings
}

func TestSettingsSave(t *testing.T) {
	tests := []struct {
		key, value string
		restart    bool
		err        error
		note       string
		imp        widget.Importance
	}{
		{keyThreads, "4", true, nil, "takes effect after restart", widget.WarningImportance},
		{keyMemoryLimit, "-5", false, errors.New("resources.memory_limit_mb = -5: must be 0 or more"), "must be 0 or more", widget.DangerImportance},
		{keyModel, "Qwen/Qwen2.5-1.5B-Instruct", false, nil, "Saved", widget.SuccessImportance},
		{keyIdleMinutes, "10", false, nil, "Saved", widget.SuccessImportance},
		{keyCheckpoint, "60", true, nil, "takes effect after restart", widget.WarningImportance},
		{keyDevice, "vulkan:1", true, nil, "takes effect after restart", widget.WarningImportance},
		{keyDevice, "gpu", false, errors.New(`engine.device = "gpu": invalid device "gpu": unknown backend`), "unknown backend", widget.DangerImportance},
	}
	for _, tt := range tests {
		b := newFakeBackend()
		b.saveErr = map[string]error{tt.key: tt.err}
		b.restartKeys = map[string]bool{tt.key: tt.restart}
		v := settingsShell(t, b)
		e := v.entries[tt.key]
		e.SetText(tt.value)
		e.OnSubmitted(e.Text)
		got := b.savedSettings()
		if !slices.Contains(got, [2]string{tt.key, tt.value}) {
			t.Errorf("%s: SaveSetting calls %v", tt.key, got)
		}
		n := v.notes[tt.key]
		if !n.Visible() || !strings.Contains(n.Text, tt.note) || n.Importance != tt.imp {
			t.Errorf("%s: note %q (visible %v, importance %v), want %q", tt.key, n.Text, n.Visible(), n.Importance, tt.note)
		}
	}
}

func TestSettingsCheckRevertsWhenRefused(t *testing.T) {
	b := newFakeBackend()
	b.saveErr = map[string]error{keyACPowerOnly: errors.New("power state unknown on this system")}
	v := settingsShell(t, b)
	c := v.checks[keyACPowerOnly]
	test.Tap(c)
	if got := b.savedSettings(); !slices.Equal(got, [][2]string{{keyACPowerOnly, "true"}}) {
		t.Fatalf("SaveSetting calls %v", got)
	}
	if c.Checked || !strings.Contains(v.notes[keyACPowerOnly].Text, "power state unknown") {
		t.Fatalf("refused check: checked %v, note %q", c.Checked, v.notes[keyACPowerOnly].Text)
	}
	test.Tap(v.checks[keyStartAtLogin])
	if got := b.savedSettings(); got[len(got)-1] != [2]string{keyStartAtLogin, "true"} {
		t.Fatalf("start at login: %v", got)
	}
}

func TestSettingsThemeAppliesLive(t *testing.T) {
	b := newFakeBackend()
	v := settingsShell(t, b)
	v.theme.SetSelected("dark")
	if got := b.savedSettings(); !slices.Equal(got, [][2]string{{keyTheme, "dark"}}) {
		t.Fatalf("SaveSetting calls %v", got)
	}
	th := fyne.CurrentApp().Settings().Theme()
	if th.Color(theme.ColorNameBackground, theme.VariantLight) != theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark) {
		t.Fatal("the dark theme was not applied")
	}
}

func TestSettingsShowsModeAndFolder(t *testing.T) {
	b := newFakeBackend()
	v := settingsShell(t, b)
	for _, want := range []string{"Trying alone (profile local)", b.dataDir, testID.Name() + " — keys kept in"} {
		if !hasText(v.obj, want) {
			t.Errorf("settings lack %q: %q", want, Texts(v.obj))
		}
	}
}
