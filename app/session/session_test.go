package session

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/swarmdesk/swarmdesk/app/env"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

// The tiny model (with tokenizer) lives in one folder per test binary.
var shared = &testmodel.Shared{Config: testmodel.Tiny{MaxPos: 1024}, Seed: 1}

func TestMain(m *testing.M) {
	code := m.Run()
	_ = shared.Remove()
	os.Exit(code)
}

func tinyModel(t *testing.T) string {
	t.Helper()
	dir, err := shared.Dir()
	if err != nil {
		t.Fatal(err)
	}
	return dir
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

// machine is one computer: its SWARMDESK_HOME, its environment and its keychain, so a second
// Session on the same machine sees what the first saved.
type machine struct {
	home string
	vars map[string]string
	kr   *secrets.MemKeyring
}

// newMachine is a home with fast training settings and its own chain port.
func newMachine(t *testing.T) *machine {
	return &machine{home: t.TempDir(), kr: secrets.NewMemKeyring(), vars: map[string]string{
		"SWARMDESK_TRAINING_MAX_NEW_TOKENS": "16",
		"SWARMDESK_TRAINING_GATHER_SECONDS": "2",
		"SWARMDESK_TRAINING_QUESTIONS":      "1",
		"SWARMDESK_NETWORK_ROUND_SECONDS":   "0",
		"SWARMDESK_NETWORK_RPC_URL":         fmt.Sprintf("http://127.0.0.1:%d", freePort(t)),
	}}
}

// session loads the environment afresh (as a new launch of the app does) and opens a Session.
func (m *machine) session(t *testing.T, extra ...func(*Options)) *Session {
	t.Helper()
	vars := map[string]string{"SWARMDESK_HOME": m.home}
	for k, v := range m.vars {
		vars[k] = v
	}
	e, err := env.Load(env.Options{Getenv: func(k string) string { return vars[k] }, Keyring: m.kr})
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Model: tinyModel(t), ListenAddrs: []string{"/ip4/127.0.0.1/tcp/0"},
		BootnodeListen: []string{"/ip4/127.0.0.1/tcp/0"}, NoPortMap: true, Getenv: func(k string) string { return vars[k] }}
	for _, f := range extra {
		f(&o)
	}
	s := New(e, o)
	t.Cleanup(s.Stop)
	return s
}

// progressLog records the stages Start reports.
type progressLog struct {
	mu  sync.Mutex
	all []Progress
}

func (p *progressLog) add(pr Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.all = append(p.all, pr)
}

func (p *progressLog) stages() []Stage {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Stage
	for _, pr := range p.all {
		if len(out) == 0 || out[len(out)-1] != pr.Stage {
			out = append(out, pr.Stage)
		}
	}
	return out
}

func start(t *testing.T, s *Session, c Choice) *progressLog {
	t.Helper()
	p := &progressLog{}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := s.Start(ctx, c, p.add); err != nil {
		t.Fatalf("Start(%s): %v\n%s", c.Mode, err, strings.Join(s.Logs(), "\n"))
	}
	return p
}

func waitFor(t *testing.T, d time.Duration, what string, s *Session, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(d); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; log:\n%s", what, strings.Join(s.Logs(), "\n"))
		}
	}
}

// advanceRounds moves a local session's in-process chain to a new round every period until the
// test ends (ModeLocal with network.round_seconds = 0 advances only by hand).
func advanceRounds(t *testing.T, s *Session, period time.Duration) {
	t.Helper()
	r := s.current()
	if r == nil || r.conn.Local == nil {
		t.Fatal("the session does not run its own chain")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(period)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				_, _ = r.conn.Local.AdvanceRound(ctx)
			}
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
}

func rounds(s *Session) int {
	h, err := s.History()
	if err != nil {
		return -1
	}
	return len(h)
}

