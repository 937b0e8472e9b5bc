package chain

import (
	"bytes"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/swarmdesk/swarmdesk/platform"
)

func signedTx(t testing.TB, nonce uint64) *types.Transaction {
	t.Helper()
	key, err := crypto.HexToECDSA("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
	if err != nil {
		t.Fatal(err)
	}
	to := crypto.PubkeyToAddress(key.PublicKey)
	tx, err := types.SignNewTx(key, types.LatestSignerForChainID(big.NewInt(1337)), &types.DynamicFeeTx{
		ChainID: big.NewInt(1337), Nonce: nonce, GasTipCap: big.NewInt(1), GasFeeCap: big.NewInt(2), Gas: 21000, To: &to, Value: big.NewInt(0),
	})
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

func TestOutboxPersists(t *testing.T) {
	dir := t.TempDir()
	ob, err := OpenOutbox(dir)
	if err != nil {
		t.Fatal(err)
	}
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	reward := OutboxEntry{Kind: KindReward, Round: 3, Stage: 0, Reward: "-12", PeerID: "QmA", Created: created}
	vote := OutboxEntry{Kind: KindWinners, Round: 3, Winners: []string{"QmB", "QmC"}, PeerID: "QmA", Created: created.Add(time.Second)}
	for _, e := range []OutboxEntry{reward, vote} {
		if added, err := ob.Add(e); err != nil || !added {
			t.Fatalf("add %s: added=%v err=%v", e.ID(), added, err)
		}
	}
	if added, err := ob.Add(reward); err != nil || added {
		t.Fatalf("second add of the same entry: added=%v err=%v, want false, nil", added, err)
	}
	tx1, tx2 := signedTx(t, 7), signedTx(t, 7)
	if err := ob.AppendTx(reward.ID(), tx1); err != nil {
		t.Fatal(err)
	}
	if err := ob.AppendTx(reward.ID(), tx2); err != nil {
		t.Fatal(err)
	}

	// Reopen as after a crash: same entries, same transactions, same order.
	ob2, err := OpenOutbox(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := ob2.Entries()
	if len(got) != 2 || got[0].ID() != reward.ID() || got[1].ID() != vote.ID() {
		t.Fatalf("reopened entries = %+v", got)
	}
	txs, err := got[0].Transactions()
	if err != nil || len(txs) != 2 || txs[0].Hash() != tx1.Hash() || txs[1].Hash() != tx2.Hash() {
		t.Fatalf("reopened txs = %v, %v", txs, err)
	}
	if v, err := got[0].RewardValue(); err != nil || v.Int64() != -12 {
		t.Fatalf("reward value = %v, %v", v, err)
	}
	if err := ob2.Remove(reward.ID()); err != nil {
		t.Fatal(err)
	}
	ob3, err := OpenOutbox(dir)
	if err != nil {
		t.Fatal(err)
	}
	if e := ob3.Entries(); len(e) != 1 || e[0].ID() != vote.ID() {
		t.Fatalf("after remove: %+v", e)
	}
	// No temp files are left behind by the atomic writes.
	files, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(files) != 0 {
		t.Fatalf("leftover temp files: %v", files)
	}
}

func TestOutboxQuarantinesCorruptFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, OutboxFile)
	if err := os.WriteFile(path, []byte(`{"version":1,"entries":[{"kind":"bogus"`), 0o600); err != nil {
		t.Fatal(err)
	}
	ob, err := OpenOutbox(dir)
	if err != nil {
		t.Fatalf("corrupt outbox must not block the node: %v", err)
	}
	if ob.Quarantined() != path+".corrupt" || len(ob.Entries()) != 0 {
		t.Fatalf("quarantined=%q entries=%d", ob.Quarantined(), len(ob.Entries()))
	}
	if _, err := os.Stat(path + ".corrupt"); err != nil {
		t.Fatalf("corrupt file was not kept for inspection: %v", err)
	}
}

func TestDecodeOutboxRejects(t *testing.T) {
	good := `{"kind":"reward","round":1,"reward":"5","peerId":"QmA","created":"2026-01-01T00:00:00Z"}`
	tests := []struct {
		name string
		data string
		ok   bool
	}{
		{"good", `{"version":1,"entries":[` + good + `]}`, true},
		{"version", `{"version":2,"entries":[]}`, false},
		{"kind", `{"version":1,"entries":[{"kind":"x","peerId":"QmA"}]}`, false},
		{"reward", `{"version":1,"entries":[{"kind":"reward","reward":"1e3","peerId":"QmA"}]}`, false},
		{"peer", `{"version":1,"entries":[{"kind":"winners","peerId":""}]}`, false},
		{"tx", `{"version":1,"entries":[{"kind":"winners","peerId":"QmA","txs":["0x02ff"]}]}`, false},
		{"duplicate", `{"version":1,"entries":[` + good + `,` + good + `]}`, false},
		{"not json", `nope`, false},
	}
	for _, tt := range tests {
		_, err := decodeOutbox([]byte(tt.data))
		if (err == nil) != tt.ok {
			t.Errorf("%s: err = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

// FuzzDecodeOutbox: the outbox file may be corrupted on disk; decoding must
// never panic, and whatever it accepts must survive a save/load round trip.
func FuzzDecodeOutbox(f *testing.F) {
	f.Add([]byte(`{"version":1,"entries":[{"kind":"reward","round":1,"reward":"5","peerId":"QmA","created":"2026-01-01T00:00:00Z"}]}`))
	f.Add([]byte(`{"version":1,"entries":[{"kind":"winners","round":2,"winners":["a","b"],"peerId":"QmA","txs":["0x00"]}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := decodeOutbox(data)
		if err != nil {
			return
		}
		ob := &Outbox{path: filepath.Join(t.TempDir(), OutboxFile), entries: map[string]OutboxEntry{}}
		for _, e := range entries {
			ob.entries[e.ID()] = e
		}
		if err := ob.saveLocked(); err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(ob.path)
		if err != nil {
			t.Fatal(err)
		}
		again, err := decodeOutbox(raw)
		if err != nil || len(again) != len(entries) {
			t.Fatalf("round trip: %d entries, err %v (had %d)", len(again), err, len(entries))
		}
	})
}

// FuzzDecodeLeaderboardCache: the cache file is outside data too.
func FuzzDecodeLeaderboardCache(f *testing.F) {
	f.Add([]byte(`{"version":1,"chainId":1337,"contract":"0x1111111111111111111111111111111111111111","nextBlock":9,"peers":{"QmA":{"eoa":"0x1111111111111111111111111111111111111111","wins":2,"votes":1}}}`))
	f.Add([]byte(`{"version":1,"peers":{"":null}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := decodeLeaderboardCache(data)
		if err != nil {
			return
		}
		if c.Peers == nil {
			t.Fatal("accepted cache without a peer map")
		}
		for id, p := range c.Peers {
			if p == nil || !validPeerID(id) {
				t.Fatalf("accepted invalid peer %q", id)
			}
		}
	})
}

func TestWriteFileAtomicReplaces(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "f.json")
	for _, content := range [][]byte{[]byte("first"), []byte("second, longer")} {
		if err := platform.WriteFileAtomic(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(got, content) {
			t.Fatalf("read back %q, %v; want %q", got, err, content)
		}
	}
}
