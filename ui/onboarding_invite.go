package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/swarmdesk/swarmdesk/app/session"
)

// The invite step of the first run (joining only): paste what the host shared; session.ParseInvite
// checks it.

func (o *Onboarding) showInvite() {
	entry := widget.NewMultiLineEntry()
	entry.Wrapping = fyne.TextWrapBreak
	entry.SetMinRowsVisible(4)
	entry.SetPlaceHolder(session.InvitePrefix + "…")
	status := onbText("")

	back := widget.NewButtonWithIcon("Back", theme.NavigateBackIcon(), o.showIdentity)
	cont := widget.NewButtonWithIcon("Join this swarm", theme.NavigateNextIcon(), func() {
		if o.invite != nil {
			o.showStart()
		}
	})
	cont.Importance = widget.HighImportance
	cont.IconPlacement = widget.ButtonIconTrailingText

	validate := func(text string) {
		o.invite = nil
		cont.Disable()
		if strings.TrimSpace(text) == "" {
			status.Importance = widget.LowImportance
			status.SetText("Paste the invite to see what it contains.")
			return
		}
		inv, err := session.ParseInvite(text)
		if err != nil {
			status.Importance = widget.DangerImportance
			status.SetText("This invite cannot be used: " + err.Error() + ".")
			o.relayout()
			return
		}
		o.invite = &inv
		status.Importance = widget.SuccessImportance
		status.SetText(onbInviteSummary(inv))
		cont.Enable()
		o.relayout()
	}
	entry.OnChanged = validate
	prev := o.invite
	if prev != nil {
		entry.SetText(prev.String()) // coming back from the start step: keep what was pasted
	}
	validate(entry.Text)

	intro := onbText("Ask the person who hosts the swarm to press \"Copy invite\" on their swarmdesk dashboard and " +
		"send you the text, then paste it here. It tells this computer where the swarm's chain, coordinator and first peers are.")
	o.showPage(onbHeading("Paste the invite"), intro, entry, status, onbButtons(back, cont))
}

// onbInviteSummary says what a valid invite points at, so a person can tell it is the right one.
func onbInviteSummary(inv session.Invite) string {
	nodes := "1 bootnode"
	if n := len(inv.Bootnodes); n != 1 {
		nodes = fmt.Sprintf("%d bootnodes", n)
	}
	return fmt.Sprintf("Valid invite: chain %d at %s, coordinator %s, %s. Press Join this swarm to continue.",
		inv.ChainID, session.RedactURL(inv.RPCURL), onbShortHex(inv.Contract), nodes)
}

// onbShortHex abbreviates an address to its first and last four digits, the way wallets show it.
func onbShortHex(s string) string {
	if len(s) <= 12 {
		return s
	}
	return s[:6] + "…" + s[len(s)-4:]
}

// --- Step 4: start -------------------------------------------------------------------------
