package soak

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// childEnv marks a child process: TestMain runs the CLI instead of the tests.
const childEnv = "SWARMDESK_SOAK_CHILD"

const passphrase = "soak test passphrase"

// event is one line of a child's log the test acts on.
type event struct {
	t     time.Time
	kind  string // "started", "done", "fault", "ready", "identity", "join"
	round uint64
	phase string // fault points: generate, train, submit
	at    string // fault points: where inside the phase
	text  string // identity: the peer ID; join: the bootnode address
}

var (
	reStarted = regexp.MustCompile(`msg="round started" round=(\d+)`)
	reDone    = regexp.MustCompile(`msg="round done" round=(\d+)`)
	reFault   = regexp.MustCompile(`msg="fault point" round=(\d+) phase=(\w+) at="([^"]*)"`)
	reReady   = regexp.MustCompile(`msg="node ready"`)
	rePeer    = regexp.MustCompile(`msg=identity .*peer=(\S+)`)
	reJoin    = regexp.MustCompile(`network\.bootnodes=(\S+)`)
)

func parseLine(t time.Time, line string) (event, bool) {
	u := func(s string) uint64 { v, _ := strconv.ParseUint(s, 10, 64); return v }
	switch {
	case reStarted.MatchString(line):
		return event{t: t, kind: "started", round: u(reStarted.FindStringSubmatch(line)[1])}, true
	case reDone.MatchString(line):
		return event{t: t, kind: "done", round: u(reDone.FindStringSubmatch(line)[1])}, true
	case reFault.MatchString(line):
		m := reFault.FindStringSubmatch(line)
		return event{t: t, kind: "fault", round: u(m[1]), phase: m[2], at: m[3]}, true
	case reReady.MatchString(line):
		return event{t: t, kind: "ready"}, true
	case rePeer.MatchString(line):
		return event{t: t, kind: "identity", text: rePeer.FindStringSubmatch(line)[1]}, true
	case reJoin.MatchString(line):
		return event{t: t, kind: "join", text: reJoin.FindStringSubmatch(line)[1]}, true
	}
	return event{}, false
}

// life is one run of a child process, from start to exit.
type life struct {
	cmd     *exec.Cmd
	started time.Time
	mu      sync.Mutex
	events  []event
	changed chan struct{} // closed and replaced on every new event
	exited  chan struct{}
	exitErr error
}

// startLife starts the test binary as the CLI with args in home, appending its output to
// logPath.
func startLife(home, logPath string, args []string) (*life, error) {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(logf, "=== %s start: %v\n", time.Now().Format(time.RFC3339Nano), args)
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), childEnv+"=1", "SWARMDESK_HOME="+home,
		"SWARMDESK_SECRETS_BACKEND=file", "SWARMDESK_PASSPHRASE="+passphrase)
	dieWithTest(cmd)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	l := &life{cmd: cmd, started: time.Now(), changed: make(chan struct{}), exited: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			now := time.Now()
			fmt.Fprintf(logf, "%s %s\n", now.Format("15:04:05.000"), line)
			if e, ok := parseLine(now, line); ok {
				l.mu.Lock()
				l.events = append(l.events, e)
				close(l.changed)
				l.changed = make(chan struct{})
				l.mu.Unlock()
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	go func() {
		l.exitErr = cmd.Wait()
		pw.Close()
		fmt.Fprintf(logf, "=== %s exit: %v\n", time.Now().Format(time.RFC3339Nano), l.exitErr)
		logf.Close()
		close(l.exited)
	}()
	return l, nil
}

// snapshot returns the events so far and a channel closed at the next one.
func (l *life) snapshot() ([]event, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]event(nil), l.events...), l.changed
}

// waitFor waits until f finds what it wants among the events (it gets them all each time) or
// the life ends or d passes.
func (l *life) waitFor(d time.Duration, f func([]event) bool) bool {
	deadline := time.After(d)
	for {
		evs, ch := l.snapshot()
		if f(evs) {
			return true
		}
		select {
		case <-ch:
		case <-l.exited:
			evs, _ := l.snapshot()
			return f(evs)
		case <-deadline:
			return false
		}
	}
}

func (l *life) alive() bool {
	select {
	case <-l.exited:
		return false
	default:
		return true
	}
}

// kill9 sends SIGKILL and waits for the exit.
func (l *life) kill9() {
	_ = l.cmd.Process.Signal(syscall.SIGKILL)
	<-l.exited
}

// stop sends SIGINT and waits up to d for a clean exit (then kills).
func (l *life) stop(d time.Duration) error {
	_ = l.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-l.exited:
		return l.exitErr
	case <-time.After(d):
		l.kill9()
		return fmt.Errorf("did not stop within %s after SIGINT", d)
	}
}
