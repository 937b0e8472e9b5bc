package ui

import (
	"fmt"
	"math/big"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/swarmdesk/swarmdesk/app/session"
)

// LeaderboardRefresh is how often the open app re-reads the coordinator's board besides after
// each round: the board moves with everybody's submissions, not only ours.
const LeaderboardRefresh = 60 * time.Second

// filterRows keeps the rows whose name or peer ID contains q (case-insensitive), so a person can
// find a friend's node by either.
func filterRows(rows []session.LeaderRow, q string) []session.LeaderRow {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return rows
	}
	var out []session.LeaderRow
	for _, r := range rows {
		if strings.Contains(strings.ToLower(r.Name), q) || strings.Contains(strings.ToLower(r.PeerID), q) {
			out = append(out, r)
		}
	}
	return out
}

// shortPeerID keeps a peer ID's start and end: enough to recognise it, short enough for a table.
func shortPeerID(id string) string {
	if len(id) <= 14 {
		return id
	}
	return id[:6] + "…" + id[len(id)-6:]
}

// selfRankText is the line above the table: where this node stands.
func selfRankText(rows []session.LeaderRow) string {
	for _, r := range rows {
		if r.Self {
			return fmt.Sprintf("Your rank: #%d of %d", r.Rank, len(rows))
		}
	}
	if len(rows) == 0 {
		return "The leaderboard is empty"
	}
	return fmt.Sprintf("Your node is not on the leaderboard yet (%d peers are)", len(rows))
}

var leaderHeaders = []string{"Rank", "Name", "Peer ID", "Rewards", "Wins", "Votes", "Member"}

// leaderCell is the text of one table cell.
func leaderCell(r session.LeaderRow, col int) string {
	switch col {
	case 0:
		return fmt.Sprintf("#%d", r.Rank)
	case 1:
		return r.Name
	case 2:
		return shortPeerID(r.PeerID)
	case 3:
		if r.Rewards == nil {
			return "0"
		}
		return new(big.Int).Set(r.Rewards).String()
	case 4:
		return fmt.Sprint(r.Wins)
	case 5:
		return fmt.Sprint(r.Votes)
	case 6: // whether the peer proved its ID (chain/peerproof.go); selecting the row says more
		switch {
		case !r.Member:
			return "no"
		case r.Note != "":
			return "yes*"
		}
		return "yes"
	}
	return ""
}

// leaderboard shows the coordinator's board. The shell feeds it what Backend.Leaderboard read
// (setBoard) or the read's error (setError); the view only filters and draws.
type leaderboard struct {
	all   []session.LeaderRow
	shown []session.LeaderRow

	self   *widget.Label
	status *widget.Label
	search *widget.Entry
	table  *widget.Table
	obj    fyne.CanvasObject
}

// newLeaderboard builds the view; refresh asks the shell to read the board again.
func newLeaderboard(refresh func()) *leaderboard {
	l := &leaderboard{}
	l.self = widget.NewLabelWithStyle("Loading the leaderboard…", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.status = widget.NewLabel("")
	l.status.Importance = widget.LowImportance
	l.search = widget.NewEntry()
	l.search.SetPlaceHolder("Search by name or peer ID")
	l.search.OnChanged = func(string) { l.filter() }

	l.table = widget.NewTable(
		func() (int, int) { return len(l.shown), len(leaderHeaders) },
		func() fyne.CanvasObject {
			lb := widget.NewLabel("")
			lb.Truncation = fyne.TextTruncateEllipsis
			return lb
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			lb := o.(*widget.Label)
			if id.Row < 0 || id.Row >= len(l.shown) {
				lb.SetText("")
				return
			}
			r := l.shown[id.Row]
			lb.TextStyle = fyne.TextStyle{Bold: r.Self, Monospace: id.Col == 2}
			lb.Importance = widget.MediumImportance
			switch {
			case r.Self:
				lb.Importance = widget.HighImportance
			case !r.Member:
				lb.Importance = widget.WarningImportance // not a proven member: selecting the row says why
			}
			lb.SetText(leaderCell(r, id.Col))
		})
	l.table.ShowHeaderRow = true
	l.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	l.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(leaderHeaders) {
			o.(*widget.Label).SetText(leaderHeaders[id.Col])
		}
	}
	l.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(l.shown) && l.shown[id.Row].Note != "" {
			r := l.shown[id.Row]
			l.status.Importance = widget.WarningImportance
			l.status.SetText(r.Name + ": " + r.Note)
		}
	}
	for col, w := range []float32{64, 150, 130, 80, 56, 60, 76} {
		l.table.SetColumnWidth(col, w)
	}
	reload := widget.NewButtonWithIcon("Refresh", theme.ViewRefreshIcon(), refresh)
	top := container.NewVBox(
		container.NewBorder(nil, nil, nil, reload, l.self),
		l.search,
		l.status,
	)
	l.obj = container.NewBorder(top, nil, nil, nil, l.table)
	return l
}

// setBoard shows a fresh read of the board.
func (l *leaderboard) setBoard(b session.Leaderboard) {
	l.all = b.Rows
	l.self.SetText(selfRankText(b.Rows))
	l.status.Importance = widget.LowImportance
	l.status.SetText("updated " + b.Read.Local().Format("15:04"))
	l.filter()
}

// setError keeps the last board on screen and says why it could not be refreshed.
func (l *leaderboard) setError(err error) {
	l.status.Importance = widget.DangerImportance
	l.status.SetText("Could not read the leaderboard: " + err.Error())
}

func (l *leaderboard) filter() {
	l.shown = filterRows(l.all, l.search.Text)
	l.table.Refresh()
}
