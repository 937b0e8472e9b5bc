package node

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	ethcrypto "github.com/ethereum/go-ethereum/crypto"
	"github.com/libp2p/go-libp2p/core/crypto"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/chain/devchain"
	"github.com/swarmdesk/swarmdesk/app/swarm"
	"github.com/swarmdesk/swarmdesk/app/tasks"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
)

const testSwarmID = "swarmdesk-node-test"

// participant is one honest node across its lives (a restart is a new life on the same data
// folder, swarm key and account).
type participant struct {
	name   string
	key    crypto.PrivKey
	peerID string
	acct   *ecdsa.PrivateKey
	dir    string

	client *chain.Client
	sw     *swarm.Node
	node   *Node
	col    *collector
	stop   func() error
	lives  []*collector
	// prepare, if set, runs on each life's model before the node starts (puts it on a device).
	prepare func(t *testing.T, m *qwen2.Model)
}

func newParticipant(t *testing.T, name string, dc *devchain.Chain) *participant {
	t.Helper()
	key, id := edKey(t)
	acct, err := ethcrypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dc.Fund(t.Context(), ethcrypto.PubkeyToAddress(acct.PublicKey)); err != nil {
		t.Fatal(err)
	}
	return &participant{name: name, key: key, peerID: id, acct: acct, dir: t.TempDir()}
}

