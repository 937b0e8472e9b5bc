package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/swarmdesk/swarmdesk/app/identity"
	"github.com/swarmdesk/swarmdesk/assets"
)

// IdentityInfo is what the identity screen shows.
type IdentityInfo struct {
	Name, PeerID, Address, KeyLocation string
	Created                            bool // made on this start (first run)
}

// NewIdentityInfo extracts the shown fields from an identity.
func NewIdentityInfo(id *identity.Identity, location string, created bool) IdentityInfo {
	return IdentityInfo{Name: id.Name(), PeerID: id.PeerID.String(), Address: id.Address().Hex(), KeyLocation: location, Created: created}
}

// appIcon is the icon as a Fyne resource.
var appIcon = fyne.NewStaticResource("icon.png", assets.Icon)

func identityScreen(info IdentityInfo, copyText func(string)) fyne.CanvasObject {
	icon := canvas.NewImageFromResource(appIcon)
	icon.SetMinSize(fyne.NewSize(64, 64))
	icon.FillMode = canvas.ImageFillContain

	name := widget.NewLabelWithStyle(info.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.SizeName = theme.SizeNameHeadingText
	sub := "Your node in the swarm"
	if info.Created {
		sub = "A new identity was created for this computer"
	}
	header := container.NewHBox(icon, container.NewVBox(name, widget.NewLabel(sub)))

	form := container.New(layout.NewFormLayout(),
		fieldLabel("Peer ID"), copyRow(info.PeerID, copyText),
		fieldLabel("Account"), copyRow(info.Address, copyText),
		fieldLabel("Keys kept in"), wrapped(info.KeyLocation),
	)
	note := widget.NewLabel("Your peer ID and name are the same as in rl-swarm when you import its swarm.pem.\n" +
		"Back up your identity with `swarmdesk identity export`.")
	note.Importance = widget.LowImportance
	note.Wrapping = fyne.TextWrapWord
	return container.NewPadded(container.NewVBox(header, widget.NewSeparator(), form, layout.NewSpacer(), note))
}

func fieldLabel(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
}

func copyRow(value string, copyText func(string)) fyne.CanvasObject {
	v := widget.NewLabelWithStyle(value, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	v.Selectable = true
	v.Truncation = fyne.TextTruncateEllipsis
	btn := widget.NewButtonWithIcon("", theme.ContentCopyIcon(), func() { copyText(value) })
	return container.NewBorder(nil, nil, nil, btn, v)
}

func wrapped(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapBreak
	return l
}

// AppIcon is the app icon as a Fyne resource.
func AppIcon() fyne.Resource { return appIcon }
