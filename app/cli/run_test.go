package cli

import (
	"bufio"
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/chain/devchain"
	"github.com/swarmdesk/swarmdesk/app/node"
	"github.com/swarmdesk/swarmdesk/app/session"
	"github.com/swarmdesk/swarmdesk/engine/testmodel"
	"github.com/swarmdesk/swarmdesk/platform/secrets"
)

var (
	joinLine     = regexp.MustCompile(`(?m)^  (swarmdesk run --headless .*)$`)
	roundDone    = regexp.MustCompile(`msg="round done" round=(\d+)`)
	roundStarted = regexp.MustCompile(`msg="round started" round=(\d+)`)
	peerField    = regexp.MustCompile(`msg=identity .*peer=(\S+)`)
)

// hostedSwarm is `swarmdesk host` running in this test process.
type hostedSwarm struct {
	rpc, join string
	out       *syncBuffer
}

// startHost runs `swarmdesk host` (rounds every `round`) until the test ends and returns the
// join command it printed.
func startHost(t *testing.T, round time.Duration) *hostedSwarm {
	t.Helper()
	h := &hostedSwarm{rpc: fmt.Sprintf("http://127.0.0.1:%d", freePort(t)), out: &syncBuffer{mu: make(chan struct{}, 1)}}
	hostEnv := sandbox(t, "SWARMDESK_NETWORK_RPC_URL", h.rpc)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		root := New(Options{Getenv: func(k string) string { return hostEnv[k] }, Keyring: secrets.NewMemKeyring(),
			Stdin: strings.NewReader(""), Stdout: h.out, Stderr: h.out})
		root.SetArgs([]string{"host", "--listen", "/ip4/127.0.0.1/tcp/0", "--round", round.String()})
		done <- root.ExecuteContext(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("host: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("host did not stop")
		}
	})
	waitUntil(t, 60*time.Second, "the join command", func() bool {
		if m := joinLine.FindStringSubmatch(h.out.String()); m != nil {
			h.join = m[1]
		}
		return h.join != ""
	}, h.out.String)
	return h
}

// readOnly opens the host's chain for reading.
func (h *hostedSwarm) readOnly(t *testing.T) *chain.Client {
	t.Helper()
	p, start, err := devchain.Discover(context.Background(), h.rpc)
	if err != nil {
		t.Fatal(err)
	}
	c, err := chain.Dial(context.Background(), p, nil, chain.Options{StartBlock: start})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// nodeProc is `swarmdesk run --headless` as a real child process.
type nodeProc struct {
	cmd     *exec.Cmd
	mu      sync.Mutex
	log     strings.Builder
	done    []uint64 // rounds logged as done
	started []uint64 // rounds logged as started
	eof     chan struct{}
}

const childPassphrase = "correct horse battery staple"

// startNodeProc runs the host's join command in a child process with its own home folder.
func startNodeProc(t *testing.T, h *hostedSwarm, home, model string, extra ...string) *nodeProc {
	t.Helper()
	args := append(strings.Fields(h.join)[1:], "--listen", "/ip4/127.0.0.1/tcp/0", "--model", model,
		"--set", "training.max_new_tokens=16", "--set", "training.gather_seconds=2")
	args = append(args, extra...)
	p := &nodeProc{cmd: exec.Command(os.Args[0], args...), eof: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), "SWARMDESK_TEST_CLI_CHILD=1", "SWARMDESK_HOME="+home,
		"SWARMDESK_SECRETS_BACKEND=file", "SWARMDESK_PASSPHRASE="+childPassphrase)
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stdout = p.cmd.Stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.cmd.Process.Kill() })
	go func() {
		defer close(p.eof)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.log.WriteString(line + "\n")
			if m := roundDone.FindStringSubmatch(line); m != nil {
				r, _ := strconv.ParseUint(m[1], 10, 64)
				p.done = append(p.done, r)
			}
			if m := roundStarted.FindStringSubmatch(line); m != nil {
				r, _ := strconv.ParseUint(m[1], 10, 64)
				p.started = append(p.started, r)
			}
			p.mu.Unlock()
		}
	}()
	return p
}

