package ui

import (
	"strconv"
	"strings"

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
	keyDevice       = "engine.device"
	keyKVCache      = "engine.kv_cache"
	keyTrainMode    = "training.mode"
	keyLoRARank     = "training.lora_rank"
	keyCheckpoint   = "training.checkpoint_minutes"
	keyACPowerOnly  = "resources.ac_power_only"
	keyIdleOnly     = "resources.idle_only"
	keyIdleMinutes  = "resources.idle_minutes"
	keyStartAtLogin = "desktop.start_at_login"
	keyTheme        = "desktop.theme"
)

// settingsActions is what the settings screen asks of the shell. save runs Backend.SaveSetting
// off the UI goroutine and calls done on it; the screen never touches the backend itself.
type settingsActions struct {
	save func(key, value string, done func(restart bool, err error))
	// switchMode stops the node and starts it again taking part the new way (local, host, join).
	switchMode func(c session.Choice)
	applyTheme func(name string)
	// chooseModel opens the model chooser (download, folder, Hugging Face cache, demo); nil
	// where there is none.
	chooseModel func()
	openFolder  func(dir string)
	export      func(done func(path string, err error))
	// checkpointCost says what checkpointing every minutes of training costs the disk
	// (app/node's CheckpointCostText, from the node's own figures); done runs on the UI.
	checkpointCost func(minutes int, done func(text string))
	// checkpointNow asks the node for a checkpoint now; done runs on the UI goroutine.
	checkpointNow func(done func(err error))
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

// modeText explains how this computer takes part (chosen on the first run, changeable in
// Settings).
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
	case session.ModeGensyn:
		return "Gensyn testnet (profile " + profile + ")", "Gensyn's public testnet swarm; rewards and votes go out from your smart account once you sign in (Account, below)."
	}
	return string(c.Mode), ""
}

// fieldKind is how a setting is edited.
type fieldKind int

const (
	fieldText   fieldKind = iota // free text (a model name or folder)
	fieldNumber                  // a whole number, with its unit
	fieldCheck                   // on/off
	fieldChoice                  // one of choices
)

// settingField is one row of the settings form. The form is built from settingFields, so a new
// config key (app/config/settings.go) needs one line here; the value comes from config.Get and
// the meaning, where hint is empty, from config.Help.
type settingField struct {
	key     string
	label   string
	kind    fieldKind
	hint    string   // unit and meaning under the control
	check   string   // fieldCheck: the check's own text
	choices []string // fieldChoice
}

var settingFields = []settingField{
	{key: keyModel, label: "Model", kind: fieldText,
		hint: "What config.toml says: demo (built in, no download), a Hugging Face id such as Qwen/Qwen2.5-0.5B-Instruct, or a model folder. Takes effect on the next start."},
	{key: keyThreads, label: "CPU threads", kind: fieldNumber, hint: "threads · 0 = automatic (all cores)"},
	{key: keyMemoryLimit, label: "Memory limit", kind: fieldNumber, hint: "MiB · 0 = automatic (what the model needs, within free memory)"},
	{key: keyDevice, label: "Compute device", kind: fieldText,
		hint: "auto (a GPU when one can be used, else the CPU), cpu, vulkan, vulkan:N, cuda or metal · takes effect on the next start"},
	{key: keyKVCache, label: "KV cache", kind: fieldChoice, choices: []string{"auto", "f32", "bf16"},
		hint: "auto keeps rollouts' keys and values in bf16 on a GPU that offers it (half the memory, attention still sums in fp32), f32 elsewhere · takes effect on the next start"},
	{key: keyTrainMode, label: "Training", kind: fieldChoice, choices: []string{"auto", "full", "lora"},
		hint: "auto trains the full model when it fits the memory limit, else LoRA adapters; full or lora force one"},
	{key: keyLoRARank, label: "LoRA rank", kind: fieldNumber, hint: "rank of the adapters · 0 = the largest that fits (up to 64)"},
	{key: keyCheckpoint, label: "Checkpoints", kind: fieldNumber,
		hint: "minutes of training between full checkpoints · 0 = after every round (the most disk writes); a crash loses at most that much training, never a reward or vote"},
	{key: keyACPowerOnly, label: "Power", kind: fieldCheck, check: "Run only on AC power",
		hint: "Pauses training on battery and resumes when plugged in."},
	{key: keyIdleOnly, label: "Idle", kind: fieldCheck, check: "Run only when the computer is idle",
		hint: "Pauses training while someone uses the keyboard or mouse."},
	{key: keyIdleMinutes, label: "Idle after", kind: fieldNumber,
		hint: "minutes without keyboard or mouse input before an idle-only node trains"},
	{key: keyStartAtLogin, label: "Login", kind: fieldCheck, check: "Start swarmdesk when I log in",
		hint: "Opens in the background (tray) when you log in."},
	{key: keyTheme, label: "Theme", kind: fieldChoice, choices: []string{"system", "light", "dark"},
		hint: "system follows the operating system's light or dark setting."},
}

