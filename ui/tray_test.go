package ui

import (
	"math/big"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/swarmdesk/swarmdesk/app/node"
	"github.com/swarmdesk/swarmdesk/app/session"
)

func TestNotificationFor(t *testing.T) {
	tests := []struct {
		name  string
		ev    node.Event
		title string // "" = no notification
	}{
		{"round", node.Event{Kind: node.EventRound, Metrics: &node.RoundMetrics{Round: 14}}, ""},
		{"no metrics", node.Event{Kind: node.EventRound}, ""},
		{"battery", node.Event{Kind: node.EventState, State: node.StateOnBattery}, "Training paused: on battery"},
		{"user pause", node.Event{Kind: node.EventState, State: node.StatePaused}, ""},
		{"user active", node.Event{Kind: node.EventState, State: node.StateUserActive}, ""},
		{"low memory", node.Event{Kind: node.EventError, Err: "train: out of Memory (limit 4096 MiB)"}, "Training paused: low memory"},
		{"other error", node.Event{Kind: node.EventError, Err: "chain: timeout"}, "swarmdesk ran into a problem"},
		{"empty error", node.Event{Kind: node.EventError}, ""},
		{"phase", node.Event{Kind: node.EventPhase, Phase: node.PhaseTrain}, ""},
	}
	for _, tt := range tests {
		n, ok := notificationFor(tt.ev)
		checkNotification(t, tt.name, n, ok, tt.title)
	}
}

// checkNotification fails t unless (n, ok) is no notification for title "" and one titled title
// otherwise.
func checkNotification(t *testing.T, name string, n *fyne.Notification, ok bool, title string) {
	t.Helper()
	switch {
	case title == "" && ok:
		t.Errorf("%s: unexpected notification %+v", name, n)
	case title != "" && (!ok || n.Title != title):
		t.Errorf("%s: got %v %+v, want %q", name, ok, n, title)
	}
}

func TestWinNotification(t *testing.T) {
	board := func(selfWins uint64, withSelf bool) session.Leaderboard {
		b := session.Leaderboard{Rows: []session.LeaderRow{{Rank: 1, PeerID: "QmOther", Wins: 9}}}
		if withSelf {
			b.Rows = append(b.Rows, session.LeaderRow{Rank: 2, PeerID: "QmSelf", Wins: selfWins, Self: true})
		}
		return b
	}
	tests := []struct {
		name      string
		prev, cur session.Leaderboard
		title     string // "" = no notification
	}{
		{"first read is the baseline", session.Leaderboard{}, board(3, true), ""},
		{"no new win", board(3, true), board(3, true), ""},
		{"one more win", board(3, true), board(4, true), "You won! 4 wins so far"},
		{"several wins", board(3, true), board(6, true), "You won! 6 wins so far"},
		{"first win after registering", board(0, false), board(1, true), "You won your first round!"},
		{"self gone (chain reset)", board(3, true), board(0, false), ""},
		{"fewer wins (chain reset)", board(3, true), board(1, true), ""},
	}
	for _, tt := range tests {
		n, ok := winNotification(tt.prev, tt.cur)
		checkNotification(t, tt.name, n, ok, tt.title)
	}
}

func TestNotifierDropsRepeats(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var sent int
	n := &notifier{now: func() time.Time { return now }, send: func(*fyne.Notification) { sent++ }}
	a, b := fyne.NewNotification("x", "1"), fyne.NewNotification("x", "2")
	steps := []struct {
		after time.Duration
		note  *fyne.Notification
		sent  bool
	}{{0, a, true}, {time.Minute, a, false}, {time.Minute, b, true}, {time.Minute, a, true}, {11 * time.Minute, a, true}}
	for i, st := range steps {
		now = now.Add(st.after)
		if got := n.notify(st.note); got != st.sent {
			t.Errorf("step %d: sent %v, want %v", i, got, st.sent)
		}
	}
	if sent != 4 {
		t.Fatalf("%d sent, want 4", sent)
	}
}

func TestRoundWonNotifies(t *testing.T) {
	b := newFakeBackend()
	s, _ := runningShell(t, b)
	self := session.LeaderRow{Rank: 1, Name: "me", PeerID: b.snap.PeerID, Rewards: big.NewInt(5), Wins: 2, Self: true}
	b.board = session.Leaderboard{Rows: []session.LeaderRow{self}}
	s.refreshBoard() // baseline
	self.Wins = 3
	b.board = session.Leaderboard{Rows: []session.LeaderRow{self}}
	test.AssertNotificationSent(t, fyne.NewNotification("You won! 3 wins so far", "The swarm voted your node among a round's winners."), func() {
		s.refreshBoard()
	})
}

func TestTrayMenu(t *testing.T) {
	b := newFakeBackend()
	s, _, _ := newTestShellWith(t, b)
	if !s.tray.training.Disabled {
		t.Fatal("the tray's training item should wait for the node")
	}
	s.Start()
	tr := s.tray
	if tr.training.Disabled || !tr.training.Checked || tr.status.Label != "swarmdesk — training · round 3" {
		t.Fatalf("tray: %q checked=%v disabled=%v", tr.status.Label, tr.training.Checked, tr.training.Disabled)
	}
	tr.training.Action()
	if got := b.trainingCalls(); len(got) != 1 || got[0] || tr.training.Checked || s.main.dash.toggle.On {
		t.Fatalf("tray switch: calls %v, checked %v", got, tr.training.Checked)
	}
	if tr.status.Label != "swarmdesk — paused · round 3" {
		t.Fatalf("status %q", tr.status.Label)
	}
	quit := 0
	s.Quit = func() { quit++ }
	for _, it := range s.TrayMenu().Items {
		if it.IsQuit {
			it.Action()
		}
	}
	if quit != 1 {
		t.Fatalf("Quit ran %d times", quit)
	}
}

func TestTrayStatus(t *testing.T) {
	tests := []struct {
		snap     node.Snapshot
		training bool
		want     string
	}{
		{node.Snapshot{State: node.StateRunning, Round: 4}, true, "training · round 4"},
		{node.Snapshot{State: node.StateRunning}, false, "paused"},
		{node.Snapshot{State: node.StateOnBattery, Round: 1}, true, "paused (on battery) · round 1"},
		{node.Snapshot{State: node.StateUserActive}, true, "paused (computer in use)"},
		{node.Snapshot{State: node.StateWaiting, Round: 2}, true, "waiting for the next round · round 2"},
	}
	for _, tt := range tests {
		if got := trayStatus(tt.snap, tt.training); got != tt.want {
			t.Errorf("trayStatus(%+v, %v) = %q, want %q", tt.snap, tt.training, got, tt.want)
		}
	}
}
