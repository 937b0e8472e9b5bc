package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/swarmdesk/swarmdesk/app/node"
	"github.com/swarmdesk/swarmdesk/app/session"
)

// chartsRecorder stands in for the charts screen (its own helper tests the drawing) and records
// what the shell fed it.
type chartsRecorder struct {
	history []node.RoundMetrics
	added   []node.RoundMetrics
}

func (c *chartsRecorder) Object() fyne.CanvasObject        { return container.NewStack() }
func (c *chartsRecorder) SetHistory(h []node.RoundMetrics) { c.history = h }
func (c *chartsRecorder) Add(m node.RoundMetrics)          { c.added = append(c.added, m) }

// runningShell is a shell past start-up, showing the main view on b.
func runningShell(t *testing.T, b *fakeBackend) (*Shell, fyne.Window) {
	t.Helper()
	s, w, _ := newTestShellWith(t, b)
	s.Start()
	if s.main == nil {
		t.Fatalf("the main view did not show; screen: %q", Texts(s.Content()))
	}
	return s, w
}

func TestStartUsesSavedChoiceAndShowsProgress(t *testing.T) {
	b := newFakeBackend()
	b.choice = session.Choice{Mode: session.ModeHost}
	var seen []string
	b.startProgress = []session.Progress{{Stage: session.StageChain, Message: "starting the local chain"}}
	s, _, _ := newTestShellWith(t, b)
	// Look at the start screen while Start reports progress.
	b.afterProgress = func(session.Progress) { seen = append(seen, Texts(s.Content())...) }
	s.Start()
	if got := b.startedWith(); len(got) != 1 || got[0].Mode != session.ModeHost {
		t.Fatalf("Start called with %+v, want the saved host choice", got)
	}
	if !slices.Contains(seen, "Connecting to the chain…") || !slices.Contains(seen, "starting the local chain") {
		t.Fatalf("the start screen showed %q", seen)
	}
	if s.main == nil {
		t.Fatalf("after Start the main view should show, got %q", Texts(s.Content()))
	}
}

func TestStartScreenShowsBytes(t *testing.T) {
	test.NewTempApp(t)
	p := newStartScreen()
	p.update(session.Progress{Stage: session.StageDownload, Message: "model.safetensors", Done: 512 << 20, Total: 1 << 30})
	if !hasText(p.obj, "Downloading the model") || !hasText(p.obj, "model.safetensors") {
		t.Fatalf("start screen: %q", Texts(p.obj))
	}
	if !p.bar.Visible() || p.bar.Value != float64(512<<20) || p.bar.Max != float64(1<<30) {
		t.Fatalf("bar visible=%v %v/%v", p.bar.Visible(), p.bar.Value, p.bar.Max)
	}
	if got := p.bar.TextFormatter(); got != "512 MiB of 1.0 GiB" {
		t.Fatalf("bar text %q", got)
	}
	p.update(session.Progress{Stage: session.StageRegister})
	if p.bar.Visible() || !p.spin.Visible() {
		t.Fatal("a stage without a measure should show the spinner, not the bar")
	}
}

func TestStartErrorRetries(t *testing.T) {
	b := newFakeBackend()
	b.startErr = errFake
	s, _, _ := newTestShellWith(t, b)
	s.Start()
	if !hasText(s.Content(), "fake failure") {
		t.Fatalf("error screen: %q", Texts(s.Content()))
	}
	b.mu.Lock()
	b.startErr = nil
	b.mu.Unlock()
	test.Tap(findButton(s.Content(), "Try again"))
	if len(b.startedWith()) != 2 || s.main == nil {
		t.Fatalf("retry: %d starts, main view %v", len(b.startedWith()), s.main != nil)
	}
}

func TestFirstRunShowsOnboarding(t *testing.T) {
	b := newFakeBackend()
	b.hasChoice = false
	s, _, _ := newTestShellWith(t, b)
	s.Start()
	if s.main != nil || len(b.startedWith()) != 0 {
		t.Fatal("a first run must not start the node before the person chose")
	}
	if !hasText(s.Content(), "Welcome to swarmdesk") {
		t.Fatalf("first run shows %q, want the welcome", Texts(s.Content()))
	}
	// The installed app's smoke test looks for the peer ID on the first screen.
	for _, want := range []string{testID.PeerID.String(), testID.Name()} {
		if !hasText(s.Content(), want) {
			t.Errorf("the welcome does not say which node this is (%q); shows %q", want, Texts(s.Content()))
		}
	}
}

