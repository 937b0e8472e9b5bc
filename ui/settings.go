package ui

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/swarmdesk/swarmdesk/app/config"
	"github.com/swarmdesk/swarmdesk/app/session"
)

// Config keys the settings screen edits (app/config's names; SaveSetting validates them).
const (
	keyModel        = "model.name"
	keyThreads      = "resources.threads"
	keyMemoryLimit  = "resources.memory_limit_mb"
	keyTrainMode    = "training.mode"
	keyLoRARank     = "training.lora_rank"
	keyDevice       = "engine.device"
	keyACPowerOnly  = "resources.ac_power_only"
	keyIdleOnly     = "resources.idle_only"
	keyIdleMinutes  = "resources.idle_minutes"
	keyStartAtLogin = "desktop.start_at_login"
	keyTheme        = "desktop.theme"
	keyCheckpoint   = "training.checkpoint_minutes"
)

// settingsActions is what the settings screen asks of the shell. save runs Backend.SaveSetting
// off the UI goroutine and calls done on it; the screen never touches the backend itself.
type settingsActions struct {
	save       func(key, value string, done func(restart bool, err error))
	applyTheme func(name string)
	openFolder func(dir string)
	export     func(done func(path string, err error))
	// checkpointCost says what checkpointing every minutes of training costs the disk
	// (app/node's CheckpointCostText, from the node's own figures); done runs on the UI.
	checkpointCost func(minutes int, done func(text string))
}

// savedNote is what appears under a field after a save: the validation error, or whether the
// change is already in effect (a person changing threads wants to know if a restart is due).
func savedNote(restart bool, err error) (string, widget.Importance) {
	switch {
	case err != nil:
		return err.Error(), widget.DangerImportance
	case restart:
		return "Saved — takes effect after restart", widget.WarningImportance
	}
	return "Saved", widget.SuccessImportance
}

// modeText explains the network chosen on the first run; it is read-only here because changing
// it means leaving one swarm for another, which the first-run flow handles.
func modeText(c session.Choice, ok bool, profile string) (title, explain string) {
	if !ok {
		return "Not chosen yet", "The first-run screens ask how this computer takes part."
	}
	switch c.Mode {
	case session.ModeJoin:
		return "Joined a swarm (profile " + profile + ")", "This computer trains in a swarm someone else hosts, using the invite you pasted on the first run."
	case session.ModeHost:
		return "Hosting a swarm (profile " + profile + ")", "This computer runs the swarm's chain and round timer; others join with your invite from the dashboard."
	case session.ModeLocal:
		return "Trying alone (profile " + profile + ")", "A private chain on this computer: no peers, nothing leaves the machine."
	}
	return string(c.Mode), ""
}

// settingsView is the settings screen: one row per config key, each saved on its own so a
// validation error points at exactly one field.
type settingsView struct {
	act   settingsActions
	notes map[string]*widget.Label
	obj   fyne.CanvasObject

	// The editable controls, for tests.
	entries map[string]*widget.Entry
	checks  map[string]*widget.Check
	theme   *widget.Select
	mode    *widget.Select
	plan    *widget.Label // the memory plan (what the node trains within the limit, and why)
}

