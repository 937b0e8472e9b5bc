package ui

import (
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/swarmdesk/swarmdesk/app/session"
)

var testBoard = session.Leaderboard{
	Read: time.Date(2026, 11, 23, 14, 5, 0, 0, time.Local),
	Rows: []session.LeaderRow{
		{Rank: 1, Name: "agile tawny owl", PeerID: "QmAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", Rewards: big.NewInt(1200), Wins: 9, Votes: 30, Member: true},
		{Rank: 2, Name: "beaked fishy cat", PeerID: "QmBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", Rewards: big.NewInt(800), Wins: 4, Votes: 21, Self: true, Member: true},
		{Rank: 3, Name: "calm grey heron", PeerID: "QmCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCxyz", Rewards: nil, Wins: 0, Votes: 2, Note: "never registered"},
	},
}

func TestFilterRows(t *testing.T) {
	tests := []struct {
		q    string
		want []int // ranks
	}{
		{"", []int{1, 2, 3}},
		{"  ", []int{1, 2, 3}},
		{"CAT", []int{2}},
		{"heron", []int{3}},
		{"xyz", []int{3}}, // peer ID
		{"qmb", []int{2}}, // peer ID, case-insensitive
		{"nobody", nil},
	}
	for _, tt := range tests {
		var got []int
		for _, r := range filterRows(testBoard.Rows, tt.q) {
			got = append(got, r.Rank)
		}
		if len(got) != len(tt.want) || (len(got) > 0 && !slices.Equal(got, tt.want)) {
			t.Errorf("filter %q = %v, want %v", tt.q, got, tt.want)
		}
	}
}

func TestSelfRankText(t *testing.T) {
	tests := []struct {
		rows []session.LeaderRow
		want string
	}{
		{testBoard.Rows, "Your rank: #2 of 3"},
		{testBoard.Rows[:1], "not on the leaderboard yet (1 peers are)"},
		{nil, "empty"},
	}
	for _, tt := range tests {
		if got := selfRankText(tt.rows); !strings.Contains(got, tt.want) {
			t.Errorf("selfRankText = %q, want %q", got, tt.want)
		}
	}
}

func TestLeaderCells(t *testing.T) {
	r := testBoard.Rows[2]
	want := []string{"#3", "calm grey heron", "QmCCCC…CCCxyz", "0", "0", "2", "no"}
	for col, w := range want {
		if got := leaderCell(r, col); got != w {
			t.Errorf("col %d = %q, want %q", col, got, w)
		}
	}
}

func TestLeaderboardSearchAndSelf(t *testing.T) {
	b := newFakeBackend()
	b.board = testBoard
	s, _ := runningShell(t, b)
	l := s.main.board
	if l.self.Text != "Your rank: #2 of 3" || l.status.Text != "updated 14:05" {
		t.Fatalf("header %q, status %q", l.self.Text, l.status.Text)
	}
	test.Type(l.search, "owl")
	if len(l.shown) != 1 || l.shown[0].Rank != 1 {
		t.Fatalf("search owl shows %+v", l.shown)
	}
	l.search.SetText("")
	if len(l.shown) != 3 {
		t.Fatalf("cleared search shows %d rows", len(l.shown))
	}
	// The Self row is drawn bold in the accent colour; the others are not.
	for row, self := range []bool{false, true, false} {
		cell := widget.NewLabel("")
		l.table.UpdateCell(widget.TableCellID{Row: row, Col: 1}, cell)
		if cell.TextStyle.Bold != self || (cell.Importance == widget.HighImportance) != self {
			t.Errorf("row %d: bold %v importance %v, self %v", row, cell.TextStyle.Bold, cell.Importance, self)
		}
	}

	// A failed refresh keeps the rows and says why.
	b.mu.Lock()
	b.boardErr = errFake
	b.mu.Unlock()
	s.refreshBoard()
	if !strings.Contains(l.status.Text, "fake failure") || len(l.shown) != 3 {
		t.Fatalf("after an error: status %q, %d rows", l.status.Text, len(l.shown))
	}
}
