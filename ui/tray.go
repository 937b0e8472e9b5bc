package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/swarmdesk/swarmdesk/app/node"
	"github.com/swarmdesk/swarmdesk/app/session"
)

// notificationFor decides which node events are worth interrupting a person for: training
// pausing by itself (battery, low memory) and other problems. Everything else (phases, state
// changes the person caused) only shows in the window. Wins come from the chain, not from an
// event: see winNotification.
func notificationFor(ev node.Event) (*fyne.Notification, bool) {
	switch ev.Kind {
	case node.EventState:
		if ev.State == node.StateOnBattery {
			return fyne.NewNotification("Training paused: on battery",
				"swarmdesk continues when the computer is plugged in."), true
		}
	case node.EventError:
		if ev.Err == "" {
			return nil, false
		}
		if strings.Contains(strings.ToLower(ev.Err), "memory") {
			return fyne.NewNotification("Training paused: low memory", ev.Err), true
		}
		return fyne.NewNotification("swarmdesk ran into a problem", ev.Err), true
	}
	return nil, false
}

// winNotification compares two reads of the leaderboard: this node winning is the coordinator
// counting more wins for it (the node's own vote says nothing about what the swarm decided).
// The first read (prev has no rows) only sets the baseline.
func winNotification(prev, cur session.Leaderboard) (*fyne.Notification, bool) {
	before, ok := selfRow(prev)
	if !ok && len(prev.Rows) == 0 {
		return nil, false
	}
	now, ok := selfRow(cur)
	if !ok || now.Wins <= before.Wins {
		return nil, false
	}
	body := "The swarm voted your node among a round's winners."
	if n := now.Wins - before.Wins; n > 1 {
		body = fmt.Sprintf("The swarm voted your node among the winners of %d rounds.", n)
	}
	title := fmt.Sprintf("You won! %d wins so far", now.Wins)
	if now.Wins == 1 {
		title = "You won your first round!"
	}
	return fyne.NewNotification(title, body), true
}

func selfRow(b session.Leaderboard) (session.LeaderRow, bool) {
	for _, r := range b.Rows {
		if r.Self {
			return r, true
		}
	}
	return session.LeaderRow{}, false
}

// notifyRepeat is how long the same notification stays quiet after it was sent: a node that
// fails the same way every round should not notify every round.
const notifyRepeat = 10 * time.Minute

// notifier sends notifications, dropping repeats of the last one within notifyRepeat.
type notifier struct {
	send func(*fyne.Notification)
	now  func() time.Time

	last   fyne.Notification
	lastAt time.Time
}

func (n *notifier) notify(note *fyne.Notification) bool {
	t := n.now()
	if *note == n.last && t.Sub(n.lastAt) < notifyRepeat {
		return false
	}
	n.last, n.lastAt = *note, t
	n.send(note)
	return true
}

// tray is the system tray menu: a status line, the training switch, Open and Quit, so the node
// can be run and checked with the window closed to the tray or hidden behind others.
type tray struct {
	menu     *fyne.Menu
	status   *fyne.MenuItem
	training *fyne.MenuItem
}

func newTray(onTraining func(on bool), open, quit func()) *tray {
	t := &tray{}
	t.status = fyne.NewMenuItem("swarmdesk — starting", nil)
	t.status.Disabled = true
	t.training = fyne.NewMenuItem("Training", nil)
	t.training.Disabled = true // until the node runs
	t.training.Action = func() { onTraining(!t.training.Checked) }
	openItem := fyne.NewMenuItem("Open swarmdesk", open)
	quitItem := fyne.NewMenuItem("Quit", quit)
	quitItem.IsQuit = true
	t.menu = fyne.NewMenu("swarmdesk", t.status, fyne.NewMenuItemSeparator(), t.training, openItem, fyne.NewMenuItemSeparator(), quitItem)
	return t
}

// update shows the node's state and the switch's position.
func (t *tray) update(status string, running, training bool) {
	label := "swarmdesk — " + status
	if label == t.status.Label && t.training.Checked == training && t.training.Disabled == !running {
		return
	}
	t.status.Label = label
	t.training.Checked = training
	t.training.Disabled = !running
	t.menu.Refresh()
}

// install puts the menu in the system tray where the platform has one (desktop.App); elsewhere
// (the test driver, mobile) it does nothing and reports false.
func (t *tray) install(a fyne.App) bool {
	d, ok := a.(desktop.App)
	if !ok {
		return false
	}
	d.SetSystemTrayIcon(appIcon)
	d.SetSystemTrayMenu(t.menu)
	return true
}
