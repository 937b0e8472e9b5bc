// Package desktop starts the real Fyne application. It is the only package that imports Fyne's
// app driver (GLFW, cgo), so the screens in package ui stay testable headless.
package desktop

import (
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/swarmdesk/swarmdesk/app/env"
	"github.com/swarmdesk/swarmdesk/platform"
	"github.com/swarmdesk/swarmdesk/ui"
)

// DumpEnv names a folder: once the identity is on screen the app writes texts.json there (the
// window title and every visible text). The end-to-end test uses it, with a screenshot of the
// real window under Xvfb, to check what a person sees.
const DumpEnv = "SWARMDESK_UI_DUMP"

// Run opens the window and blocks until it is closed or the process is asked to stop.
func Run(e *env.Env) error {
	// Also creates ~/.cache on a fresh account, where Fyne's own cache folder goes.
	if err := e.Dirs.Ensure(); err != nil {
		return err
	}
	a := fyneapp.NewWithID(platform.AppID)
	a.SetIcon(ui.AppIcon())
	w := a.NewWindow("swarmdesk")
	w.Resize(fyne.NewSize(760, 460))
	w.SetMaster()

	shell := ui.NewShell(w, e)
	shell.OnIdentity = func(info ui.IdentityInfo) {
		w.SetTitle("swarmdesk — " + info.Name)
		if dir := os.Getenv(DumpEnv); dir != "" {
			go dump(w, shell, dir)
		}
	}
	shell.Start()

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
	return nil
}

// dump waits for the screen to be drawn, then writes what it shows.
func dump(w fyne.Window, shell *ui.Shell, dir string) {
	time.Sleep(1500 * time.Millisecond)
	fyne.DoAndWait(func() {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "ui dump:", err)
			return
		}
		texts, _ := json.MarshalIndent(map[string]any{"title": w.Title(), "texts": ui.Texts(shell.Content())}, "", "  ")
		if err := os.WriteFile(filepath.Join(dir, "texts.json.tmp"), texts, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "ui dump:", err)
			return
		}
		// texts.json appears last and whole: the test waits for it.
		os.Rename(filepath.Join(dir, "texts.json.tmp"), filepath.Join(dir, "texts.json"))
	})
}
