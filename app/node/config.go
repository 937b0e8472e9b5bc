package node

import (
	"fmt"
	"time"

	"github.com/swarmdesk/swarmdesk/app/config"
	"github.com/swarmdesk/swarmdesk/app/tasks"
	"github.com/swarmdesk/swarmdesk/engine/train"
	"github.com/swarmdesk/swarmdesk/platform"
)

// Config is what the node does each round. DefaultConfig gives rl-swarm's settings; New fills
// zero fields where zero is meaningless (Adopt 0 does mean "train on own answers only").
type Config struct {
	Questions    int       // own questions per round [2]
	Answers      int       // answers per question, the GRPO group [2]
	Adopt        int       // peers' question groups adopted per round (SAPO's J) [2 in DefaultConfig]
	MaxNewTokens int       // longest answer in tokens [256]
	Temperature  float32   // sampling temperature [1.0, rl-swarm]; GRPO needs varied answers
	Level        int       // question difficulty 1..5; 0 = each question's level drawn 1..5
	Mix          tasks.Mix // task weights; nil = every registered task equally

	// GatherTimeout bounds how long a round waits for peers' answers; gathering ends sooner
	// once every connected peer that trains has shared [30s].
	GatherTimeout time.Duration
	// SubmitEvery batches the on-chain reward and vote: 0 submits after every round (the
	// default here), rl-swarm waits 3 hours between submissions.
	SubmitEvery time.Duration
	// CheckpointAfter is how much training (time spent in optimizer steps) goes by between
	// full checkpoints of the weights and optimizer [30min]; 0 or less checkpoints after every
	// round. A crash loses at most that much training: the node's own state (rounds, rewards,
	// votes, submissions) is saved every round regardless. The node also checkpoints when it
	// pauses, when it stops, and when asked (Node.Checkpoint). Counting training time rather
	// than wall time bounds what a crash can cost while keeping a 0.5B model's 5.9 GB
	// checkpoints to a few a day at rl-swarm's pace (see DiskWritesPerDay).
	CheckpointAfter time.Duration
	// CheckpointKeep is how many complete model checkpoints are kept on disk [1]; while a new
	// one is written the previous ones stay, so the disk holds CheckpointKeep+1 at most.
	CheckpointKeep int
	// PollMin and PollMax bound the exponential back-off while waiting for the chain's next
	// round [1s, 5s] (rl-swarm: 5s to 15min, which can make a node miss short rounds); one
	// eth_call per poll is cheap next to a round.
	PollMin, PollMax time.Duration
	// SubmitTimeout bounds one chain submission; an unfinished one stays queued [2min].
	SubmitTimeout time.Duration
	// StopGrace is how long a submission already under way may still take once Run's context
	// is cancelled (Ctrl-C, quitting the app) [20s]: a stop right after a round then does not
	// leave that round's reward queued for the next run. Nothing new is sent after a stop.
	StopGrace time.Duration

	// ACPowerOnly pauses the node while the computer runs on battery, where the OS tells
	// (see platform.OnACPower); PowerCheckEvery is how often it looks [30s].
	ACPowerOnly     bool
	PowerCheckEvery time.Duration

	// IdleOnly pauses the node while someone uses the computer: it trains only once keyboard
	// and mouse have been idle for IdleAfter [5min], where the OS tells (see platform.UserIdle; where it
	// does not, the node trains regardless). IdleCheckEvery is how often it looks [10s]; a
	// user coming back is noticed within that and honoured at the next safe point.
	IdleOnly       bool
	IdleAfter      time.Duration
	IdleCheckEvery time.Duration

	// PrometheusAddr, if set, serves Prometheus text metrics there (loopback only).
	PrometheusAddr string

	// MaxPeerRollouts caps the peer rollouts examined per round, bounding the CPU a flood of
	// valid-looking rollouts can cost [256].
	MaxPeerRollouts int

	// Train configures the optimizer, the GRPO loss and the memory cap of a step. Its
	// MemoryLimit is the whole process's budget (resources.memory_limit_mb, or a safe share of
	// the machine): Plan sizes the model, the trainer and the rest of the node to fit it.
	Train train.Config

	// PhasePause (debug.phase_pause_ms, fault tests only) sleeps this long at fixed points
	// inside generation, the training step and the submission, logging each ("fault point"),
	// so a test's kill -9 at a random moment lands inside those phases. 0 = off.
	PhasePause time.Duration

	// Mode is what the node trains (training.mode): train.ModeAuto [default], ModeFull or
	// ModeLoRA; LoRARank is the adapters' rank, or in auto mode the highest rank tried (0 =
	// the largest that fits). See Plan.
	Mode     train.Mode
	LoRARank int
}

