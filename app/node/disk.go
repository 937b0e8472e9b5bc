package node

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"time"

	"github.com/swarmdesk/swarmdesk/platform"
)

// diskDay is the window disk writes are summed over.
const diskDay = 24 * time.Hour

// diskWrites sums what the node wrote (checkpoints, state.json, rounds.jsonl) over the last
// day, so a participant sees what the node costs their SSD. The clock is the node's (tests
// inject one to play a simulated day).
type diskWrites struct {
	events []diskWrite // within the last day, oldest first
	total  int64       // since the node started
}

type diskWrite struct {
	at    time.Time
	bytes int64
}

func (d *diskWrites) wrote(now time.Time, bytes int64) {
	if bytes <= 0 {
		return
	}
	d.total += bytes
	d.events = append(d.events, diskWrite{now, bytes})
	d.trim(now)
}

func (d *diskWrites) trim(now time.Time) {
	k := 0
	for k < len(d.events) && now.Sub(d.events[k].at) >= diskDay {
		k++
	}
	d.events = d.events[k:]
}

// lastDay is the bytes written in the day before now.
func (d *diskWrites) lastDay(now time.Time) int64 {
	d.trim(now)
	s := int64(0)
	for _, e := range d.events {
		s += e.bytes
	}
	return s
}

// DirBytes is the size of every file under dir (0 for a missing folder).
func DirBytes(dir string) int64 {
	total := int64(0)
	_ = filepath.WalkDir(dir, func(_ string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return nil
		}
		if info, err := e.Info(); err == nil {
			total += info.Size()
		}
		return nil
	})
	return total
}

// refreshDisk updates the disk figures of the snapshot and warns, once until it recovers,
// when the disk holding the checkpoints has less free space than the next checkpoint needs
// plus a margin: the previous checkpoint is only deleted after the new one is complete, so a
// full disk would otherwise be found only by a failed save (which keeps the old one and says
// so, see train.Save).
func (n *Node) refreshDisk() {
	now := n.deps.now()
	used := DirBytes(n.deps.CheckpointDir)
	free, known := n.deps.diskFree(n.deps.CheckpointDir)
	if !known {
		free, known = n.deps.diskFree(n.deps.DataDir)
	}
	need := n.ckptSize() + n.ckptSize()/2
	low := known && need > 0 && int64(free) < need
	if low && !n.diskLow {
		n.problem(fmt.Errorf("the disk holding %s has %s free, and the next model checkpoint needs about %s (%s with a margin); free some disk space, or training since the last checkpoint will be lost in a crash",
			n.deps.CheckpointDir, gb(int64(free)), gb(n.ckptSize()), gb(need)))
	}
	n.diskLow = low
	perDay := n.disk.lastDay(now)
	n.update(func(s *Snapshot) {
		s.DiskWrittenPerDay, s.DiskWrittenTotal, s.DiskUsed = perDay, n.disk.total, used
		s.DiskFree, s.DiskFreeKnown, s.DiskLow = int64(free), known, low
	})
}

// ckptSize is the size of a checkpoint: the last one written, or the estimate.
func (n *Node) ckptSize() int64 {
	if b := n.State().CheckpointBytes; b > 0 {
		return b
	}
	return n.lrn.CheckpointBytes()
}

// gb renders bytes for messages.
func gb(b int64) string {
	if b < 1<<30 {
		return fmt.Sprintf("%.0f MB", float64(b)/1e6)
	}
	return fmt.Sprintf("%.1f GB", float64(b)/1e9)
}

// DiskWritesPerDay is what checkpoints cost the disk in a day (bytes), for the settings to
// show next to training.checkpoint_minutes: a checkpoint of ckptBytes after every
// checkpointAfter of training (after every round when ≤ 0), for a node that plays a round every
// roundEvery and spends trainPerRound of it in the optimizer step. Pauses and stops add a
// checkpoint each.
func DiskWritesPerDay(ckptBytes int64, checkpointAfter, roundEvery, trainPerRound time.Duration) int64 {
	if ckptBytes <= 0 || roundEvery <= 0 {
		return 0
	}
	rounds := float64(diskDay) / float64(roundEvery)
	if checkpointAfter <= 0 || trainPerRound <= 0 {
		return int64(rounds * float64(ckptBytes))
	}
	perDay := rounds * float64(trainPerRound) / float64(checkpointAfter)
	return int64(min(perDay, rounds) * float64(ckptBytes))
}

// diskFreeFunc reports free bytes on the disk holding a folder (platform.DiskFree).
type diskFreeFunc func(path string) (uint64, bool)

var _ diskFreeFunc = platform.DiskFree

// rlSwarmRound is rl-swarm's pace, assumed until the node has played rounds to measure.
const rlSwarmRound = 5 * time.Minute

// CheckpointCostText says in words what checkpointing every minutes of training costs the disk,
// for the settings screen: the size of one checkpoint (ckptBytes: Snapshot.CheckpointBytes) and
// the writes a day at this computer's pace, measured from history (rounds.jsonl: the time
// between rounds and the optimizer step's share) or rl-swarm's 5-minute rounds before any.
func CheckpointCostText(ckptBytes int64, minutes int, history []RoundMetrics) string {
	if ckptBytes <= 0 {
		return "Each checkpoint holds the model and its optimizer state; its size is known once the model is loaded."
	}
	roundEvery, train := pace(history)
	after := time.Duration(minutes) * time.Minute
	perDay := DiskWritesPerDay(ckptBytes, after, roundEvery, train)
	if train <= 0 {
		return fmt.Sprintf("Each checkpoint writes %s. After every round that is up to %s a day; the actual figure depends on how long this computer's training steps take (shown once it has played rounds).",
			gb(ckptBytes), gb(perDay))
	}
	return fmt.Sprintf("Each checkpoint writes %s: about %s of disk writes a day at this computer's pace (a round every %s, %s of training each). Pausing or quitting adds one.",
		gb(ckptBytes), gb(perDay), roundEvery.Round(time.Second), train.Round(time.Second))
}

// pace is the median time between the last rounds and the median time of their optimizer
// step, from history (rl-swarm's round and no step time when there is too little of it).
func pace(history []RoundMetrics) (roundEvery, train time.Duration) {
	const recent = 20
	if len(history) > recent {
		history = history[len(history)-recent:]
	}
	var gaps, steps []float64
	for i, m := range history {
		if s := m.Phases[PhaseTrain]; m.Trained && s > 0 {
			steps = append(steps, s)
		}
		if i > 0 {
			if d := m.Time.Sub(history[i-1].Time).Seconds(); d > 0 && m.Round > history[i-1].Round {
				gaps = append(gaps, d/float64(m.Round-history[i-1].Round))
			}
		}
	}
	roundEvery = rlSwarmRound
	if len(gaps) > 0 {
		roundEvery = time.Duration(median(gaps) * float64(time.Second))
	}
	if len(steps) > 0 {
		train = time.Duration(median(steps) * float64(time.Second))
	}
	return roundEvery, train
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// DiskText is the round's disk figures in words, for the dashboard.
func (m RoundMetrics) DiskText() string {
	return fmt.Sprintf("disk: %s written in the last 24 h, checkpoints take %s", gb(m.DiskWrittenPerDay), gb(m.DiskUsed))
}
