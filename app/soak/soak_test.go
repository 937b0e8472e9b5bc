package soak

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/chain/devchain"
	"github.com/swarmdesk/swarmdesk/app/cli"
	"github.com/swarmdesk/swarmdesk/app/models"
)

var (
	full   = flag.Bool("soak.full", false, "run the full-size soak test (20 nodes × 50 rounds, about 10 minutes)")
	seed   = flag.Uint64("soak.seed", 1, "seed of the fault schedule")
	nodesN = flag.Int("soak.nodes", 0, "number of nodes (0 = the size's own)")
	rounds = flag.Int("soak.rounds", 0, "number of rounds (0 = the size's own)")
)

// TestMain runs the CLI when the test binary is started as a child process of the soak.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(cli.Execute(cli.Options{}, os.Args[1:]))
	}
	flag.Parse()
	os.Exit(m.Run())
}

// soak is one run: the host, the nodes, the chain as the test sees it, and what happened.
type soak struct {
	t        *testing.T
	sz       size
	dir      string
	rpc      string
	bootPort int
	demo     string // a made demo model folder, copied into every node's cache

	host     *life
	hostHome string
	boot     string // the bootnode's address

	nodes []*swarmNode

	chainMu   sync.Mutex
	roundSeen map[uint64]time.Time // when the test first saw each chain round
	curRound  uint64
	base      uint64 // the chain round before the run's first round

	recMu          sync.Mutex
	kills          []killRecord
	hostRestarts   []hostRestart
	fileChecks     int
	fileProblems   []string
	scrapeProblems int
}

// swarmNode is one swarm node across its lives.
type swarmNode struct {
	i        int
	home     string
	logPath  string
	promPort int
	args     []string
	peer     string

	mu     sync.Mutex // one fault at a time
	lives  []*life
	prom   []promCounters // the last scrape of each life
	lifeMu sync.Mutex
}

func (n *swarmNode) cur() *life {
	n.lifeMu.Lock()
	defer n.lifeMu.Unlock()
	return n.lives[len(n.lives)-1]
}

// killRecord is what happened to one planned kill.
type killRecord struct {
	kill
	Skipped     string // why it did not happen, if it did not
	Landed      string // phase the node was in when killed ("generate", "train", "submit", or what else)
	At          string // where inside it: the last fault point, and "+work" when past its pause
	ChainRound  uint64 // the chain's round at the restart
	FirstRound  uint64 // the first round the restarted node started
	BackIn      time.Duration
	BackInRound bool   // started a round ≥ ChainRound before the chain reached ChainRound+2
	Died        string // the restarted process exited without playing a round, and how
	Time        time.Time
}

type hostRestart struct {
	Round    uint64
	Downtime time.Duration
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("a swarm of real processes for a minute or more")
	}
	if runtime.GOOS == "windows" {
		t.Skip("stops its processes with SIGINT")
	}
	sz := ciSize
	if *full {
		sz = fullSize
	}
	if *nodesN > 0 {
		sz.Nodes = *nodesN
	}
	if *rounds > 0 {
		sz.Rounds = *rounds
	}
	s := &soak{t: t, sz: sz, dir: t.TempDir(), roundSeen: map[uint64]time.Time{}}
	t.Cleanup(s.keepLogs) // runs after the processes' cleanups, before the folder goes
	s.rpc = fmt.Sprintf("http://127.0.0.1:%d", freePort(t))
	s.bootPort = freePort(t)
	demoCache := filepath.Join(s.dir, "demo-cache")
	var err error
	if s.demo, err = models.EnsureDemo(demoCache, nil); err != nil {
		t.Fatal(err)
	}
	plan := sz.plan(*seed)
	t.Logf("soak: %d nodes × %d rounds of %s, %d kills planned (seed %d), node %d cut off for %d rounds from round %d, host restarted at round %d",
		sz.Nodes, sz.Rounds, sz.Round, len(plan), *seed, sz.Nodes-1, sz.CutRounds, sz.CutFrom, sz.HostRestartAt)

	s.startHost()
	t.Cleanup(func() {
		if s.host != nil && s.host.alive() {
			_ = s.host.stop(30 * time.Second)
		}
	})
	ro := s.readOnly()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.trackChain(ctx, ro)

	// The run's rounds start two rounds after now, so the cut's rounds are known at start.
	s.waitRound(1)
	s.base = s.round() + 1
	for i := range sz.Nodes {
		s.addNode(i)
	}
	t.Cleanup(func() {
		for _, n := range s.nodes {
			if l := n.cur(); l.alive() {
				l.kill9()
			}
		}
	})
	go s.scrape(ctx)
	for _, n := range s.nodes {
		if !n.cur().waitFor(3*time.Minute, func(evs []event) bool { return has(evs, "started") }) {
			b, _ := os.ReadFile(n.logPath)
			lines := strings.Split(strings.TrimSpace(string(b)), "\n")
			t.Fatalf("node %d never started a round (alive %v, exit %v); the end of its log %s:\n%s",
				n.i, n.cur().alive(), n.cur().exitErr, n.logPath, strings.Join(lines[max(0, len(lines)-12):], "\n"))
		}
	}
	if s.round() > s.base {
		t.Logf("the nodes were up only at round %d (the run starts at %d)", s.round(), s.base+1)
	}

	var wg sync.WaitGroup
	for _, k := range plan {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.waitRound(s.base + uint64(k.Round))
			s.doKill(k)
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.waitRound(s.base + uint64(sz.HostRestartAt))
		s.restartHost()
	}()
	end := s.base + uint64(sz.Rounds)
	s.waitRound(end)
	wg.Wait()
	s.finish(end)
	cancel()

	f := s.check(ro, end)
	f.write(t, s)
}

