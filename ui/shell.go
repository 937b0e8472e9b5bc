// Package ui is the desktop app's screens. Screens only show state and forward what the person
// does; opening the key store, starting the node and everything else happens in app/ behind
// Backend (and, for BlockAssist mode, behind BlockAssist).
package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"

	"github.com/swarmdesk/swarmdesk/app/node"
	"github.com/swarmdesk/swarmdesk/app/session"
)

// Starter is what the window needs from the node's start-up before anything else: the identity
// and the key store's passphrase (app/session.Session implements it as part of Backend).
type Starter interface {
	// Identity opens the key store and loads the identity, creating one on first run; a
	// *session.LockedError asks for the store's passphrase.
	Identity() (session.OpenedIdentity, error)
	// NewSecretsFile reports whether a passphrase would create a new encrypted store.
	NewSecretsFile() bool
	SetPassphrase([]byte)
	SecretsDir() string
}

// StatusRefresh is how often the dashboard re-reads the node's snapshot and peer count: both
// change without events (peers connect, submissions confirm).
const StatusRefresh = 3 * time.Second

// Shell holds the window's content: the start-up screens (keys, first run, the node coming up)
// and then the main view. It is the only place that calls the Backend; screens get values and
// callbacks.
type Shell struct {
	win  fyne.Window
	b    Backend
	root *fyne.Container
	tray *tray

	// OnIdentity is called on the UI goroutine once the identity is loaded.
	OnIdentity func(IdentityInfo)
	// OnRunning is called on the UI goroutine once the main view shows.
	OnRunning func()
	// AutoStart, when set, is the choice used instead of the first-run screens when none is saved
	// (the end-to-end test's local mode; see desktop.AutoStartEnv).
	AutoStart *session.Choice
	// Quit ends the app (desktop: fyne.App.Quit, after which the caller stops the node).
	Quit func()

	// async runs slow backend calls off the UI goroutine; tests make it synchronous.
	async func(func())
	// background runs long-lived loops (the event pump); tests disable or inline it.
	background func(func())
	// every runs f on the UI goroutine every d until the shell stops; tests disable it.
	every func(d time.Duration, f func())

	// newCharts makes the charts screen; tests record what it is fed instead.
	newCharts func() roundCharts

	ctx    context.Context
	cancel context.CancelFunc
	info   IdentityInfo
	main   *mainView
	notes  *notifier

	startCancel context.CancelFunc
	lastBoard   session.Leaderboard // the previous read, for win notifications

	// One read of each at a time: a refresh while the last is under way is skipped.
	statusRead, boardRead, logsRead oneAtATime
}

// NewShell builds the window content; call Start to begin loading.
func NewShell(win fyne.Window, b Backend) *Shell {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Shell{win: win, b: b, root: container.NewStack(), ctx: ctx, cancel: cancel,
		async:      func(f func()) { go f() },
		background: func(f func()) { go f() },
	}
	s.every = s.tick
	s.newCharts = func() roundCharts { return NewChartsView() }
	s.notes = &notifier{now: time.Now, send: appNotifications()}
	s.tray = newTray(s.setTraining, s.open, s.quit)
	win.SetContent(s.root)
	return s
}

// tick is the real every: a ticker goroutine that hands f to the UI goroutine.
func (s *Shell) tick(d time.Duration, f func()) {
	go func() {
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-s.ctx.Done():
				return
			case <-t.C:
				fyne.Do(f)
			}
		}
	}()
}

// TrayMenu is the system tray menu; InstallTray puts it in the platform's tray.
func (s *Shell) TrayMenu() *fyne.Menu { return s.tray.menu }

// InstallTray shows the tray menu where the app has a system tray; it reports whether it did.
func (s *Shell) InstallTray(a fyne.App) bool { return s.tray.install(a) }

// Start shows a progress screen and loads the identity in the background (creating an RSA key
// takes a moment on a slow machine).
func (s *Shell) Start() {
	s.show(progressScreen("Opening your keys…"))
	s.async(s.load)
}

// Stop ends the shell's background work and stops the node; it blocks until the node stopped,
// so call it off the UI goroutine or after the window closed.
func (s *Shell) Stop() {
	s.cancel()
	if s.main != nil && s.main.blockAssist != nil {
		s.main.blockAssist.shutdown()
	}
	s.b.Stop()
}

func (s *Shell) load() {
	id, err := s.b.Identity()
	var choice session.Choice
	var chosen bool
	if err == nil {
		choice, chosen = s.b.Choice()
	}
	var locked *session.LockedError
	fyne.Do(func() {
		switch {
		case err == nil:
			s.info = NewIdentityInfo(id.ID, id.KeyLocation, id.Created)
			if s.OnIdentity != nil {
				s.OnIdentity(s.info)
			}
			if !chosen && s.AutoStart != nil {
				choice, chosen = *s.AutoStart, true
			}
			if chosen {
				s.startNode(choice)
			} else {
				ob := NewOnboarding(s.b, s.win, s.async, s.running)
				ob.SetIdentity(s.info)
				s.show(ob.Object())
			}
		case errors.As(err, &locked):
			s.show(s.passphraseScreen(locked.Prompt))
		default:
			s.show(errorScreen(err, s.Start))
		}
	})
}

