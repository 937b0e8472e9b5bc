package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// MinPassphrase is the shortest passphrase accepted for a new encrypted store.
const MinPassphrase = 8

// passphraseScreen asks for the passphrase of the encrypted key store: to choose one (twice)
// when the store is new, or to unlock it. problem is shown in red (e.g. a wrong passphrase).
func passphraseScreen(creating bool, dir, problem string, submit func([]byte)) fyne.CanvasObject {
	title := "Unlock your keys"
	intro := "This computer has no keychain service, so swarmdesk keeps your keys in a file encrypted with your passphrase:\n" + dir
	button := "Unlock"
	if creating {
		title = "Protect your keys"
		intro = "This computer has no keychain service. Choose a passphrase: swarmdesk encrypts your node's keys with it and keeps them in\n" + dir +
			"\nThere is no way to recover a forgotten passphrase; export your identity to keep a backup."
		button = "Create"
	}
	icon := canvas.NewImageFromResource(appIcon)
	icon.SetMinSize(fyne.NewSize(56, 56))
	icon.FillMode = canvas.ImageFillContain
	head := container.NewBorder(nil, nil, icon, nil, container.NewVBox(onbHeading(title), onbText(intro)))
	pass := widget.NewPasswordEntry()
	pass.SetPlaceHolder("Passphrase")
	confirm := widget.NewPasswordEntry()
	confirm.SetPlaceHolder("Repeat passphrase")
	msg := widget.NewLabel(problem)
	msg.Importance = widget.DangerImportance
	msg.Wrapping = fyne.TextWrapWord

	var btn *widget.Button
	do := func() {
		if p := passphraseProblem(creating, pass.Text, confirm.Text); p != "" {
			msg.SetText(p)
			return
		}
		btn.Disable()
		submit([]byte(pass.Text))
	}
	btn = widget.NewButton(button, do)
	btn.Importance = widget.HighImportance
	pass.OnSubmitted = func(string) { do() }
	confirm.OnSubmitted = func(string) { do() }

	fields := []fyne.CanvasObject{head, widget.NewSeparator(), pass}
	if creating {
		fields = append(fields, confirm)
	}
	fields = append(fields, msg, container.NewHBox(layout.NewSpacer(), btn))
	// The welcome's centred column: the same width, centred, scrolling when the window is short.
	return container.NewVScroll(container.New(onbColumn{width: onboardingWidth}, container.NewPadded(container.NewVBox(fields...))))
}

// passphraseProblem says what is wrong with what was typed, or "" when it can be used.
func passphraseProblem(creating bool, p, again string) string {
	switch {
	case p == "":
		return "Type your passphrase."
	case creating && len(p) < MinPassphrase:
		return "Use at least 8 characters."
	case creating && p != again:
		return "The two passphrases differ."
	}
	return ""
}