func TestAutoStartSkipsOnboarding(t *testing.T) {
	b := newFakeBackend()
	b.hasChoice = false
	s, _, _ := newTestShellWith(t, b)
	s.AutoStart = &session.Choice{Mode: session.ModeLocal}
	s.Start()
	if got := b.startedWith(); len(got) != 1 || got[0].Mode != session.ModeLocal || s.main == nil {
		t.Fatalf("auto start: Start(%+v), main %v", got, s.main != nil)
	}
}

func TestTrainingSwitch(t *testing.T) {
	b := newFakeBackend()
	b.training = false
	s, _ := runningShell(t, b)
	d := s.main.dash
	if d.toggle.On || d.toggleLabel.Text != "Training off" {
		t.Fatalf("switch should reflect Training()=false, is %v %q", d.toggle.On, d.toggleLabel.Text)
	}
	test.Tap(d.toggle)
	if got := b.trainingCalls(); !slices.Equal(got, []bool{true}) {
		t.Fatalf("SetTraining calls %v, want [true]", got)
	}
	if !d.toggle.On || d.toggleLabel.Text != "Training on" || !s.tray.training.Checked {
		t.Fatalf("after tap: on=%v label=%q tray=%v", d.toggle.On, d.toggleLabel.Text, s.tray.training.Checked)
	}

	// A refused switch goes back and says why.
	b.mu.Lock()
	b.setTrainingErr = errFake
	b.mu.Unlock()
	test.Tap(d.toggle)
	if !d.toggle.On || !strings.Contains(d.lastErr.Text, "fake failure") || !d.lastErr.Visible() {
		t.Fatalf("refused: on=%v problem=%q", d.toggle.On, d.lastErr.Text)
	}
}

func TestRoundEventUpdatesDashboardAndCharts(t *testing.T) {
	b := newFakeBackend()
	b.history = []node.RoundMetrics{{Round: 1, Reward: 0.5}, {Round: 2, Reward: 0.7}}
	b.board = session.Leaderboard{Rows: []session.LeaderRow{{Rank: 1, Name: "a", PeerID: "x"}}, Read: time.Now()}
	s, _ := runningShell(t, b)
	reads := b.boardReads

	s.handle(node.Event{Kind: node.EventPhase, Round: 3, Phase: node.PhaseTrain})
	d := s.main.dash
	if d.round.Text != "Round 3" || d.phase.Text != "Phase: training" {
		t.Fatalf("after phase: %q %q", d.round.Text, d.phase.Text)
	}
	if want := phaseProgress(node.PhaseTrain); d.phaseBar.Value != want || want <= 0.5 {
		t.Fatalf("phase bar %v, want %v", d.phaseBar.Value, want)
	}
	m := node.RoundMetrics{Round: 3, Reward: 1.25, Trained: true, Loss: 0.0123, DiskWrittenPerDay: 47.4e9, DiskUsed: 5.9e9}
	s.handle(node.Event{Kind: node.EventRound, Round: 3, Metrics: &m})
	if d.last.Text != "round 3: reward 1.250, loss 0.0123\ndisk: 47.4 GB written in the last 24 h, checkpoints take 5.9 GB" {
		t.Fatalf("last round %q", d.last.Text)
	}
	if b.boardReads != reads+1 {
		t.Fatalf("a round should refresh the leaderboard: %d reads, want %d", b.boardReads, reads+1)
	}
	rec := s.main.charts.(*chartsRecorder)
	if len(rec.history) != 2 || len(rec.added) != 1 || rec.added[0].Round != 3 {
		t.Fatalf("charts got history %d rounds and added %+v; want 2 and round 3", len(rec.history), rec.added)
	}
}