// startSwarm starts the participant's libp2p node (bootstrapping from boot).
func (p *participant) startSwarm(t *testing.T, boot []string) {
	t.Helper()
	sw, err := swarm.New(context.Background(), swarm.Config{Key: p.key, SwarmID: testSwarmID,
		ListenAddrs: []string{"/ip4/127.0.0.1/tcp/0"}, Bootstrap: boot, MaintainEvery: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	p.sw = sw
}

// startNode opens the chain client and runs a node on the participant's folder.
func (p *participant) startNode(t *testing.T, dc *devchain.Chain, cfg Config, hook func(string) error) {
	t.Helper()
	cl, err := chain.Dial(t.Context(), dc.Profile(), p.acct, chain.Options{
		OutboxDir: filepath.Join(p.dir, "outbox"), StartBlock: dc.DeployBlock(),
		Tx: chain.TxConfig{PollInterval: 20 * time.Millisecond}, PeerKey: p.key})
	if err != nil {
		t.Fatal(err)
	}
	m, tok := tinyModel(t)
	if p.prepare != nil {
		p.prepare(t, m)
	}
	n, err := New(cfg, Deps{Model: m, Tokenizer: tok, Swarm: p.sw, Chain: cl, PeerID: p.sw.ID(), DataDir: p.dir,
		Logger: slog.New(slog.NewTextHandler(testWriter{t, p.name}, nil)), hook: hook})
	if err != nil {
		t.Fatal(err)
	}
	p.client, p.node = cl, n
	p.col = collect(n)
	p.lives = append(p.lives, p.col)
	p.stop = runNode(n)
}

// kill drops the node's process state without a clean shutdown: its swarm host and chain
// connection die with it.
func (p *participant) kill() {
	_ = p.sw.Close()
	p.client.Close()
}

func (p *participant) rounds() []RoundMetrics {
	var out []RoundMetrics
	for _, c := range p.lives {
		out = append(out, c.rounds()...)
	}
	return out
}

// testWriter sends log lines to the test log (shown with -v or on failure).
type testWriter struct {
	t    *testing.T
	name string
}

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(w.name + ": " + strings.TrimSpace(string(b)))
	return len(b), nil
}

// A 3-node swarm on loopback with the embedded dev chain and a tiny random model, plus a
// malicious peer: every honest node publishes, adopts peers' answers, trains, and its rewards
// and votes appear on the chain's leaderboard; the malicious peer's rollouts are refused
// without harm. One node is killed mid-round and restarted on its data folder: it rejoins at
// the chain's round and no reward is lost or submitted twice.
func TestThreeNodeSwarm(t *testing.T) {
	ctx := t.Context()
	dc, err := devchain.Start(ctx, devchain.Config{RoundLength: 2 * time.Second, Tx: chain.TxConfig{PollInterval: 20 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer dc.Close()

	a, b, c := newParticipant(t, "A", dc), newParticipant(t, "B", dc), newParticipant(t, "C", dc)
	a.startSwarm(t, nil)
	boot := a.sw.Addrs()
	b.startSwarm(t, boot)
	c.startSwarm(t, boot)
	evil := startEvil(t, dc, boot)
	defer evil.stop()
	for _, p := range []*participant{b, c} {
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		if err := p.sw.WaitPeers(wctx, 1); err != nil {
			t.Fatal(err)
		}
		cancel()
	}
	defer func() {
		for _, p := range []*participant{a, b, c} {
			if p.stop != nil {
				_ = p.stop()
			}
			if p.sw != nil {
				_ = p.sw.Close()
			}
		}
	}()

	cfg := testConfig()
	cfg.GatherTimeout = 1200 * time.Millisecond
	cfg.CheckpointAfter = 0 // every round: C's crash loses no training, so every step is counted
	a.startNode(t, dc, cfg, nil)
	b.startNode(t, dc, cfg, nil)
	var killed sync.Once
	crashed := make(chan struct{})
	c.startNode(t, dc, cfg, func(point string) error {
		if point == "gathered" && c.lives[0].roundsSeen() >= 2 {
			err := error(nil)
			killed.Do(func() { err = errCrash; close(crashed) })
			return err
		}
		return nil
	})

	select {
	case <-crashed:
	case <-time.After(60 * time.Second):
		t.Fatal("node C never reached its third round")
	}
	if err := c.stop(); !errors.Is(err, errCrash) {
		t.Fatalf("C's first life ended with %v", err)
	}
	c.kill()
	restartRound, err := dc.Host().CurrentRound(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c.startSwarm(t, boot)
	c.startNode(t, dc, cfg, nil)

	waitFor(t, 90*time.Second, "more rounds on every node", func() bool {
		return len(a.rounds()) >= 5 && len(b.rounds()) >= 5 && len(c.lives[1].rounds()) >= 2
	})
	// Pause everyone: a paused node holds at a safe point with nothing on its way to the chain,
	// so the chain can be compared with the nodes' logs exactly.
	for _, p := range []*participant{a, b, c} {
		p.node.Pause()
	}
	waitFor(t, 30*time.Second, "every node paused with nothing pending", func() bool {
		for _, p := range []*participant{a, b, c} {
			if s := p.node.State(); s.State != StatePaused || s.PendingSubmissions != 0 {
				return false
			}
		}
		return true
	})
	for _, p := range []*participant{a, b, c} {
		if err := p.stop(); err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		<-p.col.done
	}

	honest := map[string]string{a.peerID: "A", b.peerID: "B", c.peerID: "C"}
	fresh, _ := tinyModel(t)
	for _, p := range []*participant{a, b, c} {
		rs := p.rounds()
		adopted, rejected, trained := 0, 0, 0
		for _, m := range rs {
			if m.Shared && m.Published != m.Questions {
				t.Errorf("%s round %d: published %d of %d groups", p.name, m.Round, m.Published, m.Questions)
			}
			adopted += m.Adopted
			rejected += m.Rejected
			if m.Trained {
				trained++
			}
		}
		fromHonest := 0
		for _, life := range p.lives {
			for _, e := range life.kinds(EventPeers) {
				for _, ps := range e.Peers {
					if honest[ps.ID] != "" && ps.Adopted > 0 {
						fromHonest++
					}
				}
			}
		}
		if adopted == 0 || fromHonest == 0 || rejected == 0 || trained < 3 {
			t.Errorf("%s: adopted %d (%d from honest peers), rejected %d, trained %d rounds", p.name, adopted, fromHonest, rejected, trained)
		}
		if p.node.State().Steps < int64(trained) || sameWeights(p.node.deps.Model.Trainable(), fresh.Trainable()) {
			t.Errorf("%s: %d optimizer steps, weights moved: %v", p.name, p.node.State().Steps, !sameWeights(p.node.deps.Model.Trainable(), fresh.Trainable()))
		}
	}

	// C rejoined at the chain's round and logged each round once.
	if first := c.lives[1].rounds()[0].Round; first < restartRound {
		t.Errorf("C's second life started at round %d, the chain was at %d", first, restartRound)
	}
	checkNoRewardLostOrDoubled(t, dc, []*participant{a, b, c})
}

// roundsSeen counts EventRound of one life.
func (c *collector) roundsSeen() int { return len(c.rounds()) }

// checkNoRewardLostOrDoubled compares each node's own log of submissions with the chain: every
// logged round's reward is on chain, and the chain's total for the peer is exactly their sum.
func checkNoRewardLostOrDoubled(t *testing.T, dc *devchain.Chain, ps []*participant) {
	t.Helper()
	ctx := t.Context()
	host := dc.Host()
	entries, err := host.Leaderboard(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byPeer := map[string]chain.Entry{}
	for _, e := range entries {
		byPeer[e.PeerID] = e
	}
	for _, p := range ps {
		logged, bad, err := ReadRounds(filepath.Join(p.dir, RoundsFile))
		if err != nil || bad != 0 {
			t.Fatalf("%s: rounds.jsonl: %v (%d bad lines)", p.name, err, bad)
		}
		seen := map[uint64]bool{}
		sum, votes := int64(0), uint64(0)
		for _, m := range logged {
			if seen[m.Round] {
				t.Errorf("%s: round %d logged twice", p.name, m.Round)
			}
			seen[m.Round] = true
			if m.Submitted == nil {
				t.Errorf("%s: round %d has no submission (every round submits)", p.name, m.Round)
				continue
			}
			ok, err := host.HasSubmittedReward(ctx, m.Submitted.Round, rewardStage, p.peerID)
			if err != nil || !ok {
				t.Errorf("%s: the reward of round %d is not on chain (%v)", p.name, m.Submitted.Round, err)
			}
			sum += m.Submitted.Reward
			votes++
		}
		e, ok := byPeer[p.peerID]
		if !ok {
			t.Errorf("%s is not on the leaderboard", p.name)
			continue
		}
		if e.Rewards.Cmp(big.NewInt(sum)) != 0 || e.Votes != votes || sum == 0 {
			t.Errorf("%s: leaderboard rewards %s votes %d; the node logged %d over %d rounds", p.name, e.Rewards, e.Votes, sum, votes)
		}
	}
}

func sameWeights(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// evilPeer publishes, every round, rollouts that pass the swarm's envelope checks (they are
// signed by their author) but lie: a question that is not what its seed generates, the wrong
// number of answers, an unknown task, oversized answers, and a valid group with a forged reward.
type evilPeer struct {
	sw     *swarm.Node
	cancel context.CancelFunc
	done   chan struct{}
}

func startEvil(t *testing.T, dc *devchain.Chain, boot []string) *evilPeer {
	t.Helper()
	key, _ := edKey(t)
	sw, err := swarm.New(context.Background(), swarm.Config{Key: key, SwarmID: testSwarmID,
		ListenAddrs: []string{"/ip4/127.0.0.1/tcp/0"}, Bootstrap: boot, MaintainEvery: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &evilPeer{sw: sw, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(e.done)
		last := uint64(1 << 62)
		for ctx.Err() == nil {
			if r, err := dc.Host().CurrentRound(ctx); err == nil && r != last {
				last = r
				for _, ro := range evilRollouts(r) {
					_ = sw.Publish(ctx, ro)
				}
			}
			sleep(ctx, 50*time.Millisecond)
		}
	}()
	return e
}

func (e *evilPeer) stop() {
	e.cancel()
	<-e.done
	_ = e.sw.Close()
}

func evilRollouts(round uint64) []swarm.Rollout {
	tt, _ := tasks.Get(testTaskName)
	q := func(i int) tasks.Question { return tt.Generate(round*100+uint64(i), 1) }
	meta := func(q tasks.Question) map[string]string {
		return map[string]string{metaSeed: fmt.Sprint(q.Seed), metaLevel: fmt.Sprint(q.Level), "reward": "1000000"}
	}
	big := strings.Repeat("e", 100<<10)
	lie := q(1)
	return []swarm.Rollout{
		{Round: round, Task: testTaskName, Question: "Say eee. <answer>eee</answer>", Answers: []string{"ee", "ee"}, Meta: meta(lie)},
		{Round: round, Task: testTaskName, Question: q(2).Prompt, Answers: []string{"a", "b", "c", "d", "e"}, Meta: meta(q(2))},
		{Round: round, Task: "poetry", Question: q(3).Prompt, Answers: []string{"a", "b"}, Meta: meta(q(3))},
		{Round: round, Task: testTaskName, Question: q(4).Prompt, Answers: []string{big, big}, Meta: meta(q(4))},
		{Round: round, Task: testTaskName, Question: q(5).Prompt, Answers: []string{"zzz", "e e"}, Meta: meta(q(5))},
	}
}