// startHost starts (or restarts) `swarmdesk host` with the fixed chain and bootnode ports.
func (s *soak) startHost() {
	t := s.t
	if s.hostHome == "" {
		s.hostHome = filepath.Join(s.dir, "host")
	}
	args := []string{"host", "--listen", fmt.Sprintf("/ip4/127.0.0.1/tcp/%d", s.bootPort), "--round", s.sz.Round.String(),
		"--set", "network.rpc_url=" + s.rpc}
	l, err := startLife(s.hostHome, filepath.Join(s.dir, "host.log"), args)
	if err != nil {
		t.Fatal(err)
	}
	if !l.waitFor(2*time.Minute, func(evs []event) bool { return has(evs, "join") }) {
		t.Fatalf("the host printed no join command; see %s", filepath.Join(s.dir, "host.log"))
	}
	evs, _ := l.snapshot()
	boot := last(evs, "join").text
	if s.boot != "" && boot != s.boot {
		t.Fatalf("the restarted host's bootnode is %s, was %s", boot, s.boot)
	}
	s.boot, s.host = boot, l
}

// restartHost stops the host with SIGINT mid-run and starts it again on the same folder.
func (s *soak) restartHost() {
	r := s.round()
	t0 := time.Now()
	if err := s.host.stop(time.Minute); err != nil {
		s.t.Errorf("host stop: %v", err)
	}
	s.startHost()
	s.recMu.Lock()
	s.hostRestarts = append(s.hostRestarts, hostRestart{Round: r, Downtime: time.Since(t0)})
	s.recMu.Unlock()
}