func TestEventPumpDispatches(t *testing.T) {
	b := newFakeBackend()
	s, _, _ := newTestShellWith(t, b)
	// The pump runs inline: it reads until the channel closes.
	s.background = func(f func()) { f() }
	b.events <- node.Event{Kind: node.EventState, State: node.StateOnBattery}
	b.events <- node.Event{Kind: node.EventPhase, Round: 7, Phase: node.PhaseGather}
	close(b.events)
	s.Start()
	d := s.main.dash
	if d.snap.State != node.StateOnBattery || d.round.Text != "Round 7" {
		t.Fatalf("after the pump: state %q round %q", d.snap.State, d.round.Text)
	}
	if !strings.Contains(d.state.Text, "battery") {
		t.Fatalf("state line %q should say on battery", d.state.Text)
	}
}

func TestDashboardShowsNode(t *testing.T) {
	b := newFakeBackend()
	b.hosting = true
	b.invite = session.Invite{RPCURL: "http://192.168.1.2:8545", ChainID: 1337, Contract: "0x0000000000000000000000000000000000000001",
		Bootnodes: []string{"/ip4/192.168.1.2/tcp/4001/p2p/QmBoot"}}
	b.snap.LastError = "chain: timeout"
	b.snap.PendingSubmissions = 2
	b.snap.Submitting = true
	s, _ := runningShell(t, b)
	for _, want := range []string{"CPU · Test CPU, 4 threads · 8.0 GiB memory · limit 4.0 GiB", "Gensyn/Qwen2.5-0.5B-Instruct",
		"2 peers connected", "2 submissions waiting", "Last problem: chain: timeout", testID.Name(), "Invite others"} {
		if !hasText(s.Content(), want) {
			t.Errorf("dashboard lacks %q: %q", want, Texts(s.Content()))
		}
	}
	test.Tap(findButton(s.Content(), "Copy invite"))
	if got := fyne.CurrentApp().Clipboard().Content(); got != b.invite.String() {
		t.Fatalf("clipboard %q, want the invite", got)
	}
}

func TestApplyEvent(t *testing.T) {
	m := &node.RoundMetrics{Round: 9, Reward: 1}
	tests := []struct {
		name string
		ev   node.Event
		want func(node.Snapshot) bool
	}{
		{"state", node.Event{Kind: node.EventState, State: node.StatePaused}, func(s node.Snapshot) bool { return s.State == node.StatePaused && s.Paused }},
		{"user active", node.Event{Kind: node.EventState, State: node.StateUserActive}, func(s node.Snapshot) bool { return s.State == node.StateUserActive && !s.Paused }},
		{"phase", node.Event{Kind: node.EventPhase, Round: 4, Phase: node.PhaseScore}, func(s node.Snapshot) bool { return s.Round == 4 && s.Phase == node.PhaseScore }},
		{"round", node.Event{Kind: node.EventRound, Metrics: m}, func(s node.Snapshot) bool {
			return s.Last != nil && s.Last.Round == 9 && s.Round == 9 && s.NextRound == 10 && s.RoundsPlayed == 1
		}},
		{"error", node.Event{Kind: node.EventError, Err: "boom"}, func(s node.Snapshot) bool { return s.LastError == "boom" && s.Errors == 1 }},
		{"peers change nothing", node.Event{Kind: node.EventPeers}, func(s node.Snapshot) bool { return s.Round == 2 && s.State == node.StateRunning }},
	}
	for _, tt := range tests {
		s := node.Snapshot{Round: 2, State: node.StateRunning}
		applyEvent(&s, tt.ev)
		if !tt.want(s) {
			t.Errorf("%s: snapshot %+v", tt.name, s)
		}
	}
}

func TestStateText(t *testing.T) {
	tests := []struct {
		st       node.State
		training bool
		want     string
	}{
		{node.StateRunning, true, "Training"},
		{node.StatePaused, false, "Paused"},
		{node.StateOnBattery, true, "on battery"},
		{node.StateUserActive, true, "use the computer"},
		{node.StateWaiting, true, "next round"},
		{node.StateIdle, false, "Paused"},
	}
	for _, tt := range tests {
		if got := stateText(tt.st, tt.training); !strings.Contains(got, tt.want) {
			t.Errorf("stateText(%q, %v) = %q, want it to contain %q", tt.st, tt.training, got, tt.want)
		}
	}
}

