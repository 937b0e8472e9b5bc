package experiment

import (
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"time"

	ethcrypto "github.com/ethereum/go-ethereum/crypto"
	"github.com/libp2p/go-libp2p/core/crypto"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/chain/devchain"
	"github.com/swarmdesk/swarmdesk/app/models"
	"github.com/swarmdesk/swarmdesk/app/node"
	"github.com/swarmdesk/swarmdesk/app/swarm"
	"github.com/swarmdesk/swarmdesk/app/tasks"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/tokenizer"
	"github.com/swarmdesk/swarmdesk/engine/train"
	"github.com/swarmdesk/swarmdesk/platform"
)

// Row is one node's round: a line of the CSV.
type Row struct {
	Config  string  // "4/4"
	Seed    int     // the run's seed
	Node    int     // 0..Nodes-1
	Round   int     // 0..Rounds-1, counted from the run's first round
	Reward  float64 // mean reward of the node's own answers this round
	Local   int     // own question groups trained on
	Adopted int     // peers' question groups trained on
	Seconds float64 // the round's work (generate to commit, without waiting for the chain)
}

// stallAfter ends a run whose nodes report no round for this long: something is broken (a
// node died, the chain stopped), and waiting longer would only hide it.
const stallAfter = 5 * time.Minute

// isDemo reports whether a model option means the built-in demo model.
func isDemo(name string) bool { return name == "" || models.IsDemo(name) }

// nodeConfig is a node of configuration mix: the round shape of the model (the demo's own
// when it is the demo), with Local·Unit own questions and Adopted·Unit adopted groups.
func nodeConfig(o Options, mix Mixing) (node.Config, error) {
	nc := node.DefaultConfig()
	nc.Train = train.Config{Optim: train.DefaultOptimConfig(), MemoryLimit: platform.DefaultMemoryLimit()}
	if isDemo(o.Model) {
		nc.Mix, nc.Level = tasks.Mix{tasks.NextDigit: 1}, tasks.MinLevel
		nc.MaxNewTokens, nc.Train.Optim.LR = models.Demo.MaxNewTokens, models.Demo.LR
	}
	if o.Tasks != "" {
		m, err := tasks.ParseMix(o.Tasks)
		if err != nil {
			return node.Config{}, fmt.Errorf("task mix: %w", err)
		}
		nc.Mix = m
	}
	nc.Questions, nc.Adopt, nc.Answers = mix.Local*o.Unit, mix.Adopted*o.Unit, o.Answers
	// The runner moves the chain on once every node has finished its round (lock-step), so no
	// node skips a round for being slower; gathering ends as soon as every peer has shared.
	nc.GatherTimeout = 10 * time.Second
	nc.PollMin, nc.PollMax = 20*time.Millisecond, 100*time.Millisecond
	nc.CheckpointAfter = 1000 * time.Hour // a run is short and is repeated whole if stopped
	nc.StopGrace = time.Second
	return nc, nil
}

// nodeKey is node i's libp2p key in a run of seed: the same in every configuration, so the
// configurations of one seed draw the same questions and samples where their sizes agree.
func nodeKey(seed, i int) (crypto.PrivKey, error) {
	var s [32]byte
	binary.LittleEndian.PutUint64(s[:], uint64(seed))
	binary.LittleEndian.PutUint64(s[8:], uint64(i))
	copy(s[16:], "swarmdesk-exp")
	k, _, err := crypto.GenerateEd25519Key(rand.NewChaCha8(s))
	return k, err
}

// member is one node of a run.
type member struct {
	sw     *swarm.Node
	client *chain.Client
	node   *node.Node
	done   chan error
}

// roundDone is a node's finished round.
type roundDone struct {
	i int
	m node.RoundMetrics
}

// loadModel opens a fresh copy of the model in dir for one node (nodes train their own weights).
func loadModel(ctx context.Context, dir string) (*qwen2.Model, *tokenizer.Tokenizer, error) {
	l, err := models.Open(ctx, dir, models.OpenOptions{Load: qwen2.LoadOptions{WeightDType: qwen2.F32}})
	return l.Model, l.Tokenizer, err
}