func (s *soak) readOnly() *chain.Client {
	t := s.t
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, start, err := devchain.Discover(ctx, s.rpc)
	if err != nil {
		t.Fatal(err)
	}
	c, err := chain.Dial(ctx, p, nil, chain.Options{StartBlock: start, CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// trackChain notes when each round of the chain begins, as the nodes would see it.
func (s *soak) trackChain(ctx context.Context, c *chain.Client) {
	for ctx.Err() == nil {
		qctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		r, err := c.CurrentRound(qctx)
		cancel()
		if err == nil {
			s.chainMu.Lock()
			if _, ok := s.roundSeen[r]; !ok {
				s.roundSeen[r] = time.Now()
			}
			s.curRound = max(s.curRound, r)
			s.chainMu.Unlock()
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *soak) round() uint64 {
	s.chainMu.Lock()
	defer s.chainMu.Unlock()
	return s.curRound
}

// seen returns when the test first saw chain round r (ok false when not yet).
func (s *soak) seen(r uint64) (time.Time, bool) {
	s.chainMu.Lock()
	defer s.chainMu.Unlock()
	t, ok := s.roundSeen[r]
	return t, ok
}

func (s *soak) waitRound(r uint64) {
	limit := time.Now().Add(time.Duration(int(r-min(r, s.round()))+3) * 3 * s.sz.Round)
	for s.round() < r {
		if time.Now().After(limit) {
			s.t.Errorf("the chain did not reach round %d (at %d)", r, s.round())
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// addNode starts node i for the first time.
func (s *soak) addNode(i int) {
	t := s.t
	n := &swarmNode{i: i, home: filepath.Join(s.dir, fmt.Sprintf("node%02d", i)), promPort: freePort(t)}
	n.logPath = filepath.Join(s.dir, fmt.Sprintf("node%02d.log", i))
	if err := copyDir(s.demo, filepath.Join(n.home, "cache", filepath.Base(s.demo))); err != nil {
		t.Fatal(err)
	}
	n.args = []string{"run", "--headless", "--listen", "/ip4/127.0.0.1/tcp/0",
		"--set", "network.bootnodes=" + s.boot, "--set", "network.rpc_url=" + s.rpc,
		"--set", "metrics.prometheus_addr=" + fmt.Sprintf("127.0.0.1:%d", n.promPort),
		"--set", "training.checkpoint_minutes=0",
		"--set", "training.gather_seconds=" + strconv.Itoa(s.sz.Gather),
		"--set", "debug.phase_pause_ms=" + strconv.Itoa(int(s.sz.Pause/time.Millisecond)),
		"--set", "resources.threads=1",
	}
	if i == s.sz.Nodes-1 {
		from := s.base + uint64(s.sz.CutFrom)
		n.args = append(n.args, "--set", fmt.Sprintf("debug.cut_off_rounds=%d-%d", from, from+uint64(s.sz.CutRounds)-1))
	}
	l, err := startLife(n.home, n.logPath, n.args)
	if err != nil {
		t.Fatal(err)
	}
	n.lives = append(n.lives, l)
	n.prom = append(n.prom, promCounters{})
	s.nodes = append(s.nodes, n)
}

// doKill carries out one planned kill: wait for the node to report a fault point of the
// phase, wait a part of the pause, SIGKILL, check its files, restart it and see it back.
func (s *soak) doKill(k kill) {
	n := s.nodes[k.Node]
	n.mu.Lock()
	defer n.mu.Unlock()
	rec := killRecord{kill: k, Time: time.Now()}
	defer func() {
		s.recMu.Lock()
		s.kills = append(s.kills, rec)
		s.recMu.Unlock()
	}()
	l := n.cur()
	evs, _ := l.snapshot()
	from := len(evs)
	var point event
	if !l.waitFor(4*s.sz.Round, func(evs []event) bool {
		for _, e := range evs[min(from, len(evs)):] {
			if e.kind == "fault" && e.phase == k.Phase {
				point = e
				return true
			}
		}
		return false
	}) {
		rec.Skipped = "no " + k.Phase + " fault point within 4 rounds"
		return
	}
	time.Sleep(time.Until(point.t.Add(time.Duration(k.Frac * float64(s.sz.Pause)))))
	killedAt := time.Now()
	l.kill9()
	evs, _ = l.snapshot()
	rec.Landed, rec.At = landing(evs, killedAt, s.sz.Pause)
	s.checkFiles(n, fmt.Sprintf("after kill in %s (%s)", rec.Landed, rec.At))

	time.Sleep(time.Duration(k.Wait * float64(time.Second)))
	rec.ChainRound = s.round()
	nl, err := startLife(n.home, n.logPath, n.args)
	if err != nil {
		s.t.Errorf("restart node %d: %v", n.i, err)
		return
	}
	n.lifeMu.Lock()
	n.lives = append(n.lives, nl)
	n.prom = append(n.prom, promCounters{})
	n.lifeMu.Unlock()
	var first event
	nl.waitFor(4*s.sz.Round, func(evs []event) bool {
		for _, e := range evs {
			if e.kind == "started" {
				first = e
				return true
			}
		}
		return false
	})
	if first.kind == "" {
		if !nl.alive() { // BackInRound stays false; the check reports it with why
			rec.Died = fmt.Sprintf("the restarted process exited (%v) before playing a round; its log is %s", nl.exitErr, n.logPath)
		}
		return
	}
	rec.FirstRound, rec.BackIn = first.round, first.t.Sub(nl.started)
	late, ok := s.seen(rec.ChainRound + 2)
	rec.BackInRound = first.round >= rec.ChainRound && (!ok || first.t.Before(late))
}

// landing says where a kill at t landed: the phase of the last fault point logged before it
// (or what the node did last when that was no fault point), and whether the kill came after
// that point's pause (in the work that follows it).
func landing(evs []event, t time.Time, pause time.Duration) (phase, at string) {
	for i := len(evs) - 1; i >= 0; i-- {
		e := evs[i]
		if e.t.After(t) {
			continue
		}
		switch e.kind {
		case "fault":
			at = e.at
			if t.Sub(e.t) > pause {
				at += " +work"
			}
			return e.phase, at
		case "done":
			return "after commit", fmt.Sprintf("round %d done", e.round)
		case "started":
			return "round start", fmt.Sprintf("round %d", e.round)
		}
	}
	return "start-up", ""
}

// finish lets every node complete the last round and its submission, then stops them all with
// SIGINT.
func (s *soak) finish(end uint64) {
	deadline := time.Now().Add(3 * s.sz.Round)
	for _, n := range s.nodes {
		l := n.cur()
		l.waitFor(time.Until(deadline), func(evs []event) bool {
			for _, e := range evs {
				if e.kind == "done" && e.round >= end-1 {
					return true
				}
			}
			return false
		})
	}
	// The submission follows the round's commit; give it its pauses and a moment.
	for _, n := range s.nodes {
		for time.Now().Before(deadline.Add(s.sz.Round)) {
			if pc, err := scrapeOnce(n.promPort); err == nil && pc.pending == 0 {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	var wg sync.WaitGroup
	for _, n := range s.nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := n.cur().stop(time.Minute); err != nil {
				s.t.Errorf("node %d: %v", n.i, err)
			}
		}()
	}
	wg.Wait()
	for _, n := range s.nodes {
		s.checkFiles(n, "at the end")
	}
}

func has(evs []event, kind string) bool { return last(evs, kind).kind != "" }

func last(evs []event, kind string) event {
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].kind == kind {
			return evs[i]
		}
	}
	return event{}
}

// copyDir copies the regular files of src into dst.
func copyDir(src, dst string) error {
	if err := os.MkdirAll(dst, 0o700); err != nil {
		return err
	}
	ents, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// sortedKeys lists a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
