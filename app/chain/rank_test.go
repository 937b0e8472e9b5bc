package chain

import (
	"bytes"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

func TestRankEntries(t *testing.T) {
	e := func(id string, rewards int64, wins, votes uint64) Entry {
		return Entry{PeerID: id, Name: id, Rewards: big.NewInt(rewards), Wins: wins, Votes: votes}
	}
	entries := []Entry{
		e("e", -5, 0, 0),
		e("b", 10, 1, 1),
		e("c", 10, 0, 3),
		e("a", 10, 1, 1),
		e("d", 20, 0, 0),
		e("f", 0, 1, 0),
		{PeerID: "g", Name: "g"}, // nil rewards count as 0
	}
	RankEntries(entries)
	want := []struct {
		id   string
		rank int
	}{{"d", 1}, {"a", 2}, {"b", 2}, {"c", 4}, {"f", 5}, {"g", 6}, {"e", 7}}
	for i, w := range want {
		if entries[i].PeerID != w.id || entries[i].Rank != w.rank {
			t.Fatalf("position %d = %s rank %d, want %s rank %d (all: %+v)", i, entries[i].PeerID, entries[i].Rank, w.id, w.rank, entries)
		}
	}
}

func TestFormatLeaderboard(t *testing.T) {
	entries := []Entry{
		{Rank: 1, PeerID: "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N", Name: "agile tall swan", Rewards: big.NewInt(120), Wins: 3, Votes: 2, Proven: true},
		{Rank: 2, PeerID: "QmB", Name: "quiet red fox", Rewards: big.NewInt(-4), Wins: 0, Votes: 11, EOA: common.HexToAddress("0xB")},
	}
	var buf bytes.Buffer
	if err := FormatLeaderboard(&buf, entries, "QmB"); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"RANK     NAME             PEER         REWARDS  WINS  VOTES  NOTE\n" +
		"1        agile tall swan  QmYyQ..hx5N  120      3     2      \n" +
		"2     *  quiet red fox    QmB          -4       0     11     registered without proof of the peer's key (an older client?): not a member\n"
	if buf.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", buf.String(), want)
	}
	buf.Reset()
	if err := FormatLeaderboard(&buf, nil, ""); err != nil || !bytes.Contains(buf.Bytes(), []byte("no peers yet")) {
		t.Fatalf("empty board: %q, %v", buf.String(), err)
	}
}