func (p *nodeProc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

func (p *nodeProc) rounds() (done, started []uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.done), slices.Clone(p.started)
}

// wait ends the child (after a signal) and returns its exit error.
func (p *nodeProc) wait() error {
	<-p.eof
	return p.cmd.Wait()
}

func tinyModelDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tiny")
	if err := testmodel.Write(dir, testmodel.Tiny{MaxPos: 1024}, 1); err != nil {
		t.Fatal(err)
	}
	return dir
}

// `swarmdesk host` starts a local swarm and prints one command; a second swarmdesk process
// (a real child process, with its own home folder) runs exactly that command, joins the chain
// and the bootnode, logs rounds as the host's timer advances them, and exits cleanly with code
// 0 on SIGINT — without printing its passphrase.
func TestHostAndRunHeadless(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a dev chain and a child process")
	}
	h := startHost(t, 3*time.Second)
	if !strings.Contains(h.join, "network.rpc_url="+h.rpc) || !strings.Contains(h.join, "/ip4/127.0.0.1/tcp/") {
		t.Fatalf("join command %q lacks the chain or the bootnode:\n%s", h.join, h.out.String())
	}
	m := regexp.MustCompile(`(?m)^  (swarmdesk-invite:\S+)$`).FindStringSubmatch(h.out.String())
	if m == nil {
		t.Fatalf("host printed no invite:\n%s", h.out.String())
	}
	if inv, err := session.ParseInvite(m[1]); err != nil || inv.RPCURL != h.rpc || !strings.Contains(h.join, inv.Bootnodes[0]) {
		t.Fatalf("the printed invite %+v (%v) does not match the join command %q", inv, err, h.join)
	}
	boot := strings.TrimPrefix(regexp.MustCompile(`network\.bootnodes=\S+`).FindString(h.join), "network.bootnodes=")
	if published, err := h.readOnly(t).Bootnodes(context.Background()); err != nil || !slices.Contains(published, boot) {
		t.Fatalf("the chain publishes %v (%v), want the printed bootnode %s", published, err, boot)
	}

	p := startNodeProc(t, h, t.TempDir(), tinyModelDir(t))
	waitUntil(t, 90*time.Second, "two rounds logged by the child", func() bool {
		done, _ := p.rounds()
		return len(done) >= 2
	}, p.output)
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if err := p.wait(); err != nil {
		t.Fatalf("run --headless after SIGINT: %v\n%s", err, p.output())
	}
	out := p.output()
	for _, want := range []string{`msg=identity`, `msg="stopping at the next safe point`, `msg=stopped`, "level=INFO"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, childPassphrase) {
		t.Fatal("the passphrase appears in the output")
	}
}

// kill -9 in the middle of a round — right after it starts, and right after it is committed
// while its reward is on its way to the chain — then the same command again: the node rejoins
// at the chain's round, and every reward it logged is on chain exactly once (the chain's total
// for the peer equals the sum of its logged submissions).
func TestRunHeadlessSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a dev chain and child processes")
	}
	h := startHost(t, 2*time.Second)
	model := tinyModelDir(t)
	for _, tt := range []struct {
		name string
		kill func(done, started []uint64) bool
	}{
		{"while generating", func(done, started []uint64) bool { return len(done) >= 1 && len(started) > len(done) }},
		{"while submitting", func(done, started []uint64) bool { return len(done) >= 2 }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			p := startNodeProc(t, h, home, model)
			waitUntil(t, 90*time.Second, "the kill point", func() bool { return tt.kill(p.rounds()) }, p.output)
			_ = p.cmd.Process.Kill()
			_ = p.wait()
			checkRestart(t, h, home, model, p)
		})
	}
}

