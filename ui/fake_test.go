package ui

import (
	"context"
	"errors"
	"sync"

	"github.com/swarmdesk/swarmdesk/app/config"
	"github.com/swarmdesk/swarmdesk/app/experiment"
	"github.com/swarmdesk/swarmdesk/app/identity"
	"github.com/swarmdesk/swarmdesk/app/node"
	"github.com/swarmdesk/swarmdesk/app/session"
)

// fakeBackend is a ui.Backend for screen tests: every answer is a field the test sets, and every
// call the screens make is recorded so tests can assert what a click did. Fields are guarded by
// mu because screens call the backend from background goroutines; tests that read the recorded
// calls while screens may still run use the accessor methods.
type fakeBackend struct {
	checkpoints int // CheckpointNow calls
	*fakeStarter

	mu sync.Mutex

	// Answers.
	choice    session.Choice
	hasChoice bool
	training  bool
	snap      node.Snapshot
	history   []node.RoundMetrics
	board     session.Leaderboard
	boardErr  error
	peers     int
	peerView  session.PeerView
	device    session.Device
	model     string
	invite    session.Invite
	hosting   bool
	cfg       config.Config
	dataDir   string
	logs      []string
	// startProgress is reported, in order, by Start before it returns startErr.
	startProgress []session.Progress
	startErr      error
	// afterProgress, when set, runs after each progress report (tests look at the start screen).
	afterProgress func(session.Progress)
	// importErr / setTrainingErr / exportErr make those calls fail.
	importErr      error
	setTrainingErr error
	exportErr      error
	// saveErr maps a setting key to the validation error SaveSetting returns for it; restartKeys
	// are the keys that take effect after a restart.
	saveErr     map[string]error
	restartKeys map[string]bool

	// expResults / hasExp / expErr are what LastExperiment returns; RunExperiment reports
	// expProgress, then waits for its ctx when expWait is set, else returns expRunErr.
	expResults  experiment.Results
	hasExp      bool
	expErr      error
	expProgress []string
	expWait     bool
	expWaiting  chan struct{} // closed by RunExperiment when it starts waiting for its ctx
	expRunErr   error

	// events is what Events returns; tests send on it (buffered).
	events chan node.Event

	// Recorded calls.
	started     []session.Choice
	stopped     int
	trainingSet []bool
	saved       [][2]string
	exported    []string
	imported    [][]byte
	boardReads  int
	expRuns     int
}

// newFakeBackend is a backend that already made its choice (local mode), trains, and has a
// running node with one round played.
func newFakeBackend() *fakeBackend {
	return &fakeBackend{
		fakeStarter: &fakeStarter{id: testID},
		choice:      session.Choice{Mode: session.ModeLocal},
		hasChoice:   true,
		training:    true,
		snap: node.Snapshot{
			PeerID: testID.PeerID.String(),
			State:  node.StateRunning,
			Phase:  node.PhaseGenerate,
			Round:  3,
		},
		peers:   2,
		device:  session.Device{Kind: "CPU", Name: "Test CPU, 4 threads", Threads: 4, MemoryBytes: 8 << 30, LimitBytes: 4 << 30},
		model:   "Gensyn/Qwen2.5-0.5B-Instruct",
		cfg:     config.Default(),
		dataDir: "/home/ana/.local/share/swarmdesk",
		logs:    []string{"level=INFO msg=\"node started\"", "level=INFO msg=\"round done\" round=2"},
		events:  make(chan node.Event, 64),
	}
}

func (f *fakeBackend) Choice() (session.Choice, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.choice, f.hasChoice
}

func (f *fakeBackend) ImportIdentity(pem []byte) (*identity.Identity, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.imported = append(f.imported, pem)
	if f.importErr != nil {
		return nil, f.importErr
	}
	return testID, nil
}

func (f *fakeBackend) Start(ctx context.Context, c session.Choice, progress func(session.Progress)) error {
	f.mu.Lock()
	f.started = append(f.started, c)
	steps, err := f.startProgress, f.startErr
	f.mu.Unlock()
	for _, p := range steps {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		progress(p)
		if f.afterProgress != nil {
			f.afterProgress(p)
		}
	}
	if err != nil {
		return err
	}
	f.mu.Lock()
	f.choice, f.hasChoice = c, true
	f.mu.Unlock()
	return nil
}

func (f *fakeBackend) Stop() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stopped++
}

func (f *fakeBackend) Training() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.training
}

func (f *fakeBackend) SetTraining(on bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.trainingSet = append(f.trainingSet, on)
	if f.setTrainingErr != nil {
		return f.setTrainingErr
	}
	f.training = on
	return nil
}

func (f *fakeBackend) Snapshot() node.Snapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.snap
}

func (f *fakeBackend) Events() <-chan node.Event { return f.events }

func (f *fakeBackend) History() ([]node.RoundMetrics, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]node.RoundMetrics(nil), f.history...), nil
}

func (f *fakeBackend) Leaderboard(ctx context.Context) (session.Leaderboard, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.boardReads++
	if f.boardErr != nil {
		return session.Leaderboard{}, f.boardErr
	}
	return f.board, nil
}

func (f *fakeBackend) PeerView() session.PeerView {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.peerView
}

func (f *fakeBackend) PeersConnected() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.peers
}

func (f *fakeBackend) Device() session.Device {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.device
}

func (f *fakeBackend) ModelName() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.model
}

func (f *fakeBackend) Invite() (session.Invite, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.invite, f.hosting
}

func (f *fakeBackend) Config() config.Config {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cfg
}

func (f *fakeBackend) CheckpointNow() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.checkpoints++
	return nil
}

func (f *fakeBackend) SaveSetting(key, value string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.saved = append(f.saved, [2]string{key, value})
	if err := f.saveErr[key]; err != nil {
		return false, err
	}
	return f.restartKeys[key], nil
}

func (f *fakeBackend) ExportIdentity(path string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.exported = append(f.exported, path)
	return f.exportErr
}

func (f *fakeBackend) DataDir() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.dataDir
}

func (f *fakeBackend) Logs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.logs...)
}

// setSnapshot replaces the node status the backend reports.
func (f *fakeBackend) setSnapshot(s node.Snapshot) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.snap = s
}

// savedSettings is a copy of the SaveSetting calls so far.
func (f *fakeBackend) savedSettings() [][2]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][2]string(nil), f.saved...)
}

// trainingCalls is a copy of the SetTraining calls so far.
func (f *fakeBackend) trainingCalls() []bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]bool(nil), f.trainingSet...)
}

// startedWith is a copy of the choices Start was called with.
func (f *fakeBackend) startedWith() []session.Choice {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]session.Choice(nil), f.started...)
}

var errFake = errors.New("fake failure")

var _ Backend = (*fakeBackend)(nil)

func (f *fakeBackend) stopCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stopped
}

func (f *fakeBackend) LastExperiment() (experiment.Results, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.expResults, f.hasExp, f.expErr
}

func (f *fakeBackend) RunExperiment(ctx context.Context, progress func(string)) error {
	f.mu.Lock()
	f.expRuns++
	lines, wait, err := f.expProgress, f.expWait, f.expRunErr
	f.mu.Unlock()
	for _, l := range lines {
		progress(l)
	}
	if wait {
		close(f.expWaiting)
		<-ctx.Done()
		return ctx.Err()
	}
	return err
}

func (f *fakeBackend) experimentRuns() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.expRuns
}
