package ui

import (
	"fmt"
	"strings"

	"github.com/swarmdesk/swarmdesk/app/session"
	"github.com/swarmdesk/swarmdesk/app/swarm"
)

// maxPeerLines bounds how many connected peers and how many senders of refused messages the
// dashboard lists; the rest is counted.
const maxPeerLines = 5

// setPeerView shows the connected peers' scores and who sent refused messages and why; it is
// hidden when there is nothing to show.
func (d *dashboard) setPeerView(v session.PeerView) {
	text := peerViewText(v)
	if text == "" {
		d.peerView.Hide()
		return
	}
	d.peerView.SetText(text)
	d.peerView.Show()
}

// peerViewText formats the peer view; all data comes from the app, this only words it.
func peerViewText(v session.PeerView) string {
	var b strings.Builder
	for i, p := range v.Connected {
		if i == maxPeerLines {
			fmt.Fprintf(&b, "… and %d more peers\n", len(v.Connected)-maxPeerLines)
			break
		}
		how := ""
		switch {
		case p.Bootnode:
			how = ", bootnode"
		case p.Relayed:
			how = ", relayed"
		}
		fmt.Fprintf(&b, "%s: score %.1f%s\n", p.Name, p.Score, how)
	}
	var total uint64
	var reasons []string
	for _, r := range swarm.AllDropReasons {
		if n := v.Dropped[r]; n > 0 {
			total += n
			reasons = append(reasons, fmt.Sprintf("%s %d", r, n))
		}
	}
	if total > 0 {
		fmt.Fprintf(&b, "Refused %d messages (%s)\n", total, strings.Join(reasons, ", "))
	}
	for i, s := range v.Senders {
		if i == maxPeerLines {
			fmt.Fprintf(&b, "… and %d more senders\n", len(v.Senders)-maxPeerLines)
			break
		}
		var why []string
		for _, r := range swarm.AllDropReasons {
			if n := s.Reasons[r]; n > 0 {
				why = append(why, fmt.Sprintf("%s %d", r, n))
			}
		}
		blame := "not held against it"
		if s.Blamed > 0 {
			blame = fmt.Sprintf("%d held against it", s.Blamed)
		}
		fmt.Fprintf(&b, "from %s: %s; %s; score %.1f\n", s.Name, strings.Join(why, ", "), blame, s.Score)
	}
	return strings.TrimRight(b.String(), "\n")
}