// checkRestart runs the node again on home after a kill and checks the chain against its log.
func checkRestart(t *testing.T, h *hostedSwarm, home, model string, killed *nodeProc) *nodeProc {
	t.Helper()
	peerID := ""
	if m := peerField.FindStringSubmatch(killed.output()); m != nil {
		peerID = m[1]
	}
	ro := h.readOnly(t)
	ctx := context.Background()
	atRestart, err := ro.CurrentRound(ctx)
	if err != nil || peerID == "" {
		t.Fatalf("round %d, %v, peer %q", atRestart, err, peerID)
	}
	p2 := startNodeProc(t, h, home, model)
	waitUntil(t, 90*time.Second, "two rounds after the restart", func() bool {
		done, _ := p2.rounds()
		return len(done) >= 2
	}, p2.output)
	_ = p2.cmd.Process.Signal(syscall.SIGINT)
	if err := p2.wait(); err != nil {
		t.Fatalf("second run: %v\n%s", err, p2.output())
	}
	t.Logf("first life (killed):\n%s\nsecond life:\n%s", killed.output(), p2.output())
	if _, started := p2.rounds(); started[0] < atRestart {
		t.Fatalf("after the restart the node started at round %d; the chain was at %d", started[0], atRestart)
	}
	logged, bad, err := node.ReadRounds(filepath.Join(home, "data", "node", node.RoundsFile))
	if err != nil || bad != 0 || len(logged) < 3 {
		t.Fatalf("rounds.jsonl: %d rounds, %d bad lines, %v", len(logged), bad, err)
	}
	seen := map[uint64]bool{}
	sum := int64(0)
	for _, m := range logged {
		if seen[m.Round] || m.Submitted == nil {
			t.Fatalf("round %d logged twice or without a submission", m.Round)
		}
		seen[m.Round] = true
		if ok, err := ro.HasSubmittedReward(ctx, m.Round, 0, peerID); err != nil || !ok {
			t.Errorf("the reward of round %d is not on chain (%v)", m.Round, err)
		}
		sum += m.Submitted.Reward
	}
	total, err := ro.TotalRewards(ctx, []string{peerID})
	if err != nil || total[0].Cmp(big.NewInt(sum)) != 0 {
		t.Fatalf("chain total %v (%v), logged %d", total, err, sum)
	}
	return p2
}

// waitUntil is a polling wait that shows what was printed when it gives up.
func waitUntil(t *testing.T, d time.Duration, what string, cond func() bool, output func() string) {
	t.Helper()
	for deadline := time.Now().Add(d); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s:\n%s", what, output())
		}
	}
}

func TestJoinCommand(t *testing.T) {
	tests := []struct{ boot, rpc, want string }{
		{"/ip4/10.0.0.2/tcp/4001/p2p/X", "http://127.0.0.1:18545", "swarmdesk run --headless --set network.bootnodes=/ip4/10.0.0.2/tcp/4001/p2p/X"},
		{"/ip4/10.0.0.2/tcp/4001/p2p/X", "http://127.0.0.1:9999/", "swarmdesk run --headless --set network.bootnodes=/ip4/10.0.0.2/tcp/4001/p2p/X --set network.rpc_url=http://127.0.0.1:9999"},
	}
	for _, tt := range tests {
		if got := joinCommand(tt.boot, tt.rpc); got != tt.want {
			t.Errorf("joinCommand(%s, %s) = %s", tt.boot, tt.rpc, got)
		}
	}
}

// Without --headless `run` opens the window, and says so clearly when the build has none.
func TestRunWithoutHeadless(t *testing.T) {
	_, errs, code := run(t, sandbox(t), nil, "", "run")
	if code == 0 || !strings.Contains(errs, "--headless") {
		t.Fatalf("run without a window: %d %q", code, errs)
	}
	for _, args := range [][]string{{"run", "--help"}, {"host", "--help"}} {
		out, _, code := run(t, sandbox(t), nil, "", args...)
		if code != 0 || !strings.Contains(out, "Usage:") {
			t.Errorf("%v: %d %q", args, code, out)
		}
	}
}

