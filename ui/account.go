package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/session"
	"github.com/swarmdesk/swarmdesk/app/signin"
)

// AccountBackend is the sign-in side of the app core: Gensyn testnet writes from the user's
// smart account once they sign in with an emailed code. It is apart from Backend so screens
// and tests that never sign in need not provide it; app/session.Session implements it, and the
// window offers Gensyn testnet and the account screens only where the backend does.
type AccountBackend interface {
	// SignInFlow is the sign-in of network profile (the configured one when ""); nil when
	// that network needs none (local and invite swarms write with this computer's key).
	SignInFlow(profile string) (*signin.Flow, error)
	// SignedIn is who is signed in on the configured network: nil when nobody is or the
	// network needs no sign-in.
	SignedIn() (*signin.Summary, error)
}

func accountsOf(b Backend) AccountBackend {
	a, _ := b.(AccountBackend)
	return a
}

// accountText is who is signed in, for the dashboard: email, smart account and how long the
// session lasts (or that it ended and what to do).
func accountText(s *signin.Summary, now time.Time) string {
	if s == nil {
		return "Not signed in: the node trains and shares but sends no rewards or votes. Sign in (Settings → Account) to take part."
	}
	acct := "account not set up yet"
	if s.Account != ([20]byte{}) {
		acct = "account " + s.Account.Hex()
	}
	if s.Expired || !now.Before(s.Expires) {
		return "Signed in as " + s.Email + " (" + acct + ")\nThe session ended " + s.Expires.Local().Format("2 Jan 2006 15:04") +
			": sign in again (Settings → Account). Training goes on; rewards wait until then."
	}
	return "Signed in as " + s.Email + "\n" + acct + "\nsession until " + s.Expires.Local().Format("2 Jan 2006 15:04")
}

// newAccountLine is the dashboard's sign-in line in the "This node" card, hidden on networks
// that need no sign-in.
func newAccountLine() *widget.Label {
	l := wrappedLabel()
	l.Hide()
	return l
}

// setAccount shows who is signed in (needed false: the network needs no sign-in, nothing shows).
func (d *dashboard) setAccount(s *signin.Summary, needed bool) {
	d.signedIn = needed && s != nil && !s.Expired && d.now().Before(s.Expires)
	if !needed {
		d.account.Hide()
		return
	}
	d.account.SetText(accountText(s, d.now()))
	d.account.Importance = widget.MediumImportance
	if s == nil || s.Expired {
		d.account.Importance = widget.WarningImportance
	}
	d.account.Show()
	d.account.Refresh()
}

// addAccountRow adds Settings → Account (sign in, sign out) under "Swarm and identity".
func (v *settingsView) addAccountRow(obj fyne.CanvasObject) {
	v.account = obj
	v.rest.Objects = append(v.rest.Objects, fieldLabel("Account"), obj)
	v.rest.Refresh()
}

// showAccount reads who is signed in and puts it on the dashboard and in Settings → Account,
// where the network needs a sign-in. Signing in or out there updates the dashboard. A sign-in
// made while the node runs read-only takes effect when it starts next. UI goroutine.
func (s *Shell) showAccount(sv *settingsView) {
	a := accountsOf(s.b)
	if a == nil {
		return
	}
	s.async(func() {
		flow, ferr := a.SignInFlow("")
		sum, err := a.SignedIn()
		fyne.Do(func() {
			m := s.main
			if m == nil {
				return
			}
			if ferr != nil || err != nil {
				if ferr == nil {
					ferr = err
				}
				m.dash.showProblem("Could not read the sign-in: " + ferr.Error())
				return
			}
			m.dash.setAccount(sum, flow != nil)
			if flow == nil {
				return
			}
			v := newSignInView(flow)
			v.async = s.async
			v.onChange = func() {
				s.async(func() {
					sum, err := a.SignedIn()
					fyne.Do(func() {
						if err == nil {
							m.dash.setAccount(sum, true)
						}
					})
				})
			}
			sv.addAccountRow(v.obj)
		})
	})
}

// --- First run: Join Gensyn testnet → sign in -----------------------------------------------

// gensynChoice is the welcome step's row for Gensyn testnet, offered when the backend can sign in.
func (o *Onboarding) gensynChoice() []fyne.CanvasObject {
	if accountsOf(o.b) == nil {
		return nil
	}
	btn := widget.NewButtonWithIcon("Join Gensyn testnet", theme.AccountIcon(), func() { o.choose(session.ModeGensyn) })
	btn.Alignment = widget.ButtonAlignLeading
	return []fyne.CanvasObject{btn, onbText("Take part in Gensyn's public testnet swarm. Sign in with your email " +
		"(a code, no browser) so your rewards are sent from your own account.")}
}

// showSignIn is the Gensyn step after the identity: sign in by email code, or go on without
// (the node then trains and shares but sends nothing until a sign-in in Settings).
func (o *Onboarding) showSignIn() {
	a := accountsOf(o.b)
	back := widget.NewButtonWithIcon("Back", theme.NavigateBackIcon(), o.showIdentity)
	cont := widget.NewButtonWithIcon("Continue", theme.NavigateNextIcon(), o.showStart)
	cont.Importance = widget.HighImportance
	holder := container.NewStack(widget.NewLabel("Opening the sign-in…"))
	o.showPage(onbHeading("Sign in to Gensyn testnet"),
		onbText("Your node sends its rewards and votes from your own smart account. swarmdesk keeps the key that "+
			"acts for it only in this computer's keychain; signing out removes it."),
		holder, onbButtons(back, cont))
	if a == nil {
		return
	}
	o.async(func() {
		flow, err := a.SignInFlow(chain.ProfileGensynTestnet)
		fyne.Do(func() {
			var obj fyne.CanvasObject
			switch {
			case err != nil:
				l := onbText("The sign-in cannot open: " + err.Error())
				l.Importance = widget.DangerImportance
				obj = l
			default:
				v := newSignInView(flow)
				v.async = o.async
				v.onChange = o.relayout
				obj = v.obj
			}
			holder.Objects = []fyne.CanvasObject{obj}
			holder.Refresh()
			o.relayout()
		})
	})
}
