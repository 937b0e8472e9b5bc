package node

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/swarmdesk/swarmdesk/app/swarm"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/tokenizer"
	"github.com/swarmdesk/swarmdesk/engine/train"
	"github.com/swarmdesk/swarmdesk/platform"
)

// Deps are the pieces the node works with; the caller opens them (the CLI from the config,
// tests from a dev chain and a tiny model) and closes them after Run returns.
type Deps struct {
	// Model is the policy; it must hold F32 weights (or LoRA adapters) to train.
	Model     *qwen2.Model
	Tokenizer *tokenizer.Tokenizer
	// Swarm shares rollouts; *swarm.Node. When it also has Peers() the connected peer
	// count is reported.
	Swarm swarm.Exchange
	// Chain is the coordinator contract; *chain.Client.
	Chain Coordinator
	// PeerID is this node's libp2p peer ID (the swarm node's ID, registered on chain).
	PeerID string
	// DataDir holds state.json and rounds.jsonl.
	DataDir string
	// CheckpointDir holds model checkpoints; default DataDir/checkpoints. Use one folder per
	// model: a checkpoint of another model is refused.
	CheckpointDir string
	// Logger receives a human-readable line per notable event; nil discards.
	Logger *slog.Logger
	// Plan is the memory plan the model was loaded by (see Plan and Setup.Load): with it the
	// trainer's steps fit what the plan left for them, a rollouts-only plan takes part in
	// rounds without learning, and the window shows why. Nil trains whatever the model
	// allows under Config.Train.MemoryLimit.
	Plan *Setup

	// Test hooks (unexported: set only by this package's tests).
	learner  learner                  // replaces the real trainer
	hook     func(point string) error // an error ends Run there, like a crash
	now      func() time.Time
	power    powerFunc
	idle     idleFunc
	free     func() uint64 // memory the OS can give now (platform.AvailableMemory); 0 = unknown
	diskFree diskFreeFunc
}

// eventBuffer is how many events wait for a slow consumer before new ones are dropped.
const eventBuffer = 256

// Node runs the round loop. Create it with New, run it with Run (once), and steer it with
// Pause and Resume from any goroutine.
type Node struct {
	cfg  Config
	deps Deps
	lrn  learner
	gate *gate

	events  chan Event
	dropped atomic.Uint64
	started atomic.Bool

	mu   sync.Mutex // guards snap and submit
	snap Snapshot
	sub  bool // submissions on

	// Owned by the Run goroutine.
	st    nodeState
	rlog  *roundLog
	prom  *promServer
	stops []int // stop token ids for generation
	imEnd int   // the token appended to an adopted answer that ended with a stop

	clock          roundClock  // when the chain's rounds begin (roundclock.go)
	peerWaited     bool        // awaitFirstPeer has run
	ck             ckptState   // checkpoint cadence (checkpoint.go)
	askCkpt        atomic.Bool // Checkpoint was called
	disk           diskWrites  // bytes written over the last day (disk.go)
	diskLow        bool        // the low-disk warning was given and still holds
	roundCkptBytes int64       // checkpoint bytes that ended during the round being played
}

