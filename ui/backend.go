package ui

import (
	"context"

	"github.com/swarmdesk/swarmdesk/app/config"
	"github.com/swarmdesk/swarmdesk/app/experiment"
	"github.com/swarmdesk/swarmdesk/app/identity"
	"github.com/swarmdesk/swarmdesk/app/node"
	"github.com/swarmdesk/swarmdesk/app/session"
)

// Backend is everything the window needs from the app core. app/session.Session implements it;
// screen tests use a fake. Every method may block (disk, chain, network), so screens call them
// off the UI goroutine and show the result with fyne.Do.
type Backend interface {
	Starter

	// Choice is the first-run decision; ok is false until one was made (first run).
	Choice() (c session.Choice, ok bool)
	// ImportIdentity replaces this computer's identity with an rl-swarm swarm.pem (its bytes).
	ImportIdentity(pem []byte) (*identity.Identity, error)
	// Start saves the choice and brings the node up (chain, registration, swarm, model, round
	// loop), reporting each stage; it returns once the node runs or with an error that says what
	// to do. ctx cancels the start-up.
	Start(ctx context.Context, c session.Choice, progress func(session.Progress)) error
	// Stop stops the node at its next safe point and closes everything Start opened.
	Stop()

	// Training is the on/off switch; SetTraining persists it (it survives restarts) and pauses
	// or resumes the node.
	Training() bool
	SetTraining(on bool) error
	// CheckpointNow asks the running node for a full checkpoint at the end of this round.
	CheckpointNow() error
	// Snapshot is the node's status now.
	Snapshot() node.Snapshot
	// Events streams the node's events; the window is its only reader.
	Events() <-chan node.Event
	// History is every round this node played, oldest first (rounds.jsonl).
	History() ([]node.RoundMetrics, error)
	// Leaderboard reads the coordinator's board (this node marked Self).
	Leaderboard(ctx context.Context) (session.Leaderboard, error)
	// PeersConnected is how many swarm peers are connected now.
	PeersConnected() int
	// PeerView is the connected peers with their scores, and who sent refused messages and why.
	PeerView() session.PeerView
	// Device is what the engine computes on.
	Device() session.Device
	// ModelName is the policy model in use.
	ModelName() string
	// Invite is what others paste to join this swarm; ok is false unless this computer hosts it.
	Invite() (inv session.Invite, ok bool)
	// LastExperiment is the sharing experiment's last results (the host's "Does sharing help?");
	// ok is false before any experiment wrote some.
	LastExperiment() (r experiment.Results, ok bool, err error)
	// RunExperiment plays the desktop-sized sharing experiment, reporting a line per round and
	// run, and returns when it is done; cancelling ctx stops it (finished runs are kept).
	RunExperiment(ctx context.Context, progress func(string)) error

	// Config is the settings in effect.
	Config() config.Config
	// SaveSetting validates one setting (a config key such as resources.threads), writes
	// config.toml and applies it; restart is true when it takes effect on the next start.
	SaveSetting(key, value string) (restart bool, err error)
	// ExportIdentity writes swarm.pem (rl-swarm's format) to path.
	ExportIdentity(path string) error
	// DataDir is where the node keeps checkpoints, metrics and the local chain.
	DataDir() string
	// Logs is the most recent log lines, oldest first, with secrets already redacted.
	Logs() []string
}
