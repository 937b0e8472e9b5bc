package node

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/config"
	"github.com/swarmdesk/swarmdesk/app/swarm"
	"github.com/swarmdesk/swarmdesk/app/tasks"
)

func TestRoundSignal(t *testing.T) {
	tests := []struct {
		own  []float64
		want float64
	}{
		{nil, 0},
		{[]float64{0, 0, 0, 0}, 0},
		{[]float64{0.2, 0, 1.2, 0}, 2.4}, // rl-swarm: sum + 1 when positive
		{[]float64{1.2, 1.2, 1.2, 1.2}, 5.8},
	}
	for _, tt := range tests {
		if got := roundSignal(tt.own); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("roundSignal(%v) = %v, want %v", tt.own, got, tt.want)
		}
	}
}

func TestBatch(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var b batch
	if b.due(t0, 0) {
		t.Fatal("an empty batch is never due")
	}
	b.add(t0, 2.4, map[string][]float64{"peerB": {1.2, 0}, "peerA": {0.2, 0.2}})
	b.add(t0.Add(time.Hour), 1.6, map[string][]float64{"peerA": {1.2, 1.2}, "peerC": {}})
	switch {
	case !b.due(t0, 0):
		t.Fatal("with no interval every round is due")
	case b.due(t0.Add(59*time.Minute), 3*time.Hour) || !b.due(t0.Add(3*time.Hour), 3*time.Hour):
		t.Fatal("the interval counts from the batch's first round")
	case b.Rounds != 2 || b.Signal != 4 || b.Peers["peerA"].N != 4 || len(b.Peers) != 2:
		t.Fatalf("batch %+v", b)
	}
	// peerA: mean 0.7 over 4; peerB: mean 0.6 over 2.
	if w := b.winner("self"); w != "peerA" {
		t.Fatalf("winner %s, want the best mean (peerA)", w)
	}
	sub := b.close(9, "self")
	if sub.Round != 9 || sub.Reward != 4 || len(sub.Winners) != 1 || sub.Winners[0] != "peerA" || b.Rounds != 0 || b.Signal != 0 {
		t.Fatalf("close: %+v, batch after %+v", sub, b)
	}
	if w := b.winner("self"); w != "self" {
		t.Fatalf("with no peers the vote goes to self, got %s", w)
	}
	// The node's own ID never wins its vote, and ties go to the smaller ID.
	b.add(t0, 0, map[string][]float64{"self": {9}, "z": {1}, "y": {1}})
	if w := b.winner("self"); w != "y" {
		t.Fatalf("winner %s, want y", w)
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		err  error
		want outcome
	}{
		{nil, sentOK},
		{fmt.Errorf("submit: %w", chain.ErrRewardAlreadySubmitted), sentOK},
		{chain.ErrReadOnly, readOnly},
		{chain.ErrNoKey, readOnly},
		{fmt.Errorf("x: %w", chain.ErrInvalidVoterPeerId), rejected},
		{errors.New("dial tcp: connection refused"), retry},
		{context.DeadlineExceeded, retry},
	}
	for _, tt := range tests {
		if got := classify(tt.err, chain.ErrRewardAlreadySubmitted); got != tt.want {
			t.Errorf("classify(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

func TestStateFile(t *testing.T) {
	dir := t.TempDir()
	if _, ok, err := loadStateFile(dir); ok || err != nil {
		t.Fatal("no file must mean no state")
	}
	s := newState("peer")
	s.NextRound, s.Seq = 12, 4
	s.Batch.add(time.Now(), 3, map[string][]float64{"other": {1}})
	s.Pending = []pending{{Submission: Submission{Round: 11, Reward: 3, Winners: []string{"other"}}, RewardDone: true}}
	if err := saveStateFile(dir, s); err != nil {
		t.Fatal(err)
	}
	got, ok, err := loadStateFile(dir)
	if err != nil || !ok || got.NextRound != 12 || len(got.Pending) != 1 || !got.Pending[0].RewardDone || got.Batch.Peers["other"].N != 1 {
		t.Fatalf("round trip: %+v %v %v", got, ok, err)
	}
	bad := []string{
		`{"version":2}`,
		`{"version":1,"batch":{"signal":-1}}`,
		`{"version":1,"pending":[{"round":1,"winners":[]}]}`,
		`{"version":1,"pending":[{"round":1,"winners":["a","b"]}]}`,
		`[]`,
	}
	for _, b := range bad {
		if _, err := decodeState([]byte(b)); err == nil {
			t.Errorf("accepted %s", b)
		}
	}
	a, b := newState("me"), newState("me")
	a.Seq, b.Seq = 3, 5
	other := newState("someone else")
	other.Seq = 9
	if got, ok := newest("me", &a, nil, &b, &other); !ok || got.Seq != 5 {
		t.Fatalf("newest picked seq %d", got.Seq)
	}
	if _, ok := newest("me", &other); ok {
		t.Fatal("a state of another identity must not be resumed")
	}
}

func TestRoundLogSurvivesTornLines(t *testing.T) {
	dir := t.TempDir()
	l, err := openRoundLog(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := l.lastRound(); ok {
		t.Fatal("empty log has a last round")
	}
	for r := uint64(1); r <= 3; r++ {
		if _, err := l.append(RoundMetrics{Round: r}); err != nil {
			t.Fatal(err)
		}
	}
	l.close()
	path := filepath.Join(dir, RoundsFile)
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"round":4,"reward":0.`) // a crash mid-write
	f.Close()
	l, err = openRoundLog(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := l.lastRound(); !ok || r != 3 {
		t.Fatalf("last complete round %d %v, want 3", r, ok)
	}
	if _, err := l.append(RoundMetrics{Round: 4}); err != nil {
		t.Fatal(err)
	}
	l.close()
	rs, skipped, err := ReadRounds(path)
	if err != nil || skipped != 1 || len(rs) != 4 || rs[3].Round != 4 {
		t.Fatalf("read back %d rounds, %d skipped, %v", len(rs), skipped, err)
	}
	if rs, _, err := ReadRounds(filepath.Join(dir, "missing.jsonl")); err != nil || rs != nil {
		t.Fatal("a missing log is empty, not an error")
	}
}

func TestPromFormat(t *testing.T) {
	var buf bytes.Buffer
	s := Snapshot{ChainRound: 7, RoundsPlayed: 3, Steps: 3, State: StatePaused,
		DiskWrittenTotal: 12e9, DiskWrittenPerDay: 47e9, DiskUsed: 6e9, DiskFree: 1e9, DiskFreeKnown: true, DiskLow: true,
		Last: &RoundMetrics{
			Round: 6, Reward: 0.5, RewardByTask: map[string]float64{"dates": 0.25, "arithmetic": 1},
			Phases: map[Phase]float64{PhaseTrain: 1.5, PhaseGenerate: 2}, PeersSeen: 2,
		}}
	if err := writeProm(&buf, s); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"# TYPE swarmdesk_rounds_played_total counter\nswarmdesk_rounds_played_total 3\n",
		"swarmdesk_chain_round 7\n",
		"swarmdesk_paused 1\n",
		"swarmdesk_reward_mean 0.5\n",
		`swarmdesk_reward_by_task{task="arithmetic"} 1` + "\n",
		`swarmdesk_reward_by_task{task="dates"} 0.25` + "\n",
		`swarmdesk_phase_seconds{phase="generate"} 2` + "\n",
		"swarmdesk_peers_seen 2\n",
		"# TYPE swarmdesk_disk_written_bytes_total counter\nswarmdesk_disk_written_bytes_total 1.2e+10\n",
		"swarmdesk_disk_written_bytes_per_day 4.7e+10\n",
		"swarmdesk_disk_used_bytes 6e+09\n",
		"swarmdesk_disk_free_bytes 1e+09\n",
		"swarmdesk_disk_low 1\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.HasPrefix(line, "# ") && len(strings.Fields(line)) != 2 {
			t.Errorf("not a sample line: %q", line)
		}
	}
	if got := promEscape("a\"b\\c\nd"); got != `a\"b\\c\nd` {
		t.Errorf("escape: %s", got)
	}
}

// The node serves its metrics on a loopback address when asked, and only there.
func TestPromEndpoint(t *testing.T) {
	cfg := testConfig()
	cfg.PrometheusAddr = "127.0.0.1:0"
	n := fakeNode(t, cfg, newFakeChain(), &fakeExchange{}, t.TempDir(), nil)
	stop := runNode(n)
	defer stop()
	// Last is set just after NextRound (the round log is written in between): wait for both.
	waitFor(t, 20*time.Second, "round 0", func() bool {
		s := n.State()
		return s.NextRound == 1 && s.Last != nil && s.MetricsAddr != ""
	})
	resp, err := http.Get("http://" + n.State().MetricsAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "swarmdesk_round 0\n") || !strings.Contains(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("%d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	addr := n.State().MetricsAddr
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get("http://" + addr + "/metrics"); err == nil {
		t.Fatal("the endpoint outlived the node")
	}
	if _, err := startProm("0.0.0.0:0", n); err == nil {
		t.Fatal("a non-loopback metrics address was accepted")
	}
}

func TestConfigFrom(t *testing.T) {
	c := config.Default()
	c.Training.Tasks = "dates=2,sorting=1"
	c.Training.SubmitMinutes = 180
	c.Training.Adopt = 0
	c.Resources.MemoryLimitMB = 512
	nc, err := ConfigFrom(c)
	if err != nil {
		t.Fatal(err)
	}
	if nc.Questions != 2 || nc.Answers != 2 || nc.Adopt != 0 || nc.MaxNewTokens != 256 || nc.SubmitEvery != 3*time.Hour ||
		nc.Mix["dates"] != 2 || nc.Mix["sorting"] != 1 || len(nc.Mix) != 2 || nc.Train.MemoryLimit != 512<<20 || nc.GatherTimeout != 30*time.Second {
		t.Fatalf("%+v", nc)
	}
	c.Training.Tasks = ""
	c.Resources.MemoryLimitMB = 0
	if nc, err = ConfigFrom(c); err != nil || len(nc.Mix) != len(tasks.DefaultMix()) || nc.Train.MemoryLimit < 0 {
		t.Fatalf("defaults: %+v %v", nc, err)
	}
}

func TestNewRefusesBadInput(t *testing.T) {
	m, tok := tinyModel(t)
	good := Deps{Model: m, Tokenizer: tok, Swarm: &fakeExchange{}, Chain: newFakeChain(), PeerID: "p", DataDir: t.TempDir()}
	tests := []struct {
		name string
		cfg  func(*Config)
		deps func(*Deps)
		want string
	}{
		{"one answer", func(c *Config) { c.Answers = 1 }, nil, "at least 2"},
		{"negative adopt", func(c *Config) { c.Adopt = -1 }, nil, "adopt"},
		{"bad level", func(c *Config) { c.Level = 7 }, nil, "level"},
		{"bad mix", func(c *Config) { c.Mix = tasks.Mix{"nope": 1} }, nil, "nope"},
		{"no model", nil, func(d *Deps) { d.Model = nil }, "model"},
		{"no chain", nil, func(d *Deps) { d.Chain = nil }, "chain"},
		{"no peer", nil, func(d *Deps) { d.PeerID = "" }, "peer"},
		{"no data dir", nil, func(d *Deps) { d.DataDir = "" }, "data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, d := testConfig(), good
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			if tt.deps != nil {
				tt.deps(&d)
			}
			if _, err := New(cfg, d); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New = %v, want an error about %q", err, tt.want)
			}
		})
	}
	if _, err := New(testConfig(), good); err != nil {
		t.Fatal(err)
	}
}

// A model whose context cannot hold prompt plus answer is reported per question; the node
// survives and still completes (and submits) the round.
func TestPromptTooLongIsReported(t *testing.T) {
	cfg := testConfig()
	cfg.MaxNewTokens = 1000
	ch := newFakeChain()
	n := fakeNode(t, cfg, ch, &fakeExchange{}, t.TempDir(), nil)
	c := collect(n)
	stop := runNode(n)
	waitFor(t, 20*time.Second, "round 0", func() bool { s := n.State(); return s.NextRound == 1 && s.PendingSubmissions == 0 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	<-c.done
	errs := c.kinds(EventError)
	if len(errs) == 0 || !strings.Contains(errs[0].Err, "max_new_tokens") {
		t.Fatalf("errors %+v", errs)
	}
	if m := c.rounds()[0]; m.Questions != 0 || m.Trained || m.Signal != 0 {
		t.Fatalf("round with no answers: %+v", m)
	}
}

func TestPromSwarmDrops(t *testing.T) {
	st := swarm.Stats{Peers: 3, Published: 4, Accepted: 9,
		Dropped: map[swarm.DropReason]uint64{swarm.DropSignature: 5, swarm.DropRound: 2},
		DroppedBy: []swarm.PeerDrops{
			{Peer: "12D3KooWBad", Total: 5, Blamed: 5, Reasons: map[swarm.DropReason]uint64{swarm.DropSignature: 5}, Score: -250},
			{Peer: "12D3KooWLate", Total: 2, Reasons: map[swarm.DropReason]uint64{swarm.DropRound: 2}, Score: 1.5},
		}}
	var buf bytes.Buffer
	if err := writeProm(&buf, Snapshot{}, swarmPromFamilies(st)...); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"swarmdesk_swarm_accepted_total 9\n",
		`swarmdesk_swarm_dropped_total{reason="signature"} 5` + "\n",
		`swarmdesk_swarm_dropped_total{reason="round"} 2` + "\n",
		`swarmdesk_swarm_dropped_total{reason="member"} 0` + "\n",
		`swarmdesk_swarm_peer_dropped_total{peer="12D3KooWBad",reason="signature"} 5` + "\n",
		`swarmdesk_swarm_peer_blamed_total{peer="12D3KooWLate"} 0` + "\n",
		`swarmdesk_swarm_peer_score{peer="12D3KooWBad"} -250` + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if strings.Count(out, "# TYPE swarmdesk_swarm_peer_score gauge") != 1 {
		t.Errorf("one TYPE line per family:\n%s", out)
	}
}