// DefaultConfig is rl-swarm's round: 2 questions × 2 answers, 2 adopted peer groups, up to 256
// new tokens at temperature 1, submitting every round.
func DefaultConfig() Config {
	return Config{Questions: 2, Answers: 2, Adopt: 2, MaxNewTokens: 256, Temperature: 1,
		GatherTimeout: 30 * time.Second, CheckpointAfter: 30 * time.Minute, CheckpointKeep: 1}
}

// withDefaults fills the zero fields that have no meaning of their own.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	def := func(v *int, dv int) {
		if *v <= 0 {
			*v = dv
		}
	}
	def(&c.Questions, d.Questions)
	def(&c.Answers, d.Answers)
	def(&c.MaxNewTokens, d.MaxNewTokens)
	def(&c.CheckpointKeep, d.CheckpointKeep)
	def(&c.MaxPeerRollouts, 256)
	if c.Temperature <= 0 {
		c.Temperature = d.Temperature
	}
	dur := func(v *time.Duration, dv time.Duration) {
		if *v <= 0 {
			*v = dv
		}
	}
	dur(&c.GatherTimeout, d.GatherTimeout)
	dur(&c.PollMin, time.Second)
	dur(&c.PollMax, 5*time.Second)
	dur(&c.SubmitTimeout, 2*time.Minute)
	dur(&c.StopGrace, 20*time.Second)
	dur(&c.PowerCheckEvery, 30*time.Second)
	dur(&c.IdleAfter, 5*time.Minute)
	dur(&c.IdleCheckEvery, 10*time.Second)
	c.PollMax = max(c.PollMax, c.PollMin)
	if c.Mix == nil {
		c.Mix = tasks.DefaultMix()
	}
	if c.Mode == "" {
		c.Mode = train.ModeAuto
	}
	return c
}

// validate rejects settings the loop cannot work with.
func (c Config) validate() error {
	switch {
	case c.Answers < 2:
		return fmt.Errorf("node config: %d answers per question; GRPO compares answers to one question, so it needs at least 2", c.Answers)
	case c.Adopt < 0:
		return fmt.Errorf("node config: adopt %d peer groups; want 0 or more", c.Adopt)
	case c.Level != 0 && !tasks.ValidLevel(c.Level):
		return fmt.Errorf("node config: level %d; want 0 (mixed) or %d..%d", c.Level, tasks.MinLevel, tasks.MaxLevel)
	case c.Mode != train.ModeAuto && c.Mode != train.ModeFull && c.Mode != train.ModeLoRA:
		return fmt.Errorf("node config: training mode %q; want auto, full or lora", c.Mode)
	case c.LoRARank < 0:
		return fmt.Errorf("node config: LoRA rank %d; want 0 (the largest that fits) or more", c.LoRARank)
	case c.SubmitEvery < 0:
		return fmt.Errorf("node config: negative submit interval %s", c.SubmitEvery)
	}
	if err := c.Mix.Validate(); err != nil {
		return fmt.Errorf("node config: %w", err)
	}
	return nil
}

// ConfigFrom maps the app's settings onto the node, so the desktop app and `swarmdesk run
// --headless` run the very same node from the same config file.
func ConfigFrom(c config.Config) (Config, error) {
	mix, err := tasks.ParseMix(c.Training.Tasks)
	if err != nil {
		return Config{}, fmt.Errorf("training.tasks: %w", err)
	}
	nc := DefaultConfig()
	nc.Questions = c.Training.Questions
	nc.Answers = c.Training.Answers
	nc.Adopt = c.Training.Adopt
	nc.MaxNewTokens = c.Training.MaxNewTokens
	nc.Level = c.Training.Level
	nc.Mix = mix
	nc.GatherTimeout = time.Duration(c.Training.GatherSeconds) * time.Second
	nc.SubmitEvery = time.Duration(c.Training.SubmitMinutes) * time.Minute
	nc.CheckpointAfter = time.Duration(c.Training.CheckpointMinutes) * time.Minute
	nc.ACPowerOnly = c.Resources.ACPowerOnly
	nc.IdleOnly = c.Resources.IdleOnly
	nc.IdleAfter = time.Duration(c.Resources.IdleMinutes) * time.Minute
	nc.PrometheusAddr = c.Metrics.PrometheusAddr
	nc.PhasePause = time.Duration(c.Debug.PhasePauseMS) * time.Millisecond
	nc.Mode, nc.LoRARank = train.Mode(c.Training.Mode), c.Training.LoRARank
	nc.Train = train.Config{Optim: train.DefaultOptimConfig(), MemoryLimit: int64(c.Resources.MemoryLimitMB) << 20}
	if nc.Train.MemoryLimit == 0 {
		nc.Train.MemoryLimit = platform.DefaultMemoryLimit()
	}
	nc = nc.withDefaults()
	if err := nc.validate(); err != nil {
		return Config{}, err
	}
	return nc, nil
}