func newSettings(cfg config.Config, choice session.Choice, hasChoice bool, dataDir string, info IdentityInfo, act settingsActions) *settingsView {
	v := &settingsView{act: act, notes: map[string]*widget.Label{}, entries: map[string]*widget.Entry{}, checks: map[string]*widget.Check{}}

	title, explain := modeText(choice, hasChoice, cfg.Network.Profile)
	netTitle := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	netTitle.Wrapping = fyne.TextWrapWord
	netExplain := widget.NewLabel(explain)
	netExplain.Wrapping = fyne.TextWrapWord
	netExplain.Importance = widget.LowImportance

	v.theme = widget.NewSelect([]string{"system", "light", "dark"}, nil)
	v.theme.SetSelected(cfg.Desktop.Theme)
	v.theme.OnChanged = func(s string) {
		v.save(keyTheme, s, func() { act.applyTheme(s) }, nil)
	}

	v.mode = widget.NewSelect([]string{"auto", "full", "lora"}, nil)
	v.mode.SetSelected(cfg.Training.Mode)
	v.mode.OnChanged = func(s string) { v.save(keyTrainMode, s, nil, nil) }
	v.plan = widget.NewLabel("")
	v.plan.Wrapping = fyne.TextWrapWord
	v.plan.Importance = widget.LowImportance
	v.plan.Hide()

	folder := widget.NewLabelWithStyle(dataDir, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	folder.Wrapping = fyne.TextWrapBreak
	openFolder := widget.NewButtonWithIcon("Open folder", theme.FolderOpenIcon(), func() { act.openFolder(dataDir) })

	exportNote := v.note("identity.export")
	export := widget.NewButtonWithIcon("Export swarm.pem…", theme.DocumentSaveIcon(), func() {
		act.export(func(path string, err error) {
			if err != nil {
				exportNote.Importance = widget.DangerImportance
				exportNote.SetText(err.Error())
			} else {
				exportNote.Importance = widget.SuccessImportance
				exportNote.SetText("Saved to " + path + ". Keep it private: it is your node's key.")
			}
			exportNote.Show()
		})
	})

	form := container.New(layout.NewFormLayout(),
		fieldLabel("Network"), container.NewVBox(netTitle, netExplain),
		fieldLabel("Model"), v.entryRow(keyModel, cfg.Model.Name, "hub id org/name or a local folder"),
		fieldLabel("Compute device"), v.entryRow(keyDevice, cfg.Engine.Device, "auto, cpu, vulkan, vulkan:N, cuda or metal"),
		fieldLabel("CPU threads"), v.entryRow(keyThreads, strconv.Itoa(cfg.Resources.Threads), "0 = all cores"),
		fieldLabel("Memory limit (MiB)"), v.entryRow(keyMemoryLimit, strconv.Itoa(cfg.Resources.MemoryLimitMB), "0 = automatic"),
		fieldLabel("Training"), container.NewVBox(v.mode, v.note(keyTrainMode),
			v.entryRow(keyLoRARank, strconv.Itoa(cfg.Training.LoRARank), "LoRA rank, 0 = the largest that fits"), v.plan),
		fieldLabel("Power"), v.checkRow(keyACPowerOnly, "Run only on AC power", cfg.Resources.ACPowerOnly),
		fieldLabel("Idle"), container.NewVBox(
			v.checkRow(keyIdleOnly, "Run only when the computer is idle", cfg.Resources.IdleOnly),
			v.entryRow(keyIdleMinutes, strconv.Itoa(cfg.Resources.IdleMinutes), "minutes without input")),
		fieldLabel("Checkpoints"), v.checkpointRow(cfg.Training.CheckpointMinutes),
		fieldLabel("Login"), v.checkRow(keyStartAtLogin, "Start swarmdesk when I log in", cfg.Desktop.StartAtLogin),
		fieldLabel("Theme"), container.NewVBox(v.theme, v.note(keyTheme)),
		fieldLabel("Data folder"), container.NewBorder(nil, nil, nil, openFolder, folder),
		fieldLabel("Identity"), container.NewVBox(
			widget.NewLabel(info.Name+" — keys kept in "+info.KeyLocation),
			container.NewHBox(export), exportNote),
	)
	v.obj = container.NewVScroll(container.NewPadded(form))
	return v
}

// setPlan shows the memory plan under the training settings ("" hides it: no model yet).
func (v *settingsView) setPlan(text string) {
	if text == "" {
		v.plan.Hide()
		return
	}
	v.plan.SetText("Plan: " + text)
	v.plan.Show()
}

// note is the (hidden until needed) message line under a field.
func (v *settingsView) note(key string) *widget.Label {
	if n, ok := v.notes[key]; ok {
		return n
	}
	n := widget.NewLabel("")
	n.Wrapping = fyne.TextWrapWord
	n.Hide()
	v.notes[key] = n
	return n
}

// save sends one setting and shows the outcome under its field; ok runs after a successful save
// and failed after a refused one (to put the control back).
func (v *settingsView) save(key, value string, ok, failed func()) {
	n := v.note(key)
	v.act.save(key, value, func(restart bool, err error) {
		text, imp := savedNote(restart, err)
		n.Importance = imp
		n.SetText(text)
		n.Show()
		switch {
		case err != nil && failed != nil:
			failed()
		case err == nil && ok != nil:
			ok()
		}
	})
}

func (v *settingsView) entryRow(key, value, placeholder string) fyne.CanvasObject {
	e := widget.NewEntry()
	e.SetText(value)
	e.SetPlaceHolder(placeholder)
	submit := func() { v.save(key, e.Text, nil, nil) }
	e.OnSubmitted = func(string) { submit() }
	v.entries[key] = e
	btn := widget.NewButton("Save", submit)
	return container.NewBorder(nil, v.note(key), nil, btn, e)
}

// checkpointRow edits training.checkpoint_minutes and shows what it costs in disk writes.
func (v *settingsView) checkpointRow(minutes int) fyne.CanvasObject {
	cost := widget.NewLabel("")
	cost.Wrapping = fyne.TextWrapWord
	cost.Importance = widget.LowImportance
	show := func(m int) {
		if v.act.checkpointCost != nil {
			v.act.checkpointCost(m, cost.SetText)
		}
	}
	show(minutes)
	e := widget.NewEntry()
	e.SetText(strconv.Itoa(minutes))
	e.SetPlaceHolder("minutes of training between checkpoints (0 = every round)")
	submit := func() {
		text := e.Text
		v.save(keyCheckpoint, text, func() {
			if m, err := strconv.Atoi(text); err == nil {
				show(m)
			}
		}, nil)
	}
	e.OnSubmitted = func(string) { submit() }
	v.entries[keyCheckpoint] = e
	return container.NewVBox(container.NewBorder(nil, v.note(keyCheckpoint), nil, widget.NewButton("Save", submit), e), cost)
}

func (v *settingsView) checkRow(key, label string, value bool) fyne.CanvasObject {
	c := widget.NewCheck(label, nil)
	c.SetChecked(value)
	var changed func(bool)
	changed = func(on bool) {
		v.save(key, strconv.FormatBool(on), nil, func() {
			// Refused: show the setting still in effect without saving again.
			c.OnChanged = nil
			c.SetChecked(!on)
			c.OnChanged = changed
		})
	}
	c.OnChanged = changed
	v.checks[key] = c
	return container.NewVBox(c, v.note(key))
}
