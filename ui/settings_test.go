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

	"github.com/swarmdesk/swarmdesk/app/session"
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
	test.Tap(v.saveBtn)
	if got := b.savedSettings(); !slices.Equal(got, [][2]string{{keyACPowerOnly, "true"}}) {
		t.Fatalf("SaveSetting calls %v", got)
	}
	if c.Checked || !strings.Contains(v.notes[keyACPowerOnly].Text, "power state unknown") {
		t.Fatalf("refused check: checked %v, note %q", c.Checked, v.notes[keyACPowerOnly].Text)
	}
	test.Tap(v.checks[keyStartAtLogin])
	test.Tap(v.saveBtn)
	if got := b.savedSettings(); got[len(got)-1] != [2]string{keyStartAtLogin, "true"} {
		t.Fatalf("start at login: %v", got)
	}
}

func TestSettingsThemeAppliesLive(t *testing.T) {
	b := newFakeBackend()
	v := settingsShell(t, b)
	v.theme.SetSelected("dark")
	if got := b.savedSettings(); len(got) != 0 {
		t.Fatalf("saved before Save: %v", got)
	}
	test.Tap(v.saveBtn)
	if got := b.savedSettings(); !slices.Equal(got, [][2]string{{keyTheme, "dark"}}) {
		t.Fatalf("SaveSetting calls %v", got)
	}
	th := fyne.CurrentApp().Settings().Theme()
	if th.Color(theme.ColorNameBackground, theme.VariantLight) != theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark) {
		t.Fatal("the dark theme was not applied")
	}
}

// The KV cache type is a choice of the three values engine.kv_cache takes,
// showing what config.toml says, saved on Save.
func TestSettingsKVCache(t *testing.T) {
	b := newFakeBackend()
	b.restartKeys = map[string]bool{keyKVCache: true}
	v := settingsShell(t, b)
	sel := v.selects[keyKVCache]
	if sel == nil {
		t.Fatal("no KV cache choice in the settings")
	}
	if !slices.Equal(sel.Options, []string{"auto", "f32", "bf16"}) || sel.Selected != "auto" {
		t.Fatalf("KV cache choice %v, selected %q; want auto, f32, bf16 with auto", sel.Options, sel.Selected)
	}
	sel.SetSelected("bf16")
	test.Tap(v.saveBtn)
	if got := b.savedSettings(); !slices.Equal(got, [][2]string{{keyKVCache, "bf16"}}) {
		t.Fatalf("SaveSetting calls %v", got)
	}
	if !hasText(v.obj, "takes effect after restart") {
		t.Errorf("no restart note after saving the KV cache type: %q", Texts(v.obj))
	}
}

func TestSettingsShowsModeAndFolder(t *testing.T) {
	b := newFakeBackend()
	v := settingsShell(t, b)
	for _, want := range []string{"Now: Trying alone (profile local)", b.dataDir, testID.Name() + " — keys kept in"} {
		if !hasText(v.obj, want) {
			t.Errorf("settings lack %q: %q", want, Texts(v.obj))
		}
	}
}

// One Save sends exactly the fields that changed; an unchanged form says so.
func TestSettingsOneSave(t *testing.T) {
	b := newFakeBackend()
	v := settingsShell(t, b)
	test.Tap(v.saveBtn)
	if got := b.savedSettings(); len(got) != 0 || v.status.Text != "Nothing changed." {
		t.Fatalf("unchanged form saved %v, status %q", got, v.status.Text)
	}
	v.entries[keyThreads].SetText("3")
	v.entries[keyIdleMinutes].SetText("12")
	test.Tap(v.checks[keyIdleOnly])
	test.Tap(v.saveBtn)
	want := [][2]string{{keyThreads, "3"}, {keyIdleOnly, "true"}, {keyIdleMinutes, "12"}}
	if got := b.savedSettings(); !slices.Equal(got, want) {
		t.Fatalf("saved %v, want %v", got, want)
	}
	test.Tap(v.saveBtn)
	if got := b.savedSettings(); len(got) != 3 {
		t.Fatalf("saving again re-sent unchanged fields: %v", got)
	}
}

// Every field says its unit and meaning: "0 = automatic" for threads and memory, and the idle
// field has a label and its unit (minutes). The model field shows config.toml's value.
func TestSettingsFieldsExplained(t *testing.T) {
	b := newFakeBackend()
	b.cfg.Model.Name = "Qwen/Qwen2.5-0.5B-Instruct"
	v := settingsShell(t, b)
	for _, want := range []string{"threads · 0 = automatic", "MiB · 0 = automatic", "Idle after", "minutes without keyboard or mouse input", "What config.toml says"} {
		if !hasText(v.obj, want) {
			t.Errorf("settings lack %q: %q", want, Texts(v.obj))
		}
	}
	if got := v.entries[keyModel].Text; got != "Qwen/Qwen2.5-0.5B-Instruct" {
		t.Errorf("model field %q, want config.toml's value", got)
	}
	for _, f := range settingFields {
		if _, err := b.cfg.Get(f.key); err != nil {
			t.Errorf("settings field %q is not a config key: %v", f.key, err)
		}
	}
}

// The way of taking part can be changed here: the node restarts with the new choice; a join
// needs a valid invite first.
func TestSettingsSwitchMode(t *testing.T) {
	b := newFakeBackend()
	s, _ := runningShell(t, b)
	s.main.selectView(viewSettings)
	v := s.main.settings
	if !v.modeBtn.Disabled() {
		t.Fatal("the restart button is enabled before another way was picked")
	}
	v.mode.SetSelected("Join a swarm with an invite")
	if !v.invite.Visible() || v.modeBtn.Disabled() {
		t.Fatalf("join: invite entry visible %v, button disabled %v", v.invite.Visible(), v.modeBtn.Disabled())
	}
	v.invite.SetText("not an invite")
	test.Tap(v.modeBtn)
	if !strings.Contains(v.modeStatus.Text, "cannot be used") || len(b.startedWith()) != 1 {
		t.Fatalf("bad invite: status %q, starts %v", v.modeStatus.Text, b.startedWith())
	}
	v.mode.SetSelected("Host a swarm on this computer")
	test.Tap(v.modeBtn)
	got := b.startedWith()
	if len(got) != 2 || got[1].Mode != session.ModeHost || b.stopCalls() != 1 {
		t.Fatalf("switch to host: starts %+v, stops %d", got, b.stopCalls())
	}
	if s.Content() != s.main.obj {
		t.Fatalf("after the restart the main view should show, got %q", Texts(s.Content()))
	}
}

// "Save a checkpoint now" asks the node through the backend and says under the field what
// happens (issue: a checkpoint whenever the node pauses, quits or is asked to).
func TestSettingsCheckpointNow(t *testing.T) {
	b := newFakeBackend()
	v := settingsShell(t, b)
	if v.ckptNow == nil {
		t.Fatal("no checkpoint button under the Checkpoints field")
	}
	test.Tap(v.ckptNow)
	note := v.note(keyCheckpoint)
	waitUntil(t, "the checkpoint request and its note", func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.checkpoints == 1 && strings.Contains(note.Text, "checkpoint is saved at the end of this round")
	})
}