// runOne plays one run: a fresh in-memory dev chain, o.Nodes swarm nodes on loopback that all
// know each other, a node each with a fresh copy of the model, and o.Rounds lock-step rounds.
func runOne(ctx context.Context, o Options, r run, modelDir string) (rows []Row, err error) {
	work := filepath.Join(o.Out, "work", r.key())
	_ = os.RemoveAll(work)
	defer os.RemoveAll(work)
	if err := os.MkdirAll(filepath.Join(o.Out, "logs"), 0o755); err != nil {
		return nil, fmt.Errorf("make the logs folder: %w", err)
	}
	logPath := filepath.Join(o.Out, "logs", r.key()+".log")
	lf, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("open the run's log: %w", err)
	}
	defer lf.Close()
	logger := slog.New(slog.NewTextHandler(lf, nil))

	nc, err := nodeConfig(o, r.Mix)
	if err != nil {
		return nil, err
	}
	dc, err := devchain.Start(ctx, devchain.Config{Tx: chain.TxConfig{PollInterval: 20 * time.Millisecond}})
	if err != nil {
		return nil, fmt.Errorf("start the dev chain: %w", err)
	}
	defer dc.Close()

	members := make([]*member, o.Nodes)
	defer func() {
		for _, m := range members {
			if m == nil {
				continue
			}
			if m.sw != nil {
				_ = m.sw.Close()
			}
			if m.client != nil {
				m.client.Close()
			}
		}
	}()
	var boot []string
	swarmID := "swarmdesk-experiment-" + r.key()
	for i := range members {
		key, err := nodeKey(r.Seed, i)
		if err != nil {
			return nil, err
		}
		sw, err := swarm.New(ctx, swarm.Config{Key: key, SwarmID: swarmID, ListenAddrs: []string{"/ip4/127.0.0.1/tcp/0"},
			Bootstrap: boot, MaintainEvery: 200 * time.Millisecond})
		if err != nil {
			return nil, fmt.Errorf("start node %d's peer-to-peer host: %w", i, err)
		}
		members[i] = &member{sw: sw, done: make(chan error, 1)}
		if i == 0 {
			boot = sw.Addrs()
		}
	}
	for i, m := range members {
		wctx, cancel := context.WithTimeout(ctx, time.Minute)
		err := m.sw.WaitPeers(wctx, o.Nodes-1)
		cancel()
		if err != nil {
			return nil, fmt.Errorf("node %d did not meet all %d peers on loopback: %w", i, o.Nodes-1, err)
		}
	}
	for i, m := range members {
		acct, err := ethcrypto.GenerateKey()
		if err != nil {
			return nil, err
		}
		key, err := nodeKey(r.Seed, i) // the same key again: it proves the peer ID on chain
		if err != nil {
			return nil, err
		}
		if _, err := dc.Fund(ctx, ethcrypto.PubkeyToAddress(acct.PublicKey)); err != nil {
			return nil, fmt.Errorf("fund node %d: %w", i, err)
		}
		dir := filepath.Join(work, fmt.Sprintf("node%d", i))
		if m.client, err = chain.Dial(ctx, dc.Profile(), acct, chain.Options{OutboxDir: filepath.Join(dir, "outbox"),
			StartBlock: dc.DeployBlock(), Tx: chain.TxConfig{PollInterval: 20 * time.Millisecond}, PeerKey: key}); err != nil {
			return nil, fmt.Errorf("node %d: connect to the dev chain: %w", i, err)
		}
		model, tok, err := loadModel(ctx, modelDir)
		if err != nil {
			return nil, err
		}
		if m.node, err = node.New(nc, node.Deps{Model: model, Tokenizer: tok, Swarm: m.sw, Chain: m.client,
			PeerID: m.sw.ID(), DataDir: dir, Logger: logger.With("node", i)}); err != nil {
			return nil, fmt.Errorf("node %d: %w", i, err)
		}
	}

	nctx, stopNodes := context.WithCancel(ctx)
	finished := make(chan roundDone, 16*o.Nodes)
	var wg sync.WaitGroup
	for i, m := range members {
		wg.Add(2)
		go func() { defer wg.Done(); m.done <- m.node.Run(nctx) }()
		go func() {
			defer wg.Done()
			for e := range m.node.Events() {
				switch e.Kind {
				case node.EventRound:
					if e.Metrics != nil {
						finished <- roundDone{i, *e.Metrics}
					}
				case node.EventError:
					logger.Warn("node problem", "node", i, "err", e.Err)
				}
			}
		}()
	}
	defer func() {
		stopNodes()
		for i, m := range members {
			if rerr := <-m.done; rerr != nil && err == nil {
				err = fmt.Errorf("node %d: %w", i, rerr)
			}
		}
		wg.Wait()
	}()

	first, err := dc.Host().CurrentRound(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the dev chain's round: %w", err)
	}
	got := map[uint64]int{} // chain round → nodes done
	for played := 0; played < o.Rounds; {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(stallAfter):
			return nil, fmt.Errorf("no node finished a round for %s (see %s)", stallAfter, logPath)
		case d := <-finished:
			if d.m.Round < first {
				continue
			}
			rel := int(d.m.Round - first)
			if rel >= o.Rounds {
				continue
			}
			rows = append(rows, rowOf(r, d, rel))
			got[d.m.Round]++
			if got[d.m.Round] < o.Nodes {
				continue
			}
			played++
			o.Progress(roundLine(r, rel, o.Rounds, rows))
			if played < o.Rounds {
				if _, err := dc.AdvanceRound(ctx); err != nil {
					return nil, fmt.Errorf("advance the dev chain's round: %w", err)
				}
			}
		}
	}
	return rows, nil
}

// rowOf turns a node's round metrics into a CSV row.
func rowOf(r run, d roundDone, rel int) Row {
	secs := 0.0
	for p, s := range d.m.Phases {
		if p != node.PhaseWait {
			secs += s
		}
	}
	return Row{Config: r.Mix.String(), Seed: r.Seed, Node: d.i, Round: rel, Reward: d.m.Reward,
		Local: d.m.Questions, Adopted: d.m.Adopted, Seconds: secs}
}

// roundLine is the progress line of a finished round: the nodes' mean reward and adoption.
func roundLine(r run, rel, rounds int, rows []Row) string {
	var sum float64
	var n, adopted int
	for i := len(rows) - 1; i >= 0; i-- {
		if rows[i].Round != rel {
			continue
		}
		sum += rows[i].Reward
		adopted += rows[i].Adopted
		n++
	}
	return fmt.Sprintf("config %s seed %d: round %d/%d, mean reward %.3f, adopted %.1f groups per node",
		r.Mix, r.Seed, rel+1, rounds, sum/float64(max(n, 1)), float64(adopted)/float64(max(n, 1)))
}
