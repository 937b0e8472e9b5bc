package soak

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// figures are what the soak prints and keeps in test-output/soak/.
type figures struct {
	size      size
	seed      uint64
	base, end uint64

	nodeRounds, runNodeRounds, unsubmitted int
	lives                                  int
	rewards, votes, rewardErrs, voteErrs   int
	queued                                 int // submissions left queued by the final stop

	planned, landed  map[string]int
	kills, skipped   int
	recovered        int
	backIn           []time.Duration
	landings         []string
	hostRestarts     []hostRestart
	fileChecks, torn int
	fileProblems     []string

	published, received        int
	pairRounds, pairSent, lost int
	late                       int // missing because the receiver's gather ran to its deadline
	afterGather                int // missing because the sender published after the receiver stopped gathering
	hostMissed                 int // missing in the rounds of a host restart
	cutRounds, cutReceived     int
	accepted, duplicates       float64
	drops                      map[string]float64
}

func (f *figures) table() string {
	var b strings.Builder
	w := func(k, format string, a ...any) { fmt.Fprintf(&b, "%-44s %s\n", k, fmt.Sprintf(format, a...)) }
	w("soak", "%d nodes × %d rounds of %s, seed %d, phase pause %s", f.size.Nodes, f.size.Rounds, f.size.Round, f.seed, f.size.Pause)
	w("rounds played (chain)", "%d (rounds %d-%d)", f.end-f.base, f.base+1, f.end)
	w("node-rounds committed (in the run / all)", "%d / %d", f.runNodeRounds, f.nodeRounds)
	w("process lives (starts)", "%d", f.lives)
	w("kills planned by phase", "%s", kv(f.planned))
	w("kills done / skipped", "%d / %d", f.kills, f.skipped)
	w("kills landed in", "%s", kv(f.landed))
	w("recoveries back within one round", "%d of %d", f.recovered, f.kills)
	if len(f.backIn) > 0 {
		bs := slices.Clone(f.backIn)
		slices.Sort(bs)
		w("restart to first round (median / max)", "%.1fs / %.1fs", bs[len(bs)/2].Seconds(), bs[len(bs)-1].Seconds())
	}
	for _, h := range f.hostRestarts {
		w("host restarted (SIGINT, same folder)", "at chain round %d, down %.1fs", h.Round, h.Downtime.Seconds())
	}
	cut := f.base + uint64(f.size.CutFrom)
	w("cut off", "node %d, chain rounds %d-%d; %d whole cut rounds played, %d rollouts received in them",
		f.size.Nodes-1, cut, cut+uint64(f.size.CutRounds)-1, f.cutRounds, f.cutReceived)
	w("rewards on chain exactly once / errors", "%d / %d", f.rewards, f.rewardErrs)
	w("votes on chain exactly once / errors", "%d / %d", f.votes, f.voteErrs)
	w("submissions queued at the final stop", "%d (in state.json for the next run, not on chain twice)", f.queued)
	w("file checks (after kills and at the end)", "%d, unreadable %d, torn round-log lines %d", f.fileChecks, len(f.fileProblems), f.torn)
	w("rollouts published / received (rounds.jsonl)", "%d / %d", f.published, f.received)
	w("connected pairs × rounds compared", "%d, %d rollouts sent between them, %d lost", f.pairRounds, f.pairSent, f.lost)
	w("  not in the receiver's round, not lost", "%d after its gather deadline (a slow sender), %d sent as (or after) its gather ended (within %s), %d in the host's restart rounds",
		f.late, f.afterGather, deliverWithin, f.hostMissed)
	w("swarm accepted / duplicates (metrics)", "%.0f / %.0f", f.accepted, f.duplicates)
	drops := map[string]int{}
	for r, v := range f.drops {
		if v > 0 {
			drops[r] = int(v)
		}
	}
	w("drops by reason (metrics)", "%s", kv(drops))
	b.WriteString("\nkills:\n")
	for _, l := range f.landings {
		b.WriteString("  " + l + "\n")
	}
	return b.String()
}

func kv(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

// write prints the table and keeps it (and the logs' folder name) in test-output/soak/.
func (f *figures) write(t *testing.T, s *soak) {
	tab := f.table()
	t.Logf("figures:\n%s", tab)
	dir := filepath.Join("..", "..", "test-output", "soak")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Log(err)
		return
	}
	name := fmt.Sprintf("figures-%dx%d-seed%d.txt", f.size.Nodes, f.size.Rounds, f.seed)
	hdr := fmt.Sprintf("# %s, logs in %s (removed after the test unless it failed)\n", time.Now().UTC().Format(time.RFC3339), s.dir)
	if err := os.WriteFile(filepath.Join(dir, name), []byte(hdr+tab), 0o644); err != nil {
		t.Log(err)
	}
}

// keepLogs copies the processes' logs to test-output/soak/ when the test failed, before the
// temporary folder goes: registered as a cleanup at the start, so a run that stops early
// (a node that died while starting) keeps them too.
func (s *soak) keepLogs() {
	t := s.t
	if !t.Failed() {
		return
	}
	keep := filepath.Join("..", "..", "test-output", "soak", fmt.Sprintf("logs-figures-%dx%d-seed%d", s.sz.Nodes, s.sz.Rounds, *seed))
	_ = os.RemoveAll(keep)
	if err := os.MkdirAll(keep, 0o755); err != nil {
		t.Log(err)
		return
	}
	logs, _ := filepath.Glob(filepath.Join(s.dir, "*.log"))
	for _, l := range logs {
		if b, err := os.ReadFile(l); err == nil {
			_ = os.WriteFile(filepath.Join(keep, filepath.Base(l)), b, 0o644)
		}
	}
	t.Logf("the processes' logs are in %s", keep)
}
