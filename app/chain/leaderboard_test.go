package chain_test

import (
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"testing"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/chain/devchain"
)

// score orders entries like the leaderboard should: rewards, wins, votes.
func cmpScore(a, b chain.Entry) int {
	if c := a.Rewards.Cmp(b.Rewards); c != 0 {
		return c
	}
	for _, d := range [][2]uint64{{a.Wins, b.Wins}, {a.Votes, b.Votes}} {
		if d[0] != d[1] {
			if d[0] > d[1] {
				return 1
			}
			return -1
		}
	}
	return 0
}

// checkAgainstViews verifies every entry against the contract's own views
// (the reference) and the ranking against a brute-force rank computation.
func checkAgainstViews(t *testing.T, c *chain.Client, got []chain.Entry) {
	t.Helper()
	ctx := testCtx(t)
	for i, e := range got {
		rewards, err := c.TotalRewards(ctx, []string{e.PeerID})
		if err != nil {
			t.Fatal(err)
		}
		wins, err := c.TotalWins(ctx, e.PeerID)
		if err != nil {
			t.Fatal(err)
		}
		votes, err := c.VoterVoteCount(ctx, e.PeerID)
		if err != nil {
			t.Fatal(err)
		}
		eoa, err := c.Eoas(ctx, []string{e.PeerID})
		if err != nil {
			t.Fatal(err)
		}
		if e.Rewards.Cmp(rewards[0]) != 0 || e.Wins != wins || e.Votes != votes || e.EOA != eoa[0] {
			t.Errorf("%s: leaderboard {r=%v w=%d v=%d eoa=%s}, contract {r=%v w=%d v=%d eoa=%s}", e.PeerID, e.Rewards, e.Wins, e.Votes, e.EOA, rewards[0], wins, votes, eoa[0])
		}
		better := 0
		for _, o := range got {
			if cmpScore(o, e) > 0 {
				better++
			}
		}
		if e.Rank != better+1 {
			t.Errorf("%s: rank %d, but %d peers score higher", e.PeerID, e.Rank, better)
		}
		if i > 0 && cmpScore(got[i-1], e) < 0 {
			t.Errorf("%s is listed below a lower score", e.PeerID)
		}
	}
}

func TestLeaderboard(t *testing.T) {
	ch := startChain(t, devchain.Config{})
	ctx := testCtx(t)
	cacheDir := t.TempDir()
	opts := chain.Options{CacheDir: cacheDir, Namer: func(id string) string { return "name-" + id }}
	peers := map[string]*chain.Client{}
	for _, id := range []string{"QmA", "QmB", "QmC", "QmD", "QmE"} {
		peers[id] = join(t, ch, opts)
		mustRegister(t, peers[id], id)
	}
	rewards := map[string]int64{"QmA": 10, "QmB": 10, "QmC": 10, "QmD": 20, "QmE": -5}
	for id, r := range rewards {
		if err := peers[id].SubmitReward(ctx, 0, 0, big.NewInt(r), id); err != nil {
			t.Fatal(err)
		}
	}
	// A and B tie (10 reward, 1 win, 1 vote); C has 10 but no win; QmF
	// never registered but was voted for.
	votes := map[string][]string{"QmA": {"QmB"}, "QmB": {"QmA"}, "QmD": {"QmF"}}
	for voter, winners := range votes {
		if err := peers[voter].SubmitWinners(ctx, 0, winners, voter); err != nil {
			t.Fatal(err)
		}
	}
	board, err := peers["QmA"].Leaderboard(ctx)
	if err != nil {
		t.Fatal(err)
	}
	checkAgainstViews(t, peers["QmA"], board)
	want := []struct {
		id   string
		rank int
	}{{"QmD", 1}, {"QmA", 2}, {"QmB", 2}, {"QmC", 4}, {"QmF", 5}, {"QmE", 6}}
	if len(board) != len(want) {
		t.Fatalf("leaderboard has %d entries, want %d: %+v", len(board), len(want), board)
	}
	for i, w := range want {
		if board[i].PeerID != w.id || board[i].Rank != w.rank || board[i].Name != "name-"+w.id {
			t.Errorf("row %d = %s (%s) rank %d, want %s rank %d", i, board[i].PeerID, board[i].Name, board[i].Rank, w.id, w.rank)
		}
	}

	// Incremental: new events after the first index are picked up.
	if _, err := ch.AdvanceRound(ctx); err != nil {
		t.Fatal(err)
	}
	if err := peers["QmC"].SubmitWinners(ctx, 1, []string{"QmC"}, "QmC"); err != nil {
		t.Fatal(err)
	}
	if err := peers["QmE"].SubmitReward(ctx, 1, 0, big.NewInt(100), "QmE"); err != nil {
		t.Fatal(err)
	}
	board, err = peers["QmA"].Leaderboard(ctx)
	if err != nil {
		t.Fatal(err)
	}
	checkAgainstViews(t, peers["QmA"], board)
	if board[0].PeerID != "QmE" || board[0].Rewards.Int64() != 95 {
		t.Fatalf("after more events the top is %+v, want QmE with 95", board[0])
	}

	// The cache on disk covers the chain up to the head, and a new client
	// (as after a restart) answers the same from it.
	data, err := os.ReadFile(filepath.Join(cacheDir, chain.LeaderboardCacheFile))
	if err != nil {
		t.Fatal(err)
	}
	var cache struct {
		NextBlock uint64 `json:"nextBlock"`
	}
	if err := json.Unmarshal(data, &cache); err != nil {
		t.Fatal(err)
	}
	head, err := peers["QmA"].Eth().BlockNumber(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cache.NextBlock != head+1 {
		t.Fatalf("cache indexed up to %d, head is %d", cache.NextBlock-1, head)
	}
	again := join(t, ch, opts)
	board2, err := again.Leaderboard(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameBoard(t, board, board2)
}

func sameBoard(t *testing.T, a, b []chain.Entry) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("boards differ in length: %d vs %d", len(a), len(b))
	}
	for i := range a {
		if a[i].PeerID != b[i].PeerID || a[i].Rank != b[i].Rank || a[i].Rewards.Cmp(b[i].Rewards) != 0 || a[i].Wins != b[i].Wins || a[i].Votes != b[i].Votes || a[i].EOA != b[i].EOA {
			t.Fatalf("row %d differs: %+v vs %+v", i, a[i], b[i])
		}
	}
}

func TestStatus(t *testing.T) {
	ch := startChain(t, devchain.Config{})
	ctx := testCtx(t)
	a := join(t, ch, chain.Options{OutboxDir: t.TempDir()})
	mustRegister(t, a, "QmA")
	if _, err := ch.AdvanceRound(ctx); err != nil {
		t.Fatal(err)
	}
	s, err := chain.Status(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if s.Profile != "local" || s.ChainID != chain.LocalChainID || s.Contract != ch.Contract() || s.Round != 1 || s.Stage != 0 || s.StageCount != 1 ||
		s.Account != a.Account() || len(s.PeerIDs) != 1 || s.PeerIDs[0] != "QmA" || s.Balance.Sign() <= 0 || s.PendingSubmissions != 0 || s.ReadOnly {
		t.Fatalf("status = %+v", s)
	}
}
