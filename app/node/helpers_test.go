package node

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/swarm"
	"github.com/swarmdesk/swarmdesk/app/tasks"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
	"github.com/swarmdesk/swarmdesk/engine/tokenizer"
	"github.com/swarmdesk/swarmdesk/engine/train"
)

// testTask is a verifiable task a tiny random model can earn rewards on, so that rewards,
// advantages and on-chain totals are not all zero: an answer is the whole completion, "correct"
// when it holds an even number of the letter e.
type testTask struct{}

const testTaskName = "nodetest"

func (testTask) Name() string     { return testTaskName }
func (testTask) Describe() string { return "test: an even number of e's" }
func (testTask) Generate(seed uint64, level int) tasks.Question {
	level = min(max(level, tasks.MinLevel), tasks.MaxLevel)
	return tasks.Question{Task: testTaskName, Seed: seed, Level: level,
		Prompt: fmt.Sprintf("Write a few words (%d/%d).", seed%997, level), Answer: "any"}
}
func (testTask) Check(q tasks.Question, answer string) bool {
	return q.Task == testTaskName && strings.Count(answer, "e")%2 == 0
}
func (testTask) Extract(completion string) (string, float64) {
	if strings.TrimSpace(completion) == "" {
		return "", 0
	}
	return completion, tasks.FormatReward
}

func init() { tasks.Register(testTask{}) }

// testMix draws mostly the test task, plus a real one so real verifiers run too.
var testMix = tasks.Mix{testTaskName: 3, "arithmetic": 1}

// The tiny model lives in one folder per test binary.
var shared = &testmodel.Shared{Config: testmodel.Tiny{MaxPos: 1024}, Seed: 7}

func TestMain(m *testing.M) {
	code := m.Run()
	_ = shared.Remove()
	os.Exit(code)
}

// tinyModel loads a fresh copy of the tiny random model (context 1024, so the ChatML prompt
// with the system prompt fits) and its tokenizer.
func tinyModel(t testing.TB) (*qwen2.Model, *tokenizer.Tokenizer) {
	t.Helper()
	modelDir, err := shared.Dir()
	if err != nil {
		t.Fatal(err)
	}
	m, err := qwen2.Load(modelDir, qwen2.LoadOptions{WeightDType: qwen2.F32})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := tokenizer.Load(filepath.Join(modelDir, "tokenizer.json"))
	if err != nil {
		t.Fatal(err)
	}
	return m, tok
}

// testConfig is a fast round: short answers, short waits, a real optimizer with a large
// learning rate so weights visibly move.
func testConfig() Config {
	c := DefaultConfig()
	c.MaxNewTokens = 24
	c.Mix = testMix
	c.GatherTimeout = 1500 * time.Millisecond
	c.PollMin, c.PollMax = 20*time.Millisecond, 100*time.Millisecond
	c.SubmitTimeout = 20 * time.Second
	c.Train = train.Config{Optim: train.DefaultOptimConfig()}
	c.Train.Optim.LR = 1e-3
	return c
}

func edKey(t testing.TB) (crypto.PrivKey, string) {
	t.Helper()
	k, _, err := crypto.GenerateEd25519Key(nil)
	if err != nil {
		t.Fatal(err)
	}
	id, err := peer.IDFromPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return k, id.String()
}

// collect drains a node's events into a list the test can inspect while the node runs.
type collector struct {
	mu     sync.Mutex
	events []Event
	done   chan struct{}
}

func collect(n *Node) *collector {
	c := &collector{done: make(chan struct{})}
	go func() {
		defer close(c.done)
		for e := range n.Events() {
			c.mu.Lock()
			c.events = append(c.events, e)
			c.mu.Unlock()
		}
	}()
	return c
}

func (c *collector) rounds() []RoundMetrics {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []RoundMetrics
	for _, e := range c.events {
		if e.Kind == EventRound {
			out = append(out, *e.Metrics)
		}
	}
	return out
}

