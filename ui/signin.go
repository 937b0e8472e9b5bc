package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/signin"
	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

// googleNote says why only email is offered: Google sign-in would need the
// system browser to hand the result back to this computer, and swarmdesk
// does not run such a loopback redirect (yet), so it is not offered rather
// than done unsafely. Email codes also work on servers with no browser.
const googleNote = "Google sign-in is not offered: it would need your browser to send the result back to this computer, which swarmdesk does not do. An emailed code works everywhere, also on a server without a browser."

// signInView is the sign-in screen: email → code → signed in (or sign out).
// flow is nil on networks that need no sign-in (local and invite swarms).
type signInView struct {
	flow  *signin.Flow
	async func(func()) // runs network work off the UI goroutine; tests run it inline
	ui    func(func()) // back on the UI goroutine (fyne.Do); tests run it inline

	obj     *fyne.Container
	email   *widget.Entry
	code    *widget.Entry
	send    *widget.Button
	verify  *widget.Button
	back    *widget.Button
	signOut *widget.Button
	status  *widget.Label
	errLine *widget.Label
	// onChange, when set, runs on the UI goroutine after a sign-in step ends or a sign-out.
	onChange func()
}

func newSignInView(flow *signin.Flow) *signInView {
	v := &signInView{flow: flow, async: func(f func()) { go f() }, ui: fyne.Do}
	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord
	v.errLine = widget.NewLabel("")
	v.errLine.Wrapping = fyne.TextWrapWord
	v.errLine.Importance = widget.DangerImportance
	v.email = widget.NewEntry()
	v.email.SetPlaceHolder("you@example.com")
	v.code = widget.NewEntry()
	v.code.SetPlaceHolder("code from the email")
	v.send = widget.NewButton("Email me a code", v.onSend)
	v.send.Importance = widget.HighImportance
	v.email.OnSubmitted = func(string) { v.onSend() }
	v.verify = widget.NewButton("Sign in", v.onVerify)
	v.verify.Importance = widget.HighImportance
	v.code.OnSubmitted = func(string) { v.onVerify() }
	v.back = widget.NewButton("Use another email", func() { v.flow.Cancel(); v.refresh() })
	v.signOut = widget.NewButton("Sign out", v.onSignOut)
	v.obj = container.NewVBox()
	v.refresh()
	return v
}

func (v *signInView) fail(err error) {
	v.errLine.SetText(err.Error())
	v.errLine.Show()
}

// refresh shows the step the flow is at.
func (v *signInView) refresh() {
	v.errLine.Hide()
	if v.flow == nil {
		v.status.SetText("This network needs no sign-in: your node writes with this computer's account key.")
		v.obj.Objects = []fyne.CanvasObject{v.status}
		v.obj.Refresh()
		return
	}
	sess, err := v.flow.Current()
	note := widget.NewLabel(googleNote)
	note.Wrapping = fyne.TextWrapWord
	note.Importance = widget.LowImportance
	switch {
	case err != nil:
		v.status.SetText("")
		v.fail(err)
		v.obj.Objects = []fyne.CanvasObject{v.errLine, v.signOut}
	case sess != nil && sess.Expired(time.Now()):
		v.status.SetText("Your sign-in as " + sess.Email + " has expired. Sign in again to send your rewards; training goes on and they wait until then.")
		v.email.SetText(sess.Email)
		v.obj.Objects = []fyne.CanvasObject{v.status, v.email, v.send, v.errLine, note}
	case sess != nil:
		who := "Signer " + sess.Signer.Hex()
		if sess.Account != ([20]byte{}) {
			who = "Smart account " + sess.Account.Hex()
		}
		v.status.SetText("Signed in as " + sess.Email + "\n" + who + "\nSession key valid until " + sess.Expires.Local().Format("2 Jan 2006 15:04"))
		v.obj.Objects = []fyne.CanvasObject{v.status, v.signOut}
	case v.flow.Waiting() != "":
		v.status.SetText("We emailed a code to " + v.flow.Waiting() + ". Type it here.")
		v.code.SetText("")
		v.obj.Objects = []fyne.CanvasObject{v.status, v.code, container.NewHBox(v.verify, v.back), v.errLine}
	default:
		v.status.SetText("Sign in with your email to send rewards and votes from your account. We email you a code; no browser needed.")
		v.obj.Objects = []fyne.CanvasObject{v.status, v.email, v.send, v.errLine, note}
	}
	v.obj.Refresh()
}

func (v *signInView) busy(b *widget.Button, f func(ctx context.Context) error) {
	b.Disable()
	v.errLine.Hide()
	v.async(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		err := f(ctx)
		v.ui(func() {
			b.Enable()
			v.refresh()
			if err != nil {
				v.fail(err)
			}
			if v.onChange != nil {
				v.onChange()
			}
		})
	})
}

func (v *signInView) onSend() {
	email := v.email.Text
	v.busy(v.send, func(ctx context.Context) error { return v.flow.Start(ctx, email) })
}

func (v *signInView) onVerify() {
	code := v.code.Text
	v.busy(v.verify, func(ctx context.Context) error {
		_, err := v.flow.Finish(ctx, code)
		return err
	})
}

func (v *signInView) onSignOut() {
	if err := v.flow.SignOut(); err != nil {
		v.fail(err)
		return
	}
	v.refresh()
	if v.onChange != nil {
		v.onChange()
	}
}

// NewSignInScreen is the sign-in screen for network profile p, keeping the
// session in store (the same store as the identity). On networks that need
// no sign-in it says so.
func NewSignInScreen(p chain.Profile, store secrets.Store) fyne.CanvasObject {
	if !p.SignIn.Needed() {
		return newSignInView(nil).obj
	}
	c := &signin.Client{BaseURL: p.SignIn.SignerURL, APIKey: p.SignIn.APIKey}
	return newSignInView(&signin.Flow{Client: c, Store: store, Profile: p.Name}).obj
}
