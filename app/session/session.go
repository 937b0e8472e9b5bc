// Package session is the app core the desktop window binds to (ui.Backend) and the headless
// node runs on: it turns the person's first-run choice (join a swarm, host one, try alone) and
// the config into a running node — identity, chain, registration, swarm, model, round loop —
// and keeps the switches, settings and history the window shows. `swarmdesk run --headless`
// and the window go through the same assembly here, so they cannot drift apart.
package session

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/swarmdesk/swarmdesk/app/chainconn"
	"github.com/swarmdesk/swarmdesk/app/config"
	"github.com/swarmdesk/swarmdesk/app/device"
	"github.com/swarmdesk/swarmdesk/app/env"
	"github.com/swarmdesk/swarmdesk/app/identity"
	"github.com/swarmdesk/swarmdesk/app/node"
	"github.com/swarmdesk/swarmdesk/app/swarm"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/tokenizer"
)

// Options adjust a Session for the command line and for tests; the zero value is the desktop
// app's.
type Options struct {
	// LogWriter also receives every log line as slog text (the headless node's stderr). The
	// window reads the same lines from Logs.
	LogWriter io.Writer
	// Model overrides model.name (`run --model`).
	Model string
	// Offline uses only the local Hugging Face cache.
	Offline bool
	// ListenAddrs are the node's libp2p multiaddrs (default TCP and QUIC, random ports).
	ListenAddrs []string
	// BootnodeListen are the hosted bootnode's multiaddrs (ModeHost; default port 4001).
	BootnodeListen []string
	// RoundLength overrides network.round_seconds for a hosted swarm (tests use seconds, which
	// the config refuses because real rounds are never that short).
	RoundLength time.Duration
	// NoPortMap skips asking the router for port mappings (tests on loopback, where router
	// discovery only costs time).
	NoPortMap bool
	// Getenv reads HF_HUB_CACHE and friends (default os.Getenv).
	Getenv func(string) string
	// OpenModel replaces resolving and loading model.name (tests); progress takes byte counts.
	OpenModel func(ctx context.Context, name string, progress func(Progress)) (*qwen2.Model, *tokenizer.Tokenizer, error)
}

// ErrRunning is returned by what cannot happen while the node runs (a second Start, replacing
// the identity).
var ErrRunning = errors.New("the node is running: stop it first")

// Session is one computer's place in a swarm. Its methods are safe from any goroutine; those
// that touch disk, chain or network may block.
type Session struct {
	env  *env.Setup
	opts Options
	log  *slog.Logger
	ring *ring

	mu    sync.Mutex
	state savedState
	saved bool // state was read from session.json with a mode
	run   *running
	// What the last stopped node left: its snapshot, Run's error, its done channel.
	last     node.Snapshot
	lastErr  error
	lastDone chan struct{}
	plan     string         // the memory plan of the last start (node.Setup.Describe)
	dev      *device.Choice // the compute device the model went to, once loaded
}

// running is what Start opened; Stop closes it in reverse order.
type running struct {
	cancel context.CancelFunc
	done   chan struct{} // closed when the node's Run returned
	err    error         // Run's error, set before done closes
	node   *node.Node
	sw     *swarm.Node
	conn   *chainconn.Conn
	host   *Host
	id     *identity.Identity
	model  string
}

// New prepares a session on e; it opens nothing until Start. The saved choice and the training
// switch are read from the data folder (a damaged file counts as a first run, and is logged).
func New(e *env.Setup, opts Options) *Session {
	s := &Session{env: e, opts: opts, ring: newRing(LogLines)}
	level := parseLevel(e.Config.Log.Level)
	hs := teeHandler{slog.NewTextHandler(s.ring, &slog.HandlerOptions{Level: level})}
	if opts.LogWriter != nil {
		hs = append(hs, slog.NewTextHandler(opts.LogWriter, &slog.HandlerOptions{Level: level}))
	}
	s.log = slog.New(hs)
	st, ok, err := loadState(s.statePath())
	if err != nil {
		s.log.Warn("the saved first-run choice is unreadable; choose again", "reason", err.Error())
	}
	s.state, s.saved = st, ok
	return s
}

// Logger is the session's log: it feeds Logs and, headless, LogWriter.
func (s *Session) Logger() *slog.Logger { return s.log }

// Identity opens the key store and loads the identity, creating one on the first run. When the
// store needs the person's passphrase first, the error is a *LockedError.
func (s *Session) Identity() (OpenedIdentity, error) {
	id, store, created, err := s.env.Identity()
	if err != nil {
		return OpenedIdentity{}, lockedError(err)
	}
	return OpenedIdentity{ID: id, KeyLocation: store.Location(), Created: created}, nil
}

// NewSecretsFile reports whether opening the store creates a new encrypted file.
func (s *Session) NewSecretsFile() bool { return s.env.NewSecretsFile() }

// SetPassphrase supplies the passphrase a person typed.
func (s *Session) SetPassphrase(p []byte) { s.env.SetPassphrase(p) }

// SecretsDir is where the encrypted fallback store lives.
func (s *Session) SecretsDir() string { return s.env.SecretsDir() }

// DataDir is where the node keeps checkpoints, metrics and the local chain.
func (s *Session) DataDir() string { return s.env.Dirs.Data }

// nodeDir holds the node's state.json, rounds.jsonl and checkpoints.
func (s *Session) nodeDir() string { return filepath.Join(s.env.Dirs.Data, "node") }

// Logs is the most recent log lines, oldest first.
func (s *Session) Logs() []string { return s.ring.snapshot() }

// Choice is the saved first-run decision; ok is false until one was made.
func (s *Session) Choice() (Choice, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.saved {
		return Choice{}, false
	}
	return s.state.choice(), true
}

// Config is the settings in effect (the file, the environment and flags, and the choice).
func (s *Session) Config() config.Config {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.env.Config
	c.Network.Bootnodes = append([]string(nil), c.Network.Bootnodes...)
	return c
}

// ModelName is the policy model in use (or that Start will use).
func (s *Session) ModelName() string {
	if s.opts.Model != "" {
		return s.opts.Model
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.env.Config.Model.Name
}
