package swarm

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// The js-libp2p peer lives in testdata (so the go tool never looks inside
// its node_modules); its dependencies are pinned by package-lock.json.
const jsPeerDir = "testdata/jspeer"

// jsLockMarker, inside node_modules, holds the sha256 of the package-lock.json
// the folder was installed from, so a lock change triggers a fresh install.
const jsLockMarker = ".swarmdesk-lock-sha256"

// jsTools finds node and npm. Where either is missing the test is skipped,
// except on CI (CI set), where Node.js is part of the machine.
func jsTools(t *testing.T) (node, npm string) {
	t.Helper()
	var err error
	node, err = exec.LookPath("node")
	if err == nil {
		npm, err = exec.LookPath("npm")
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the js-libp2p interop test needs Node.js 20+ and npm on CI: %v", err)
		}
		t.Skipf("js-libp2p interop test skipped: Node.js and npm are not installed (%v); install Node.js 20+ to run it", err)
	}
	return node, npm
}

// installJSPeer makes testdata/jspeer/node_modules match package-lock.json,
// running `npm ci` only when the lock changed since the last install. The
// install happens in a scratch folder that is renamed into place, so a test
// run that is interrupted never leaves a half-installed node_modules behind.
func installJSPeer(t *testing.T, npm string) {
	t.Helper()
	lock, err := os.ReadFile(filepath.Join(jsPeerDir, "package-lock.json"))
	if err != nil {
		t.Fatalf("js peer: %v", err)
	}
	sum := sha256.Sum256(lock)
	want := hex.EncodeToString(sum[:])
	modules := filepath.Join(jsPeerDir, "node_modules")
	installed := func() bool {
		got, err := os.ReadFile(filepath.Join(modules, jsLockMarker))
		return err == nil && string(got) == want
	}
	if installed() {
		return
	}
	tmp, err := os.MkdirTemp(jsPeerDir, ".install-")
	if err != nil {
		t.Fatalf("js peer: %v", err)
	}
	defer os.RemoveAll(tmp)
	for _, f := range []string{"package.json", "package-lock.json"} {
		b, err := os.ReadFile(filepath.Join(jsPeerDir, f))
		if err == nil {
			err = os.WriteFile(filepath.Join(tmp, f), b, 0o644)
		}
		if err != nil {
			t.Fatalf("js peer: %v", err)
		}
	}
	start := time.Now()
	cmd := exec.Command(npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci for the js-libp2p interop peer failed: %v\n%s\nIt needs the npm registry once; or run `npm ci` in app/swarm/%s yourself.", err, out, jsPeerDir)
	}
	if err := os.WriteFile(filepath.Join(tmp, "node_modules", jsLockMarker), []byte(want), 0o644); err != nil {
		t.Fatalf("js peer: %v", err)
	}
	if err := os.RemoveAll(modules); err != nil {
		t.Fatalf("js peer: remove stale node_modules: %v", err)
	}
	if err := os.Rename(filepath.Join(tmp, "node_modules"), modules); err != nil && !installed() {
		t.Fatalf("js peer: %v", err)
	}
	t.Logf("npm ci for the js peer took %v", time.Since(start).Round(100*time.Millisecond))
}

// jsConfig is the peer's command-line configuration.
type jsConfig struct {
	Bootnode        string `json:"bootnode"`
	Topic           string `json:"topic"`
	Limits          Limits `json:"limits"`
	MaxMetaKeyBytes int    `json:"maxMetaKeyBytes"`
}

// jsRollout is a rollout as the JS decoder reports it.
type jsRollout struct {
	Round    string            `json:"round"`
	Task     string            `json:"task"`
	Question string            `json:"question"`
	BatchID  string            `json:"batchId"`
	Answers  []string          `json:"answers"`
	Meta     map[string]string `json:"meta"`
	PeerID   string            `json:"peerId"`
}

func (r *jsRollout) rollout() (Rollout, error) {
	round, err := strconv.ParseUint(r.Round, 10, 64)
	if err != nil {
		return Rollout{}, fmt.Errorf("js round %q: %w", r.Round, err)
	}
	return Rollout{Round: round, Task: r.Task, Question: r.Question, BatchID: r.BatchID,
		Answers: r.Answers, Meta: r.Meta, PeerID: r.PeerID}, nil
}

// jsEvent is one line the peer prints (see peer.mjs for the kinds).
type jsEvent struct {
	Event     string            `json:"event"`
	PeerID    string            `json:"peerId"`
	Versions  map[string]string `json:"versions"`
	Protocols []string          `json:"protocols"`
	Round     string            `json:"round"`
	OK        bool              `json:"ok"`
	Error     string            `json:"error"`
	Rollout   *jsRollout        `json:"rollout"`
	MsgID     string            `json:"msgId"`
	From      string            `json:"from"`
	Via       string            `json:"via"`
	// round, when the peer published a rollout of its own
	Recipients []string `json:"recipients"`
	// report
	Received      int      `json:"received"`
	EverConnected []string `json:"everConnected"`
	ConnectedNow  []string `json:"connectedNow"`
	TopicPeers    []string `json:"topicPeers"`
	MeshPeers     []string `json:"meshPeers"`
}

// jsPeer is the running node process. Rollout events arrive on rollouts as
// the peer receives them; answers to commands (and ready/report) on replies.
type jsPeer struct {
	cmd      *exec.Cmd
	stdin    io.WriteCloser
	rollouts chan jsEvent
	replies  chan jsEvent
	exited   chan error
	stderr   syncBuf
}

func startJSPeer(t *testing.T, node string, cfg jsConfig) *jsPeer {
	t.Helper()
	arg, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := &jsPeer{rollouts: make(chan jsEvent, 1024), replies: make(chan jsEvent, 16), exited: make(chan error, 1)}
	p.cmd = exec.Command(node, "peer.mjs", string(arg))
	p.cmd.Dir = jsPeerDir
	p.cmd.Stderr = &p.stderr
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start the js peer: %v", err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 64<<20)
		for sc.Scan() {
			var ev jsEvent
			if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
				ev = jsEvent{Event: "garbage", Error: fmt.Sprintf("%v: %q", err, sc.Text())}
			}
			if ev.Event == "rollout" {
				p.rollouts <- ev
			} else {
				p.replies <- ev
			}
		}
		p.exited <- p.cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		if t.Failed() {
			t.Logf("js peer stderr:\n%s", p.stderr.String())
		}
	})
	return p
}

// send writes one command line.
func (p *jsPeer) send(t *testing.T, cmd map[string]any) {
	t.Helper()
	b, err := json.Marshal(cmd)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.stdin.Write(append(b, '\n')); err != nil {
		t.Fatalf("js peer stdin: %v\nstderr:\n%s", err, p.stderr.String())
	}
}

// reply waits for the next non-rollout event, which must be of kind want.
func (p *jsPeer) reply(ctx context.Context, t *testing.T, want string) jsEvent {
	t.Helper()
	select {
	case ev := <-p.replies:
		if ev.Event != want {
			t.Fatalf("js peer said %+v, want a %q event", ev, want)
		}
		return ev
	case err := <-p.exited:
		t.Fatalf("js peer exited (%v) while waiting for %q; stderr:\n%s", err, want, p.stderr.String())
	case <-ctx.Done():
		t.Fatalf("no %q event from the js peer: %v; stderr:\n%s", want, ctx.Err(), p.stderr.String())
	}
	return jsEvent{}
}
