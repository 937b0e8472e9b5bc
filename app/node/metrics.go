package node

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// RoundsFile is the JSONL log of per-round metrics inside the node's data folder.
const RoundsFile = "rounds.jsonl"

// RoundMetrics is what one round did; one line of rounds.jsonl, one EventRound, and the source of
// the Prometheus gauges.
type RoundMetrics struct {
	Round   uint64    `json:"round"`
	Time    time.Time `json:"time"`
	Skipped uint64    `json:"skipped"` // chain rounds skipped before this one (the node was slower)

	Questions int     `json:"questions"`
	Answers   int     `json:"answers"` // own answers
	Reward    float64 `json:"reward"`  // mean total reward of own answers
	Format    float64 `json:"format"`  // mean format part
	Correct   float64 `json:"correct"` // mean correctness part
	// RewardByTask is the mean own reward per task of the round.
	RewardByTask map[string]float64 `json:"reward_by_task"`
	AnswerTokens float64            `json:"answer_tokens"` // mean own answer length
	GenTokPerS   float64            `json:"gen_tok_per_s"` // generation speed, all answers together

	Shared       bool `json:"shared"`        // published and gathered (false when peers had moved on)
	Published    int  `json:"published"`     // own question groups shared
	PeersSeen    int  `json:"peers_seen"`    // distinct peers whose answers arrived
	PeerRollouts int  `json:"peer_rollouts"` // peer question groups received
	// PeerRolloutsFrom is PeerRollouts by the peer that wrote them, so a lost rollout between
	// two nodes shows in their files (the fault tests compare it with what each published).
	PeerRolloutsFrom map[string]int `json:"peer_rollouts_from,omitempty"`
	// PublishedAt is when the last own rollout went out, GatheredAt when gathering ended:
	// whether a rollout could have reached a peer in time is one compared with the other.
	PublishedAt time.Time `json:"published_at,omitzero"`
	GatheredAt  time.Time `json:"gathered_at,omitzero"`
	Rejected    int       `json:"rejected"`    // of those, refused by the checks
	Adopted     int       `json:"adopted"`     // peer groups trained on
	PeerReward  float64   `json:"peer_reward"` // mean reward of valid peer answers, scored here

	Trained      bool    `json:"trained"`
	Step         int64   `json:"step"` // optimizer steps after this round
	Loss         float64 `json:"loss"`
	GradNorm     float64 `json:"grad_norm"`
	ClipFraction float64 `json:"clip_fraction"`
	TrainTokPerS float64 `json:"train_tok_per_s"`
	TrainError   string  `json:"train_error,omitempty"`

	// Signal is this round's contribution to the on-chain reward: rl-swarm's (Σ own rewards)+1
	// when positive, else 0.
	Signal float64 `json:"signal"`
	// Submitted is set when this round closed a batch: what goes to the chain.
	Submitted *Submission `json:"submitted,omitempty"`

	// CheckpointBytes is what checkpoints that ended during this round wrote (0 for most
	// rounds: see Config.CheckpointAfter). DiskWrittenPerDay is what the node wrote in the 24
	// hours before the round ended, DiskUsed what its checkpoints take on disk.
	CheckpointBytes   int64 `json:"checkpoint_bytes"`
	DiskWrittenPerDay int64 `json:"disk_written_per_day"`
	DiskUsed          int64 `json:"disk_used_bytes"`

	// Phases is the wall time of each phase in seconds.
	Phases map[Phase]float64 `json:"phase_seconds"`
}

// Submission is one batch's reward and vote for the chain.
type Submission struct {
	Round   uint64   `json:"round"`
	Reward  int64    `json:"reward"`
	Winners []string `json:"winners"`
}

// roundLog appends RoundMetrics to rounds.jsonl, one fsynced line per round, so the history
// survives crashes (at worst the last line is torn, and ReadRounds skips it).
type roundLog struct {
	f *os.File
}

func openRoundLog(dir string) (*roundLog, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("metrics log: %w", err)
	}
	path := filepath.Join(dir, RoundsFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("metrics log: %w", err)
	}
	// A crash mid-write leaves a line without its newline; start the next record on its own line.
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, st.Size()-1); err == nil && last[0] != '\n' {
			_, _ = f.Write([]byte{'\n'})
		}
	}
	return &roundLog{f: f}, nil
}

func (l *roundLog) append(m RoundMetrics) (written int64, err error) {
	b, err := json.Marshal(m)
	if err != nil {
		return 0, fmt.Errorf("metrics log: encode: %w", err)
	}
	if _, err := l.f.Write(append(b, '\n')); err != nil {
		return 0, fmt.Errorf("metrics log: %w", err)
	}
	if err := l.f.Sync(); err != nil {
		return 0, fmt.Errorf("metrics log: %w", err)
	}
	return int64(len(b)) + 1, nil
}

func (l *roundLog) close() error { return l.f.Close() }

// lastRound returns the round of the last complete line of the log (ok false when none).
func (l *roundLog) lastRound() (round uint64, ok bool) {
	st, err := l.f.Stat()
	if err != nil || st.Size() == 0 {
		return 0, false
	}
	off := max(0, st.Size()-maxRoundLine)
	buf := make([]byte, st.Size()-off)
	if _, err := l.f.ReadAt(buf, off); err != nil && !errors.Is(err, io.EOF) {
		return 0, false
	}
	lines := bytes.Split(bytes.TrimRight(buf, "\n"), []byte{'\n'})
	for i := len(lines) - 1; i >= 0; i-- {
		var m struct {
			Round *uint64 `json:"round"`
		}
		if json.Unmarshal(lines[i], &m) == nil && m.Round != nil {
			return *m.Round, true
		}
	}
	return 0, false
}

// maxRoundLine caps one JSONL line ReadRounds accepts.
const maxRoundLine = 1 << 20

// ReadRounds reads a rounds.jsonl file (for the app's history chart and for tests). Lines that
// do not parse — a line torn by a crash — are skipped and counted.
func ReadRounds(path string) (rounds []RoundMetrics, skipped int, err error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("read metrics log: %w", err)
	}
	defer f.Close()
	return readRounds(f)
}

func readRounds(r io.Reader) ([]RoundMetrics, int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxRoundLine)
	var out []RoundMetrics
	skipped := 0
	for sc.Scan() {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var m RoundMetrics
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			skipped++
			continue
		}
		out = append(out, m)
	}
	if err := sc.Err(); err != nil {
		return out, skipped, fmt.Errorf("read metrics log: %w", err)
	}
	return out, skipped, nil
}
