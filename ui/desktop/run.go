// Package desktop starts the real Fyne application. It is the only package that imports Fyne's
// app driver (GLFW, cgo), so the screens in package ui stay testable headless.
package desktop

import (
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/swarmdesk/swarmdesk/app/env"
	"github.com/swarmdesk/swarmdesk/app/session"
	"github.com/swarmdesk/swarmdesk/platform"
	"github.com/swarmdesk/swarmdesk/ui"
)

// DumpEnv names a folder: once the identity is loaded the app writes texts.json there every
// half second (the window title and every visible text), replacing it whole each time. The end-to-end
// tests use it, with screenshots of the real window under Xvfb, to check what a person sees.
// They also click through it: a file named tap there holding a button's text is read (and
// removed) within half a second, and that button is tapped (ui.TapButton).
const DumpEnv = "SWARMDESK_UI_DUMP"

// AutoStartEnv, set to "local" (or "host"), makes a first run skip the first-run screens and
// start the node in that mode, as if the person had chosen it. It exists for the end-to-end test
// and for scripted demos; a saved choice always wins over it.
const AutoStartEnv = "SWARMDESK_UI_AUTOSTART"

// The window's size on open: the dashboard's two columns fit side by side; the layouts also work
// down to about 800×500.
var windowSize = fyne.NewSize(1024, 700)

// The real session must satisfy the window's API.
var _ ui.Backend = (*session.Session)(nil)

// Run opens the window and blocks until it is closed or the process is asked to stop; the node
// is stopped before it returns.
func Run(e *env.Setup) error {
	// Also creates ~/.cache on a fresh account, where Fyne's own cache folder goes.
	if err := e.Dirs.Ensure(); err != nil {
		return err
	}
	sess := session.New(e, session.Options{LogWriter: os.Stderr})

	a := fyneapp.NewWithID(platform.AppID)
	a.SetIcon(ui.AppIcon())
	ui.ApplyTheme(a, e.Config.Desktop.Theme)
	w := a.NewWindow("swarmdesk")
	w.Resize(windowSize)
	w.SetMaster()

	shell := ui.NewShell(w, sess)
	shell.Quit = a.Quit
	shell.AutoStart = autoStart(os.Getenv(AutoStartEnv))
	shell.InstallTray(a)
	dumping := false
	shell.OnIdentity = func(info ui.IdentityInfo) {
		w.SetTitle("swarmdesk — " + info.Name)
		if dir := os.Getenv(DumpEnv); dir != "" && !dumping {
			dumping = true
			go dumpLoop(w, shell, dir)
		}
	}
	shell.Start()

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	go func() {
		if _, ok := <-sig; ok {
			fyne.Do(a.Quit)
		}
	}()
	w.ShowAndRun()
	// The window is gone; stop the node at its next safe point (checkpoint written, chain
	// submissions queued) before the process exits.
	shell.Stop()
	return nil
}

// autoStart is the choice AutoStartEnv asks for, or nil.
func autoStart(v string) *session.Choice {
	switch session.Mode(v) {
	case session.ModeLocal, session.ModeHost:
		return &session.Choice{Mode: session.Mode(v)}
	}
	return nil
}

// dumpLoop writes what the window shows every second, and taps what the tap file asks for,
// until the app ends.
func dumpLoop(w fyne.Window, shell *ui.Shell, dir string) {
	time.Sleep(1500 * time.Millisecond)
	for {
		tapFromFile(w, shell, dir)
		var texts []byte
		fyne.DoAndWait(func() {
			texts, _ = json.MarshalIndent(map[string]any{"title": w.Title(), "texts": ui.Texts(shell.Content())}, "", "  ")
		})
		if texts == nil {
			// The app is quitting: Fyne drains its queue without running
			// what is in it, so DoAndWait returned with nothing. Keep the
			// last dump rather than replace it with an empty file (which a
			// smoke test read as "the window shows nothing").
			return
		}
		if err := writeDump(dir, texts); err != nil {
			fmt.Fprintln(os.Stderr, "ui dump:", err)
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// tapFromFile taps the button the tap file names, if there is one, and removes the file; a
// button not shown (yet) leaves the file for the next look. A dialog on top is looked at first.
func tapFromFile(w fyne.Window, shell *ui.Shell, dir string) {
	path := filepath.Join(dir, "tap")
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	label := strings.TrimSpace(string(b))
	var tapped bool
	fyne.DoAndWait(func() {
		if top := w.Canvas().Overlays().Top(); top != nil {
			tapped = ui.TapButton(top, label)
		}
		if !tapped {
			tapped = ui.TapButton(shell.Content(), label)
		}
	})
	if tapped {
		_ = os.Remove(path)
	}
}

// writeDump replaces texts.json whole (write, then rename): the test may read it at any time.
func writeDump(dir string, texts []byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp := filepath.Join(dir, "texts.json.tmp")
	if err := os.WriteFile(tmp, texts, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, "texts.json"))
}
