package node

import "time"

// State is what the node as a whole is doing, for the app's status line.
type State string

// Node states.
const (
	StateIdle      State = "idle"       // created, Run not called yet
	StateStarting  State = "starting"   // restoring the checkpoint, registering on chain
	StateRunning   State = "running"    // playing a round
	StateWaiting   State = "waiting"    // round done, waiting for the chain's next round
	StatePaused    State = "paused"     // paused by the user (Pause)
	StateOnBattery State = "on-battery" // paused because resources.ac_power_only and on battery
	// StateUserActive: paused because resources.idle_only and someone used the keyboard or
	// mouse within resources.idle_minutes; training resumes by itself once the computer has
	// been idle that long. Where the OS does not report idle time the node never enters it.
	StateUserActive State = "user-active"
	StateStopped    State = "stopped" // Run returned
)

// Held reports whether s is one of the states in which the node holds at a safe point — the
// user's Pause or a resource policy (battery, user activity) — so a consumer need not list
// them all and picks up any added later.
func (s State) Held() bool {
	switch s {
	case StatePaused, StateOnBattery, StateUserActive:
		return true
	}
	return false
}

// Phase is the step of the round being played.
type Phase string

// Round phases, in order.
const (
	PhaseNone       Phase = ""
	PhaseWait       Phase = "wait"       // waiting for the chain's round
	PhaseGenerate   Phase = "generate"   // the model answers the node's questions
	PhasePublish    Phase = "publish"    // sharing the answers with peers
	PhaseGather     Phase = "gather"     // collecting peers' answers
	PhaseScore      Phase = "score"      // verifying and scoring everything, choosing what to adopt
	PhaseTrain      Phase = "train"      // the GRPO step
	PhaseCheckpoint Phase = "checkpoint" // saving weights, optimizer and node state
	PhaseSubmit     Phase = "submit"     // sending the reward and vote to the chain
)

// EventKind says which fields of an Event are set.
type EventKind string

// Event kinds.
const (
	EventState EventKind = "state" // State changed
	EventPhase EventKind = "phase" // Phase changed (Round is the round played)
	EventRound EventKind = "round" // a round finished: Metrics
	EventPeers EventKind = "peers" // who shared in the round: Peers
	EventError EventKind = "error" // a problem the node survived: Err
)

// Event is one thing the UI (or the headless log) may want to show. The node never blocks on
// the consumer: when the channel is full, events are dropped and counted (Snapshot.DroppedEvents).
type Event struct {
	Kind    EventKind
	Time    time.Time
	Round   uint64
	State   State
	Phase   Phase
	Metrics *RoundMetrics
	Peers   []PeerSeen
	Err     string
}

// PeerSeen is one peer that shared answers in a round, as this node judged them.
type PeerSeen struct {
	ID       string
	Name     string  // rl-swarm's three-word name
	Rollouts int     // question groups received
	Valid    int     // of those, how many passed every check
	Adopted  int     // of those, how many this node trained on
	Reward   float64 // mean reward of its valid answers, scored by this node
}

// Snapshot is the node's current status, safe to read from any goroutine.
type Snapshot struct {
	PeerID     string
	State      State
	Phase      Phase
	Round      uint64 // the round being played, or the last one played
	ChainRound uint64 // the coordinator's round when last read
	// NextRound is the first round the node has not played yet.
	NextRound    uint64
	RoundsPlayed uint64
	Paused       bool
	Steps        int64 // optimizer steps taken (from the checkpoint on)
	// BatchSignal is the reward collected since the last submission (rl-swarm's batched signal).
	BatchSignal float64
	// PendingSubmissions are rewards/votes decided but not yet confirmed on chain.
	PendingSubmissions int
	// Submitting is false when the network profile is read-only (or there is no key).
	Submitting    bool
	Last          *RoundMetrics
	LastError     string
	Errors        uint64
	DroppedEvents uint64
	MetricsAddr   string // where the Prometheus endpoint listens, when on
	// Training says what the node trains and why, in a sentence: the full model, LoRA adapters
	// of a rank, or rollouts only (the memory plan, see Plan).
	Training string

	// Checkpointing is true while a checkpoint is written in the background.
	Checkpointing bool
	// CheckpointStep, CheckpointBytes and CheckpointTime describe the newest checkpoint this
	// run wrote (before the first, CheckpointBytes is the estimate and the others are zero).
	CheckpointStep  int64
	CheckpointBytes int64
	CheckpointTime  time.Time
	// DiskWrittenPerDay is what the node wrote to disk in the last 24 hours (checkpoints,
	// state, round log), DiskWrittenTotal since it started, DiskUsed what its checkpoints
	// take now. DiskFree is the space left on their disk when DiskFreeKnown; DiskLow is set
	// while it is less than the next checkpoint needs (the node has warned).
	DiskWrittenPerDay int64
	DiskWrittenTotal  int64
	DiskUsed          int64
	DiskFree          int64
	DiskFreeKnown     bool
	DiskLow           bool
}