// startNode brings the node up with a saved choice behind the progress screen.
func (s *Shell) startNode(c session.Choice) {
	p := newStartScreen()
	s.show(p.obj)
	ctx, cancel := context.WithCancel(s.ctx)
	s.startCancel = cancel
	s.async(func() {
		err := s.b.Start(ctx, c, func(pr session.Progress) { fyne.Do(func() { p.update(pr) }) })
		fyne.Do(func() {
			switch {
			case err != nil && ctx.Err() != nil:
				// Cancelled: the app is closing.
			case err != nil:
				s.show(errorScreen(err, func() { s.startNode(c) }))
			default:
				s.running()
			}
		})
	})
}

func (s *Shell) show(o fyne.CanvasObject) {
	s.root.Objects = []fyne.CanvasObject{o}
	s.root.Refresh()
}

// Content is the current screen (for tests and the UI dump): the main view's selected screen
// once the node runs.
func (s *Shell) Content() fyne.CanvasObject {
	if len(s.root.Objects) == 0 {
		return nil
	}
	return s.root.Objects[0]
}

func (s *Shell) copy(text string) {
	fyne.CurrentApp().Clipboard().SetContent(text)
}

// running shows the main view once the node runs (after the start screen or the onboarding),
// and starts what keeps it current: the event pump and the periodic refreshes.
func (s *Shell) running() {
	if s.main != nil {
		// The node was started again (Settings changed how it takes part): the main view
		// stays, its contents are read again and the new node's events pumped.
		s.show(s.main.obj)
		s.loadMain()
		ch := s.b.Events()
		s.background(func() { s.pump(ch) })
		return
	}
	s.main = newMainView(s)
	s.show(s.main.obj)
	s.addShortcuts()
	s.loadMain()
	ch := s.b.Events()
	s.background(func() { s.pump(ch) })
	s.every(StatusRefresh, s.refreshStatus)
	s.every(LeaderboardRefresh, s.refreshBoard)
	s.every(LogsRefresh, s.refreshLogs)
	s.every(time.Second, func() {
		if s.main.current == viewDashboard {
			s.main.dash.tick()
		}
	})
	if s.OnRunning != nil {
		s.OnRunning()
	}
}

// pump is the one reader of the node's events: it hands each to the UI goroutine.
func (s *Shell) pump(ch <-chan node.Event) {
	for {
		select {
		case <-s.ctx.Done():
			return
		case ev, ok := <-ch:
			if !ok {
				return
			}
			fyne.Do(func() { s.handle(ev) })
		}
	}
}

// handle shows one node event everywhere it matters. UI goroutine.
func (s *Shell) handle(ev node.Event) {
	m := s.main
	m.dash.apply(ev)
	if ev.Kind == node.EventRound && ev.Metrics != nil {
		m.charts.Add(*ev.Metrics)
		s.refreshBoard()
	}
	if n, ok := notificationFor(ev); ok {
		s.notes.notify(n)
	}
	s.updateTray()
}

// loadMain reads everything the main view shows once, off the UI goroutine.
func (s *Shell) loadMain() {
	s.async(func() {
		training := s.b.Training()
		snap := s.b.Snapshot()
		dev, model := s.b.Device(), s.b.ModelName()
		inv, hosting := s.b.Invite()
		peers, view := s.b.PeersConnected(), s.b.PeerView()
		hist, histErr := s.b.History()
		cfg := s.b.Config()
		choice, chosen := s.b.Choice()
		dataDir := s.b.DataDir()
		fyne.Do(func() {
			m := s.main
			m.dash.setTraining(training)
			m.dash.setSnapshot(snap)
			m.dash.setNode(dev, model, inv, hosting)
			if hosting {
				m.dash.experiment.load()
			}
			m.dash.setPeers(peers)
			m.dash.setPeerView(view)
			// The countdown learns the round length from the rounds played (the demo model's
			// rounds are shorter than network.round_seconds says, see session.RoundSeconds).
			m.dash.setHistory(hist)
			if histErr != nil {
				m.dash.showProblem("Could not read the round history: " + histErr.Error())
			}
			m.charts.SetHistory(hist)
			sv := newSettings(cfg, choice, chosen, dataDir, s.info, s.settingsActions())
			sv.setPlan(dev.Plan)
			m.setSettings(sv)
			s.showAccount(sv)
			s.updateTray()
		})
	})
	s.refreshBoard()
}

// refreshStatus re-reads the snapshot and the peer count. UI goroutine.
func (s *Shell) refreshStatus() {
	s.statusRead.run(s.async, func() func() {
		snap, peers, view := s.b.Snapshot(), s.b.PeersConnected(), s.b.PeerView()
		return func() {
			s.main.dash.setSnapshot(snap)
			s.main.dash.setPeers(peers)
			s.main.dash.setPeerView(view)
			s.updateTray()
		}
	})
}

