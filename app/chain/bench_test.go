package chain_test

import (
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/core/types"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/chain/contract"
	"github.com/swarmdesk/swarmdesk/app/chain/devchain"
)

func startBenchChain(b *testing.B) *devchain.Chain {
	b.Helper()
	ch, err := devchain.Start(b.Context(), devchain.Config{Tx: chain.TxConfig{PollInterval: time.Millisecond}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = ch.Close() })
	return ch
}

// BenchmarkSubmitReward measures one outbox-backed reward submission,
// end to end (state check, estimate, sign, send, instant block, receipt).
func BenchmarkSubmitReward(b *testing.B) {
	ch := startBenchChain(b)
	ctx := b.Context()
	c, err := chain.NewClient(ctx, ch.Attach(), ch.Profile(), newKeyB(b), chain.Options{OutboxDir: b.TempDir(), Tx: chain.TxConfig{PollInterval: time.Millisecond}})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := ch.Fund(ctx, c.Account()); err != nil {
		b.Fatal(err)
	}
	ids := make([]string, b.N)
	for i := range ids {
		k, id := newPeerKey(b)
		ids[i] = id
		c.SetPeerKey(k)
		if err := c.RegisterPeer(ctx, ids[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if err := c.SubmitReward(ctx, 0, 0, big.NewInt(int64(i)), ids[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "submits/s")
}

// BenchmarkGas reports the gas each coordinator call costs (Osaka rules).
func BenchmarkGas(b *testing.B) {
	ch := startBenchChain(b)
	ctx := b.Context()
	tm := ch.Host().TxManager()
	coord := contract.NewSwarmCoordinator()
	to := ch.Contract()
	var gas struct{ register, reward, winners uint64 }
	send := func(data []byte, err error) *types.Receipt {
		if err != nil {
			b.Fatal(err)
		}
		r, err := tm.Transact(ctx, &to, data, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		return r
	}
	for i := 0; i < b.N; i++ {
		// 46-character IDs like real rl-swarm (RSA "Qm…") peer IDs.
		id := fmt.Sprintf("QmGas%041d", i)
		gas.register += send(coord.TryPackRegisterPeer(id)).GasUsed
		gas.reward += send(coord.TryPackSubmitReward0(big.NewInt(0), big.NewInt(0), big.NewInt(10), id)).GasUsed
		gas.winners += send(coord.TryPackSubmitWinners(big.NewInt(0), []string{id}, id)).GasUsed
	}
	n := float64(b.N)
	b.ReportMetric(float64(gas.register)/n, "gas-register")
	b.ReportMetric(float64(gas.reward)/n, "gas-reward")
	b.ReportMetric(float64(gas.winners)/n, "gas-winners1")
}

// BenchmarkLeaderboard builds a 200-peer leaderboard from scratch (events +
// batched views) each iteration.
func BenchmarkLeaderboard(b *testing.B) {
	ch := startBenchChain(b)
	ctx := b.Context()
	host := ch.Host()
	tm := host.TxManager()
	coord := contract.NewSwarmCoordinator()
	to := ch.Contract()
	const peers = 200
	must := must(b)
	for i := 0; i < peers; i++ {
		id := fmt.Sprintf("QmLb%04d", i)
		for _, data := range [][]byte{
			must(coord.TryPackRegisterPeer(id)),
			must(coord.TryPackSubmitReward0(big.NewInt(0), big.NewInt(0), big.NewInt(int64(i%17)), id)),
			must(coord.TryPackSubmitWinners(big.NewInt(0), []string{fmt.Sprintf("QmLb%04d", (i*7)%peers)}, id)),
		} {
			if _, err := tm.Transact(ctx, &to, data, nil, nil); err != nil {
				b.Fatalf("peer %d: %v", i, err)
			}
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, err := chain.NewClient(ctx, ch.Attach(), ch.Profile(), nil, chain.Options{StartBlock: ch.DeployBlock()})
		if err != nil {
			b.Fatal(err)
		}
		board, err := c.Leaderboard(ctx)
		if err != nil || len(board) != peers {
			b.Fatalf("board of %d, %v", len(board), err)
		}
		c.Close()
	}
	b.ReportMetric(peers, "peers")
}

func must(b *testing.B) func([]byte, error) []byte {
	return func(data []byte, err error) []byte {
		if err != nil {
			b.Fatal(err)
		}
		return data
	}
}