// modeLabels are the ways of taking part, in the order the first-run screen offers them.
var modeLabels = []struct {
	mode  session.Mode
	label string
}{
	{session.ModeLocal, "Try alone on this computer"},
	{session.ModeHost, "Host a swarm on this computer"},
	{session.ModeJoin, "Join a swarm with an invite"},
}

// settingsView is the settings screen: one form with one Save, built from settingFields, plus
// how this computer takes part (which restarts the node), the data folder and the identity.
type settingsView struct {
	act   settingsActions
	notes map[string]*widget.Label
	obj   fyne.CanvasObject
	// saved is each field's value as last saved (or read), to send only what changed.
	saved map[string]string

	// The editable controls, for tests.
	entries map[string]*widget.Entry
	checks  map[string]*widget.Check
	selects map[string]*widget.Select
	theme   *widget.Select
	saveBtn *widget.Button
	status  *widget.Label

	// plan is the memory plan under the training mode (what the node trains within the limit,
	// and why); ckptCost what the checkpoint cadence costs the disk.
	plan     *widget.Label
	ckptCost *widget.Label
	ckptNow  *widget.Button

	rest    *fyne.Container   // "Swarm and identity" rows
	account fyne.CanvasObject // Settings → Account, where the network needs a sign-in (account.go)

	mode       *widget.RadioGroup
	invite     *widget.Entry
	modeBtn    *widget.Button
	modeStatus *widget.Label
}

func newSettings(cfg config.Config, choice session.Choice, hasChoice bool, dataDir string, info IdentityInfo, act settingsActions) *settingsView {
	v := &settingsView{act: act, notes: map[string]*widget.Label{}, saved: map[string]string{},
		entries: map[string]*widget.Entry{}, checks: map[string]*widget.Check{}, selects: map[string]*widget.Select{}}
	v.plan = hintLabel("")
	v.plan.Hide()
	v.ckptCost = hintLabel("")

	var rows []fyne.CanvasObject
	for _, f := range settingFields {
		val, err := cfg.Get(f.key)
		if err != nil {
			continue // a key this build's config does not know
		}
		v.saved[f.key] = val
		rows = append(rows, fieldLabel(f.label), v.fieldRow(f, val))
	}
	v.theme = v.selects[keyTheme]
	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord
	v.saveBtn = widget.NewButtonWithIcon("Save changes", theme.DocumentSaveIcon(), v.saveForm)
	v.saveBtn.Importance = widget.HighImportance
	rows = append(rows, layout.NewSpacer(), container.NewBorder(nil, nil, v.saveBtn, nil, v.status))

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

	form := container.New(layout.NewFormLayout(), rows...)
	rest := container.New(layout.NewFormLayout(),
		fieldLabel("Taking part"), v.modeRow(choice, hasChoice, cfg.Network.Profile),
		fieldLabel("Data folder"), container.NewBorder(nil, nil, nil, openFolder, folder),
		fieldLabel("Identity"), container.NewVBox(
			wrapped(info.Name+" — keys kept in "+info.KeyLocation),
			container.NewHBox(export), exportNote),
	)
	v.rest = rest
	v.obj = container.NewVScroll(container.NewPadded(container.NewVBox(
		onbHeading("Node settings"), form, widget.NewSeparator(), onbHeading("Swarm and identity"), rest)))
	return v
}

// hintLabel is the unit and meaning under a control, in the theme's dimmer (but AA-contrast) text.
func hintLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.LowImportance
	l.SizeName = theme.SizeNameCaptionText
	return l
}

// fieldRow builds one field's control, its hint and its (hidden until needed) note.
func (v *settingsView) fieldRow(f settingField, val string) fyne.CanvasObject {
	var ctl fyne.CanvasObject
	switch f.kind {
	case fieldCheck:
		c := widget.NewCheck(f.check, nil)
		c.SetChecked(val == "true")
		v.checks[f.key] = c
		ctl = c
	case fieldChoice:
		sel := widget.NewSelect(f.choices, nil)
		sel.SetSelected(val)
		v.selects[f.key] = sel
		ctl = sel
	default:
		e := widget.NewEntry()
		e.SetText(val)
		e.OnSubmitted = func(string) { v.saveForm() }
		v.entries[f.key] = e
		ctl = e
		if f.key == keyModel && v.act.chooseModel != nil {
			ctl = container.NewBorder(nil, nil, nil, widget.NewButton("Choose…", v.act.chooseModel), e)
		}
	}
	hint := f.hint
	if hint == "" {
		hint = config.Help(f.key)
	}
	box := container.NewVBox(ctl, hintLabel(hint), v.note(f.key))
	switch f.key {
	case keyTrainMode:
		box.Add(v.plan)
	case keyCheckpoint:
		box.Add(v.ckptCost)
		if v.act.checkpointNow != nil {
			v.ckptNow = widget.NewButtonWithIcon("Save a checkpoint now", theme.DocumentSaveIcon(), v.checkpointNow)
			box.Add(container.NewHBox(v.ckptNow))
		}
		if m, err := strconv.Atoi(val); err == nil {
			v.showCheckpointCost(m)
		}
	}
	return box
}