// refreshBoard re-reads the leaderboard unless a read is under way. UI goroutine.
func (s *Shell) refreshBoard() {
	s.boardRead.run(s.async, func() func() {
		ctx, cancel := context.WithTimeout(s.ctx, 30*time.Second)
		b, err := s.b.Leaderboard(ctx)
		cancel()
		return func() {
			if err != nil {
				s.main.board.setError(err)
				return
			}
			s.main.board.setBoard(b)
			s.main.dash.setBoard(b)
			if n, ok := winNotification(s.lastBoard, b); ok {
				s.notes.notify(n)
			}
			s.lastBoard = b
		}
	})
}

// refreshLogs re-reads the log while the logs screen shows. UI goroutine.
func (s *Shell) refreshLogs() {
	if s.main.current != viewLogs {
		return
	}
	s.logsRead.run(s.async, func() func() {
		lines := s.b.Logs()
		return func() { s.main.logs.setLines(lines) }
	})
}

// setTraining flips the switch: the screen follows at once, the backend off the UI goroutine,
// and a refusal puts the switch back with the reason. UI goroutine.
func (s *Shell) setTraining(on bool) {
	if s.main == nil {
		return
	}
	s.main.dash.setTraining(on)
	s.updateTray()
	s.async(func() {
		err := s.b.SetTraining(on)
		fyne.Do(func() {
			if err != nil {
				s.main.dash.setTraining(!on)
				s.main.dash.showProblem("Could not switch training: " + err.Error())
			}
			s.updateTray()
		})
	})
}

func (s *Shell) updateTray() {
	if s.main == nil {
		return
	}
	d := s.main.dash
	s.tray.update(trayStatus(d.snap, d.training), true, d.training)
}

// trayStatus is the tray's one-line status.
func trayStatus(snap node.Snapshot, training bool) string {
	st := "training"
	switch {
	case !training || snap.State == node.StatePaused:
		st = "paused"
	case snap.State == node.StateOnBattery:
		st = "paused (on battery)"
	case snap.State == node.StateUserActive:
		st = "paused (computer in use)"
	case snap.State == node.StateWaiting:
		st = "waiting for the next round"
	case snap.State == node.StateStarting || snap.State == node.StateIdle:
		st = "starting"
	case snap.State == node.StateStopped:
		st = "stopped"
	}
	if snap.Round > 0 {
		st += fmt.Sprintf(" · round %d", snap.Round)
	}
	return st
}

// switchMode stops the node and starts it again taking part as c says (Settings); Start saves
// the new choice. UI goroutine.
func (s *Shell) switchMode(c session.Choice) {
	s.show(progressScreen("Stopping the node…"))
	s.async(func() {
		s.b.Stop()
		fyne.Do(func() { s.startNode(c) })
	})
}

// open brings the window to the front (the tray's Open).
func (s *Shell) open() {
	s.win.Show()
	s.win.RequestFocus()
}

func (s *Shell) quit() {
	if s.startCancel != nil {
		s.startCancel()
	}
	if s.Quit != nil {
		s.Quit()
	}
}

// settingsActions connects the settings screen to the backend and the app.
func (s *Shell) settingsActions() settingsActions {
	return settingsActions{
		save: func(key, value string, done func(bool, error)) {
			s.async(func() {
				restart, err := s.b.SaveSetting(key, value)
				fyne.Do(func() { done(restart, err) })
			})
		},
		applyTheme:  func(name string) { ApplyTheme(fyne.CurrentApp(), name) },
		chooseModel: s.chooseModel(),
		switchMode:  s.switchMode,
		checkpointNow: func(done func(error)) {
			s.async(func() {
				err := s.b.CheckpointNow()
				fyne.Do(func() { done(err) })
			})
		},
		checkpointCost: func(minutes int, done func(string)) {
			s.async(func() {
				hist, _ := s.b.History()
				text := node.CheckpointCostText(s.b.Snapshot().CheckpointBytes, minutes, hist)
				fyne.Do(func() { done(text) })
			})
		},
		openFolder: func(dir string) {
			u := &url.URL{Scheme: "file", Path: filepath.ToSlash(dir)}
			if err := fyne.CurrentApp().OpenURL(u); err != nil {
				dialog.ShowError(err, s.win)
			}
		},
		export: func(done func(string, error)) {
			d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
				if err != nil || w == nil {
					if err != nil {
						done("", err)
					}
					return
				}
				path := w.URI().Path()
				// The dialog created the file; ExportIdentity writes it whole.
				w.Close()
				s.async(func() {
					err := s.b.ExportIdentity(path)
					fyne.Do(func() { done(path, err) })
				})
			}, s.win)
			d.SetFileName("swarm.pem")
			d.Show()
		},
	}
}
