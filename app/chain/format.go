package chain

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// FormatLeaderboard writes entries as a text table for the CLI. The row of
// peer ID me (if any) is marked with "*" so a user finds themself at a
// glance.
func FormatLeaderboard(w io.Writer, entries []Entry, me string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if _, err := fmt.Fprintln(tw, "RANK\t \tNAME\tPEER\tREWARDS\tWINS\tVOTES\tNOTE"); err != nil {
		return fmt.Errorf("write leaderboard: %w", err)
	}
	for _, e := range entries {
		mark := " "
		if me != "" && e.PeerID == me {
			mark = "*"
		}
		rewards := "0"
		if e.Rewards != nil {
			rewards = e.Rewards.String()
		}
		if _, err := fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%d\t%s\n", e.Rank, mark, e.Name, ShortPeerID(e.PeerID), rewards, e.Wins, e.Votes, e.Note()); err != nil {
			return fmt.Errorf("write leaderboard: %w", err)
		}
	}
	if len(entries) == 0 {
		if _, err := fmt.Fprintln(tw, "(no peers yet)"); err != nil {
			return fmt.Errorf("write leaderboard: %w", err)
		}
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write leaderboard: %w", err)
	}
	return nil
}