// setPlan shows the memory plan under the training mode ("" hides it: no model yet).
func (v *settingsView) setPlan(text string) {
	if text == "" {
		v.plan.Hide()
		return
	}
	v.plan.SetText("Plan: " + text)
	v.plan.Show()
}

// checkpointNow asks the node for a checkpoint and says under the field what happens.
func (v *settingsView) checkpointNow() {
	v.act.checkpointNow(func(err error) {
		n := v.note(keyCheckpoint)
		if err != nil {
			n.SetText(err.Error())
			n.Importance = widget.WarningImportance
		} else {
			n.SetText("A checkpoint is saved at the end of this round, in the background.")
			n.Importance = widget.SuccessImportance
		}
		n.Show()
		n.Refresh()
	})
}

// showCheckpointCost asks the shell what checkpointing every minutes costs the disk.
func (v *settingsView) showCheckpointCost(minutes int) {
	if v.act.checkpointCost != nil {
		v.act.checkpointCost(minutes, v.ckptCost.SetText)
	}
}

// value is a field's current value in the form.
func (v *settingsView) value(key string) (string, bool) {
	if e, ok := v.entries[key]; ok {
		return strings.TrimSpace(e.Text), true
	}
	if c, ok := v.checks[key]; ok {
		return strconv.FormatBool(c.Checked), true
	}
	if s, ok := v.selects[key]; ok {
		return s.Selected, true
	}
	return "", false
}

// saveForm saves every field whose value changed, each with its own outcome under it.
func (v *settingsView) saveForm() {
	changed := 0
	for _, f := range settingFields {
		val, ok := v.value(f.key)
		if !ok || val == v.saved[f.key] {
			continue
		}
		changed++
		key := f.key
		v.save(key, val, func() {
			v.saved[key] = val
			switch key {
			case keyTheme:
				v.act.applyTheme(val)
			case keyCheckpoint:
				if m, err := strconv.Atoi(val); err == nil {
					v.showCheckpointCost(m)
				}
			}
		}, func() { v.revert(key) })
	}
	if changed == 0 {
		v.status.SetText("Nothing changed.")
	} else {
		v.status.SetText("")
	}
}

// revert puts a refused check or choice back to the value in effect (entries keep the typed text
// so it can be corrected).
func (v *settingsView) revert(key string) {
	if c, ok := v.checks[key]; ok {
		c.SetChecked(v.saved[key] == "true")
	}
	if s, ok := v.selects[key]; ok {
		s.SetSelected(v.saved[key])
	}
}

// modeRow shows how this computer takes part and lets the person change it: the node stops and
// starts again the new way (a join needs a valid invite first).
func (v *settingsView) modeRow(c session.Choice, ok bool, profile string) fyne.CanvasObject {
	title, explain := modeText(c, ok, profile)
	now := widget.NewLabelWithStyle("Now: "+title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	now.Wrapping = fyne.TextWrapWord
	labels := make([]string, len(modeLabels))
	current := ""
	for i, m := range modeLabels {
		labels[i] = m.label
		if ok && m.mode == c.Mode {
			current = m.label
		}
	}
	v.invite = widget.NewEntry()
	v.invite.SetPlaceHolder("Paste the invite from the host's dashboard")
	v.invite.Hide()
	v.modeStatus = widget.NewLabel("")
	v.modeStatus.Wrapping = fyne.TextWrapWord
	v.modeBtn = widget.NewButton("Restart the node this way", func() { v.switchMode(current) })
	v.modeBtn.Disable()
	v.mode = widget.NewRadioGroup(labels, func(sel string) {
		v.invite.Hidden = sel != modeLabels[2].label
		v.invite.Refresh()
		if sel == "" || sel == current {
			v.modeBtn.Disable()
		} else {
			v.modeBtn.Enable()
		}
	})
	v.mode.SetSelected(current)
	return container.NewVBox(now, hintLabel(explain), v.mode, v.invite,
		container.NewHBox(v.modeBtn), v.modeStatus)
}

// switchMode checks the new way of taking part and hands it to the shell.
func (v *settingsView) switchMode(current string) {
	sel := v.mode.Selected
	var c session.Choice
	for _, m := range modeLabels {
		if m.label == sel {
			c.Mode = m.mode
		}
	}
	if c.Mode == "" || sel == current {
		return
	}
	if c.Mode == session.ModeJoin {
		inv, err := session.ParseInvite(v.invite.Text)
		if err != nil {
			v.modeStatus.Importance = widget.DangerImportance
			v.modeStatus.SetText("This invite cannot be used: " + err.Error() + ".")
			return
		}
		c.Invite = &inv
	}
	v.modeStatus.Importance = widget.MediumImportance
	v.modeStatus.SetText("Restarting the node…")
	if v.act.switchMode != nil {
		v.act.switchMode(c)
	}
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