// New checks the configuration and the dependencies and prepares the trainer. It does not
// touch the disk or the network; Run does.
func New(cfg Config, deps Deps) (*Node, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	switch {
	case deps.Model == nil:
		return nil, errors.New("node: no model")
	case deps.Tokenizer == nil:
		return nil, errors.New("node: no tokenizer")
	case deps.Swarm == nil:
		return nil, errors.New("node: no swarm connection")
	case deps.Chain == nil:
		return nil, errors.New("node: no coordinator (chain) connection")
	case deps.PeerID == "":
		return nil, errors.New("node: no peer ID")
	case deps.DataDir == "":
		return nil, errors.New("node: no data folder")
	}
	if tv, mv := deps.Tokenizer.VocabSize(), deps.Model.Config.VocabSize; tv > mv {
		return nil, fmt.Errorf("node: the tokenizer has %d tokens but the model only %d; they do not belong together", tv, mv)
	}
	if deps.CheckpointDir == "" {
		deps.CheckpointDir = filepath.Join(deps.DataDir, "checkpoints")
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if deps.now == nil {
		deps.now = time.Now
	}
	if deps.power == nil {
		deps.power = platform.OnACPower
	}
	if deps.idle == nil {
		deps.idle = platform.UserIdle
	}
	if deps.free == nil {
		deps.free = platform.AvailableMemory
	}
	if deps.diskFree == nil {
		deps.diskFree = platform.DiskFree
	}
	n := &Node{cfg: cfg, deps: deps, gate: newGate(), events: make(chan Event, eventBuffer), sub: true}
	n.lrn = deps.learner
	tcfg := cfg.Train
	training := "training the model"
	if p := deps.Plan; p != nil {
		tcfg.MemoryLimit = p.Choice.TrainerLimit()
		training = p.Describe()
		if !p.Choice.Learns() && n.lrn == nil {
			n.lrn = rolloutsOnly{}
		}
	}
	if n.lrn == nil {
		tr, err := train.New(deps.Model, nil, tcfg)
		if err != nil {
			return nil, fmt.Errorf("node: %w", err)
		}
		n.lrn = &trainerLearner{tr}
		if fb := tr.DeviceFallback(); fb != "" {
			training += " (" + fb + ")" // the model rolls out on a device but trains on the CPU
		}
	}
	n.stops = deps.Tokenizer.EOSIDs()
	n.imEnd = -1
	if id, ok := deps.Tokenizer.TokenID("<|im_end|>"); ok && id < deps.Model.Config.VocabSize {
		n.imEnd = id
	} else if len(n.stops) > 0 {
		n.imEnd = n.stops[0]
	}
	n.snap = Snapshot{PeerID: deps.PeerID, State: StateIdle, Submitting: true, Training: training}
	return n, nil
}

// Events is the one channel the UI binds to: state and phase changes, round results, the peers
// of each round and errors the node survived. It is closed when Run returns.
func (n *Node) Events() <-chan Event { return n.events }

// State returns a snapshot of the node's status.
func (n *Node) State() Snapshot {
	n.mu.Lock()
	defer n.mu.Unlock()
	s := n.snap
	s.DroppedEvents = n.dropped.Load()
	s.Submitting = n.sub
	if s.Last != nil {
		m := *s.Last
		s.Last = &m
	}
	return s
}

// Pause stops the node at its next safe point (see the package doc): the current question's
// generation or the optimizer step finishes, a gather or a wait for the next round ends at
// once. The round's work stays in memory and Resume continues it. Pausing twice is harmless.
func (n *Node) Pause() {
	n.gate.set(holdPaused, true)
	n.update(func(s *Snapshot) { s.Paused = true })
}

// Resume continues after Pause.
func (n *Node) Resume() {
	n.gate.set(holdPaused, false)
	n.update(func(s *Snapshot) { s.Paused = false })
}

// update changes the snapshot under the lock.
func (n *Node) update(f func(*Snapshot)) {
	n.mu.Lock()
	defer n.mu.Unlock()
	f(&n.snap)
}

// emit sends an event without ever blocking the loop.
func (n *Node) emit(e Event) {
	if e.Time.IsZero() {
		e.Time = n.deps.now()
	}
	select {
	case n.events <- e:
	default:
		n.dropped.Add(1)
	}
}

func (n *Node) setState(s State) {
	n.mu.Lock()
	changed := n.snap.State != s
	n.snap.State = s
	round := n.snap.Round
	n.mu.Unlock()
	if changed {
		n.emit(Event{Kind: EventState, State: s, Round: round})
	}
}

func (n *Node) setPhase(round uint64, p Phase) {
	n.mu.Lock()
	n.snap.Phase, n.snap.Round = p, round
	n.mu.Unlock()
	n.emit(Event{Kind: EventPhase, Phase: p, Round: round})
}

// problem reports an error the node survives.
func (n *Node) problem(err error) {
	n.mu.Lock()
	n.snap.LastError = err.Error()
	n.snap.Errors++
	round := n.snap.Round
	n.mu.Unlock()
	n.log().Warn(err.Error(), "round", round)
	n.emit(Event{Kind: EventError, Err: err.Error(), Round: round})
}

func (n *Node) submitting() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.sub
}

func (n *Node) setSubmitting(on bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sub = on
}

func (n *Node) log() *slog.Logger { return n.deps.Logger }

// at runs the test hook for a named point of the loop; its error ends Run on the spot, the
// way a crash would (nothing after it is written).
func (n *Node) at(point string) error {
	if n.deps.hook == nil {
		return nil
	}
	return n.deps.hook(point)
}

// syncSnapshot copies the persistent state into the snapshot.
func (n *Node) syncSnapshot() {
	st := n.st
	steps := n.lrn.Steps()
	n.update(func(s *Snapshot) {
		s.NextRound = st.NextRound
		s.RoundsPlayed = st.Played
		s.BatchSignal = st.Batch.Signal
		s.PendingSubmissions = len(st.Pending)
		s.Steps = steps
	})
}

// saveState writes state.json with the next sequence number.
func (n *Node) saveState() error {
	n.st.Seq++
	if err := saveStateFile(n.deps.DataDir, n.st); err != nil {
		return err
	}
	n.syncSnapshot()
	return nil
}

// holdContext is gate.holdContext for the node's gate.
func (n *Node) holdContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return n.gate.holdContext(ctx)
}