// Try-alone mode: Start reports every stage in order (with bytes for loading), the node plays
// rounds, the leaderboard shows this node, the training switch pauses it and survives a new
// launch on the same folders along with the choice, and a restarted node comes up paused.
func TestLocalSessionLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a dev chain and trains a model")
	}
	m := newMachine(t)
	s := m.session(t)
	if _, ok := s.Choice(); ok {
		t.Fatal("a fresh machine has a saved choice")
	}
	if !s.Training() {
		t.Fatal("training is off on a fresh machine")
	}
	p := start(t, s, Choice{Mode: ModeLocal})
	want := []Stage{StageIdentity, StageChain, StageRegister, StageSwarm, StageDownload, StageLoad, StageReady}
	if got := p.stages(); !slices.Equal(got, want) {
		t.Fatalf("stages %v, want %v", got, want)
	}
	var load []Progress
	for _, pr := range p.all {
		if pr.Stage == StageLoad {
			load = append(load, pr)
		}
	}
	if last := load[len(load)-1]; last.Total <= 0 || last.Done != last.Total {
		t.Fatalf("loading reported no bytes: %+v", load)
	}
	if _, ok := s.Invite(); ok {
		t.Fatal("a local session offers an invite")
	}
	if err := s.Start(context.Background(), Choice{Mode: ModeLocal}, nil); !errors.Is(err, ErrRunning) {
		t.Fatalf("second Start: %v", err)
	}
	if _, err := s.ImportIdentity([]byte("x")); !errors.Is(err, ErrRunning) {
		t.Fatalf("ImportIdentity while running: %v", err)
	}

	advanceRounds(t, s, time.Second)
	waitFor(t, 60*time.Second, "a round played", s, func() bool { return rounds(s) >= 1 })
	lb, err := s.Leaderboard(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	self := s.Snapshot().PeerID
	i := slices.IndexFunc(lb.Rows, func(r LeaderRow) bool { return r.Self })
	if i < 0 || lb.Rows[i].PeerID != self || lb.Rows[i].Rank != 1 || lb.Rows[i].Name == "" {
		t.Fatalf("leaderboard %+v lacks this node %s as rank 1", lb.Rows, self)
	}
	if d := s.Device(); d.Threads < 1 || d.MemoryBytes == 0 || d.Kind != "CPU" || d.Name == "" {
		t.Fatalf("device %+v", d)
	}
	if ls := strings.Join(s.Logs(), "\n"); !strings.Contains(ls, "msg=identity") || !strings.Contains(ls, "round done") {
		t.Fatalf("logs lack the identity and round lines:\n%s", ls)
	}

	if err := s.SetTraining(false); err != nil {
		t.Fatal(err)
	}
	if !s.Snapshot().Paused {
		t.Fatal("SetTraining(false) did not pause the node")
	}
	s.Stop()
	if got := s.Snapshot(); got.RoundsPlayed < 1 {
		t.Fatalf("snapshot after Stop: %+v", got)
	}
	if _, ok := <-s.Events(); ok {
		t.Fatal("Events of a stopped session delivers")
	}

	// A new launch on the same machine.
	s2 := m.session(t)
	if c, ok := s2.Choice(); !ok || c.Mode != ModeLocal {
		t.Fatalf("choice after relaunch: %+v %v", c, ok)
	}
	if s2.Training() {
		t.Fatal("the training switch did not survive the relaunch")
	}
	before := rounds(s2)
	start(t, s2, Choice{Mode: ModeLocal})
	if !s2.Snapshot().Paused {
		t.Fatal("with training off the node came up running")
	}
	if err := s2.SetTraining(true); err != nil {
		t.Fatal(err)
	}
	advanceRounds(t, s2, time.Second)
	waitFor(t, 60*time.Second, "a round after resuming", s2, func() bool { return rounds(s2) > before })
}

// SaveSetting refuses a bad value naming the key and leaves config.toml as it was; a good value
// is written, and only settings that apply live skip the restart.
func TestSaveSetting(t *testing.T) {
	m := newMachine(t)
	s := m.session(t)
	path := s.env.ConfigPath
	if _, err := s.SaveSetting("training.max_new_tokens", "20"); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ key, value string }{
		{"training.answers", "1"},
		{"resources.threads", "-3"},
		{"resources.threads", "many"},
		{"desktop.theme", "purple"},
		{"no.such.key", "1"},
	} {
		_, err := s.SaveSetting(tt.key, tt.value)
		if err == nil || !strings.Contains(err.Error(), tt.key) {
			t.Errorf("SaveSetting(%s, %s): %v, want an error naming the key", tt.key, tt.value, err)
		}
		if after, _ := os.ReadFile(path); string(after) != string(before) {
			t.Fatalf("a refused setting changed %s:\n%s", path, after)
		}
	}
	for _, tt := range []struct {
		key, value string
		restart    bool
	}{
		{"training.questions", "3", true},
		{"resources.threads", "1", false},
		{"desktop.theme", "dark", false},
	} {
		restart, err := s.SaveSetting(tt.key, tt.value)
		if err != nil || restart != tt.restart {
			t.Errorf("SaveSetting(%s, %s) = %v, %v; want restart %v", tt.key, tt.value, restart, err, tt.restart)
		}
		cfg := s.Config()
		if got, _ := cfg.Get(tt.key); got != tt.value {
			t.Errorf("%s in effect is %q", tt.key, got)
		}
	}
	b, _ := os.ReadFile(path)
	for _, want := range []string{"questions = 3", "threads = 1", `theme = "dark"`, "max_new_tokens = 20"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("config.toml lacks %q:\n%s", want, b)
		}
	}
	// The environment's overrides stay out of the file.
	if strings.Contains(string(b), m.vars["SWARMDESK_NETWORK_RPC_URL"]) {
		t.Errorf("config.toml took the environment's rpc_url:\n%s", b)
	}
	// A new launch reads what was saved.
	if got := m.session(t).Config().Desktop.Theme; got != "dark" {
		t.Fatalf("desktop.theme after relaunch: %q", got)
	}
}

// Importing rl-swarm's swarm.pem gives its peer ID and name; exporting writes the same bytes.
func TestImportExportIdentity(t *testing.T) {
	pem, err := os.ReadFile("../identity/testdata/swarm.pem")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../identity/testdata/swarm.pem.peerid")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(want)), "\n")
	m := newMachine(t)
	s := m.session(t)
	opened, err := s.Identity() // an identity exists already (first launch)
	if err != nil {
		t.Fatal(err)
	}
	old := opened.ID
	id, err := s.ImportIdentity(pem)
	if err != nil {
		t.Fatal(err)
	}
	if id.PeerID.String() != lines[0] || id.Name() != lines[1] || id.Address() != old.Address() {
		t.Fatalf("imported %s (%s, %s), want %s (%s) keeping account %s", id.PeerID, id.Name(), id.Address(), lines[0], lines[1], old.Address())
	}
	if got, err := m.session(t).Identity(); err != nil || got.ID.PeerID != id.PeerID {
		t.Fatalf("after relaunch the identity is %v (%v)", got, err)
	}
	out := filepath.Join(t.TempDir(), "swarm.pem")
	if err := s.ExportIdentity(out); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(out); string(b) != string(pem) {
		t.Fatal("the exported swarm.pem differs from the imported one")
	}
	if _, err := s.ImportIdentity([]byte("not a key")); err == nil {
		t.Fatal("a damaged swarm.pem was imported")
	}
}