// `host` refuses a network it cannot host, and a swarm without a round timer.
func TestHostRefuses(t *testing.T) {
	for _, tt := range []struct {
		env  []string
		want string
	}{
		{[]string{"SWARMDESK_NETWORK_PROFILE", "gensyn-testnet"}, "network.profile"},
		{[]string{"SWARMDESK_NETWORK_ROUND_SECONDS", "0"}, "round_seconds"},
	} {
		_, errs, code := run(t, sandbox(t, tt.env...), nil, "", "host", "--for", "1s")
		if code == 0 || !strings.Contains(errs, tt.want) {
			t.Errorf("%v: %d %q", tt.env, code, errs)
		}
	}
}

var (
	ckptStarted = regexp.MustCompile(`msg="writing a checkpoint in the background" step=(\d+)`)
	nodeReady   = regexp.MustCompile(`msg="node ready" .*optimizer_steps=(\d+)`)
)

// kill -9 at random moments inside a checkpoint write (a model large enough that writing its
// 85 MB checkpoint takes a while; a checkpoint after every round): the next run resumes with
// exactly the training state of the last complete checkpoint (the step `latest` named at the
// kill, every file checked against its manifest), removes what the interrupted write left, and
// nothing on chain is lost or doubled. Kills between checkpoints (the default cadence, where
// the first life writes none) are TestRunHeadlessSurvivesKill9's.
func TestRunHeadlessKill9DuringCheckpointWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a dev chain and child processes")
	}
	h := startHost(t, 2*time.Second)
	dir := filepath.Join(t.TempDir(), "medium")
	if err := testmodel.Write(dir, testmodel.Tiny{MaxPos: 1024, Layers: 4, Hidden: 256, HeadDim: 64, FFN: 2048}, 1); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 19))
	for i := range 2 {
		t.Run(fmt.Sprint("kill ", i), func(t *testing.T) {
			home := t.TempDir()
			p := startNodeProc(t, h, home, dir, "--set", "training.checkpoint_minutes=0")
			// The second checkpoint's write, so a complete one exists before it.
			waitUntil(t, 120*time.Second, "a second checkpoint write", func() bool {
				return len(ckptStarted.FindAllString(p.output(), -1)) >= 2
			}, p.output)
			time.Sleep(time.Duration(r.IntN(400)) * time.Millisecond)
			_ = p.cmd.Process.Kill()
			_ = p.wait()
			ckdirs, _ := filepath.Glob(filepath.Join(home, "data", "node", "checkpoints", "*"))
			if len(ckdirs) != 1 {
				t.Fatalf("checkpoint folders %v", ckdirs)
			}
			latest, err := os.ReadFile(filepath.Join(ckdirs[0], "latest"))
			if err != nil {
				t.Fatal(err)
			}
			leftovers, _ := filepath.Glob(filepath.Join(ckdirs[0], ".tmp-*"))
			t.Logf("killed with %s complete, %d interrupted write(s) left", strings.TrimSpace(string(latest)), len(leftovers))
			wantStep := strings.TrimLeft(strings.TrimPrefix(strings.TrimSpace(string(latest)), "step-"), "0")

			p2 := checkRestart(t, h, home, dir, p)
			m := nodeReady.FindStringSubmatch(p2.output())
			if m == nil || m[1] != wantStep {
				t.Fatalf("resumed at optimizer step %v, the last complete checkpoint is %s", m, latest)
			}
			if left, _ := filepath.Glob(filepath.Join(ckdirs[0], ".tmp-*")); len(left) != 0 {
				t.Fatalf("the interrupted write is still on disk: %v", left)
			}
			if steps, _ := filepath.Glob(filepath.Join(ckdirs[0], "step-*")); len(steps) != 1 {
				t.Fatalf("checkpoints on disk after the restart: %v, want one", steps)
			}
		})
	}
}