func TestPhaseProgressIsMonotonic(t *testing.T) {
	prev := 0.0
	for _, p := range roundPhases {
		v := phaseProgress(p)
		if v <= prev || v > 1 {
			t.Fatalf("phase %q: %v after %v", p, v, prev)
		}
		prev = v
	}
	if prev != 1 || phaseProgress(node.PhaseNone) != 0 {
		t.Fatalf("last phase %v, none %v", prev, phaseProgress(node.PhaseNone))
	}
}

func TestColumnsLayout(t *testing.T) {
	c := &columns{minColumn: 300}
	tests := []struct {
		width float32
		side  bool
	}{{800, true}, {599, false}, {1280, true}}
	for _, tt := range tests {
		if got := c.sideBySide(tt.width, 2); got != tt.side {
			t.Errorf("width %v: side by side %v, want %v", tt.width, got, tt.side)
		}
	}
}

// Side by side, the row is as tall as its tallest column (no empty band under it); stacked, the
// columns' heights add up.
func TestColumnsMinSize(t *testing.T) {
	test.NewTempApp(t)
	a, b := canvas.NewRectangle(nil), canvas.NewRectangle(nil)
	a.SetMinSize(fyne.NewSize(100, 40))
	b.SetMinSize(fyne.NewSize(120, 70))
	objs := []fyne.CanvasObject{a, b}
	c := &columns{minColumn: 300}
	stacked := 40 + theme.Padding() + 70
	if h := c.MinSize(objs).Height; h != stacked {
		t.Fatalf("before any layout: height %v, want the stacked %v", h, stacked)
	}
	c.Layout(objs, fyne.NewSize(800, 70))
	if h := c.MinSize(objs).Height; h != 70 {
		t.Fatalf("side by side: height %v, want the tallest column's 70", h)
	}
	if a.Position().X != 0 || b.Position().X <= 300 {
		t.Fatalf("not side by side: %v %v", a.Position(), b.Position())
	}
	c.Layout(objs, fyne.NewSize(500, stacked))
	if h := c.MinSize(objs).Height; h != stacked {
		t.Fatalf("stacked again: height %v, want %v", h, stacked)
	}
	if b.Position().Y != 40+theme.Padding() {
		t.Fatalf("second column at %v, want below the first", b.Position())
	}
}

// What the node trains and why (the memory plan) shows on the dashboard under the switch and
// in Settings under the training mode.
func TestMemoryPlanShown(t *testing.T) {
	b := newFakeBackend()
	b.snap.Training = "training LoRA adapters of rank 8: the full model would need 9.38 GiB, more than the 5.86 GiB allowed"
	b.device.Plan = "training LoRA adapters of rank 8 (settings view)"
	s, _ := runningShell(t, b)
	if got := s.main.dash.learns; !got.Visible() || !strings.HasPrefix(got.Text, "Training LoRA adapters of rank 8: the full model would need") {
		t.Errorf("dashboard plan line %q (visible %v)", got.Text, got.Visible())
	}
	if got := s.main.settings.plan; !got.Visible() || got.Text != "Plan: training LoRA adapters of rank 8 (settings view)" {
		t.Errorf("settings plan line %q (visible %v)", got.Text, got.Visible())
	}
	if s.main.settings.mode.Selected == "" {
		t.Error("the training mode select shows no mode")
	}
}

func TestDeviceText(t *testing.T) {
	for _, tc := range []struct {
		d    session.Device
		want string
	}{
		{session.Device{}, "—"},
		{session.Device{Kind: "Vulkan", Name: "AMD Radeon RX 7900 XTX", MemoryBytes: 24 << 30}, "Vulkan · AMD Radeon RX 7900 XTX · 24.0 GiB memory"},
		{session.Device{Kind: "CPU", Name: "EPYC, 2 threads", Note: "Test GPU cannot be used: device lost; using the CPU instead"},
			"CPU · EPYC, 2 threads\nTest GPU cannot be used: device lost; using the CPU instead"},
	} {
		if got := deviceText(tc.d); got != tc.want {
			t.Errorf("deviceText(%+v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}
