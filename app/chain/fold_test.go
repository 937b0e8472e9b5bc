package chain

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/swarmdesk/swarmdesk/app/chain/contract"
)

func testFoldClient() *Client {
	return &Client{coord: contract.NewSwarmCoordinator(), opts: Options{Namer: ShortPeerID}}
}

// TestFoldEvents checks the indexer against hand-built logs encoded with the
// contract ABI: votes count for the voter, wins for each winner.
func TestFoldEvents(t *testing.T) {
	c := testFoldClient()
	a := c.coord.GetABI()
	eoa := common.HexToAddress("0x00000000000000000000000000000000000000aa")
	mkLog := func(event string, indexed []common.Hash, args ...any) *types.Log {
		data, err := a.Events[event].Inputs.NonIndexed().Pack(args...)
		if err != nil {
			t.Fatal(err)
		}
		return &types.Log{Topics: append([]common.Hash{a.Events[event].ID}, indexed...), Data: data}
	}
	lb := &lbCache{Peers: map[string]*peerStats{}}
	logs := []*types.Log{
		mkLog("PeerRegistered", []common.Hash{common.BytesToHash(eoa.Bytes())}, "QmA"),
		mkLog("RewardSubmitted", []common.Hash{common.BytesToHash(eoa.Bytes()), common.BigToHash(big.NewInt(1)), common.BigToHash(big.NewInt(0))}, big.NewInt(5), "QmA"),
		mkLog("WinnerSubmitted", []common.Hash{common.BytesToHash(eoa.Bytes()), common.BigToHash(big.NewInt(1))}, "QmA", []string{"QmB", "QmA"}),
		mkLog("WinnerSubmitted", []common.Hash{common.BytesToHash(eoa.Bytes()), common.BigToHash(big.NewInt(2))}, "QmA", []string{"QmB"}),
		{Topics: []common.Hash{a.Events["WinnerSubmitted"].ID}, Data: []byte{1, 2, 3}}, // malformed: skipped
	}
	for _, l := range logs {
		if err := c.fold(lb, l); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]peerStats{"QmA": {EOA: eoa, Wins: 1, Votes: 2}, "QmB": {Wins: 2}}
	if len(lb.Peers) != len(want) {
		t.Fatalf("peers = %v", lb.Peers)
	}
	for id, w := range want {
		if got := lb.Peers[id]; got == nil || *got != w {
			t.Errorf("%s = %+v, want %+v", id, got, w)
		}
	}
}

// FuzzFold feeds arbitrary logs (any node or contract can emit them) to
// the indexer: it must never panic or record an invalid peer.
func FuzzFold(f *testing.F) {
	c := testFoldClient()
	ids := c.coord.GetABI().Events
	f.Add(uint8(0), []byte{}, []byte{})
	f.Add(uint8(1), []byte{1}, make([]byte, 96))
	f.Add(uint8(2), []byte{2, 3}, make([]byte, 200))
	events := []string{"PeerRegistered", "RewardSubmitted", "WinnerSubmitted"}
	f.Fuzz(func(t *testing.T, which uint8, topicSeed, data []byte) {
		topics := []common.Hash{ids[events[int(which)%len(events)]].ID}
		for _, b := range topicSeed {
			topics = append(topics, common.BytesToHash([]byte{b}))
		}
		lb := &lbCache{Peers: map[string]*peerStats{}}
		if err := c.fold(lb, &types.Log{Topics: topics, Data: data}); err != nil {
			t.Fatal(err)
		}
		for id := range lb.Peers {
			if !validPeerID(id) {
				t.Fatalf("recorded invalid peer %q", id)
			}
		}
	})
}