func (c *collector) kinds(k EventKind) []Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Event
	for _, e := range c.events {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// fakeChain is a coordinator in memory with the contract's once-only rules.
type fakeChain struct {
	mu        sync.Mutex
	round     uint64
	rewards   map[uint64]int64
	votes     map[uint64][]string
	failSends int   // the next failSends submissions fail with a network-like error
	regErr    error // RegisterPeer's answer
	sends     int
}

func newFakeChain() *fakeChain {
	return &fakeChain{rewards: map[uint64]int64{}, votes: map[uint64][]string{}}
}

func (f *fakeChain) CurrentRound(context.Context) (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.round, nil
}

func (f *fakeChain) advance(k uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.round += k
}

func (f *fakeChain) RegisterPeer(context.Context, string) error { return f.regErr }

func (f *fakeChain) SubmitReward(_ context.Context, round, _ uint64, reward *big.Int, _ string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sends++
	if f.failSends > 0 {
		f.failSends--
		return errors.New("connection refused")
	}
	if _, ok := f.rewards[round]; ok {
		return chain.ErrRewardAlreadySubmitted
	}
	if round > f.round {
		return chain.ErrInvalidRoundNumber
	}
	f.rewards[round] = reward.Int64()
	return nil
}

func (f *fakeChain) SubmitWinners(_ context.Context, round uint64, winners []string, _ string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sends++
	if _, ok := f.votes[round]; ok {
		return chain.ErrWinnerAlreadyVoted
	}
	f.votes[round] = append([]string(nil), winners...)
	return nil
}

func (f *fakeChain) FlushOutbox(context.Context) (int, error) { return 0, nil }

func (f *fakeChain) total() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := int64(0)
	for _, r := range f.rewards {
		s += r
	}
	return s
}

// fakeExchange is a swarm in memory: Publish records, Gather returns what the test put in
// the inbox (plus the node's own), and can be made to wait out its deadline.
type fakeExchange struct {
	mu        sync.Mutex
	self      string
	published []swarm.Rollout
	inbox     map[uint64][]swarm.Rollout
	slow      bool // Gather waits for its deadline (a peer that never shares)
	gathers   int
}

func (f *fakeExchange) Publish(_ context.Context, r swarm.Rollout) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	r.PeerID = f.self
	f.published = append(f.published, r)
	return nil
}

func (f *fakeExchange) Gather(ctx context.Context, round uint64, d time.Duration) ([]swarm.Rollout, error) {
	f.mu.Lock()
	f.gathers++
	slow := f.slow
	f.mu.Unlock()
	if slow {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []swarm.Rollout
	for _, r := range f.published {
		if r.Round == round {
			out = append(out, r)
		}
	}
	return append(out, f.inbox[round]...), nil
}

func (f *fakeExchange) publishedIn(round uint64) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := 0
	for _, r := range f.published {
		if r.Round == round {
			k++
		}
	}
	return k
}

// fakeNode is a node on fakes (real tiny model and real trainer unless overridden).
func fakeNode(t *testing.T, cfg Config, ch *fakeChain, ex *fakeExchange, dir string, edit func(*Deps)) *Node {
	t.Helper()
	m, tok := tinyModel(t)
	_, id := edKey(t)
	if ex.self != "" {
		id = ex.self
	}
	ex.self = id
	d := Deps{Model: m, Tokenizer: tok, Swarm: ex, Chain: ch, PeerID: id, DataDir: dir}
	if edit != nil {
		edit(&d)
	}
	n, err := New(cfg, d)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// runNode runs n in the background; stop cancels it and returns Run's error.
func runNode(n *Node) (stop func() error) {
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- n.Run(ctx) }()
	var once sync.Once
	var err error
	return func() error {
		once.Do(func() {
			cancel()
			err = <-errc
		})
		return err
	}
}

func writeFile(path string, b []byte) error { return os.WriteFile(path, b, 0o600) }

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
