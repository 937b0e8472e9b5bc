package ui

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

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
	if d.round.Text != "Round 3" || d.phase.Text != "Now: training" {
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

// After turning training off, quitting and relaunching, the node's snapshot still carries the
// last phase it reported ("submit"); the dashboard must say it is paused, not "submitting to the
// chain" with a full bar.
func TestDashboardPausedHidesLastPhase(t *testing.T) {
	tests := []struct {
		name     string
		state    node.State
		training bool
	}{
		{"relaunched with training off", node.StatePaused, false},
		{"switch off, node not told yet", node.StateWaiting, false},
		{"on battery", node.StateOnBattery, true},
		{"computer in use", node.StateUserActive, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newFakeBackend()
			b.training = tt.training
			b.snap.State, b.snap.Phase, b.snap.Round = tt.state, node.PhaseSubmit, 12
			s, _ := runningShell(t, b)
			d := s.main.dash
			if strings.Contains(d.phase.Text, "submitting") || d.phaseBar.Visible() || d.countdown.Text != "" {
				t.Fatalf("paused dashboard shows phase %q, bar visible %v, countdown %q", d.phase.Text, d.phaseBar.Visible(), d.countdown.Text)
			}
			if !strings.Contains(d.phase.Text, "nothing") {
				t.Fatalf("phase line %q should say nothing is played", d.phase.Text)
			}
		})
	}
}

// While the node waits for the next round the bar moves with the time and the countdown says how
// long is left (it used to idle at 1/8 and jump when the round started).
func TestDashboardCountdown(t *testing.T) {
	test.NewTempApp(t)
	d := newDashboard(IdentityInfo{}, func(bool) {}, func(string) {})
	start := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	now := start.Add(100 * time.Second)
	d.now = func() time.Time { return now }
	d.setRoundLength(5 * time.Minute)
	d.apply(node.Event{Kind: node.EventState, State: node.StateRunning})
	d.apply(node.Event{Kind: node.EventPhase, Round: 4, Phase: node.PhaseGenerate, Time: start})
	d.apply(node.Event{Kind: node.EventPhase, Round: 5, Phase: node.PhaseWait, Time: start.Add(time.Minute)})
	if d.countdown.Text != "next round in 3:20" {
		t.Fatalf("countdown %q, want next round in 3:20", d.countdown.Text)
	}
	p1 := d.phaseBar.Value
	now = start.Add(250 * time.Second)
	d.tick()
	if d.countdown.Text != "next round in 0:50" || d.phaseBar.Value <= p1 {
		t.Fatalf("after 150 s: countdown %q, bar %v (was %v)", d.countdown.Text, d.phaseBar.Value, p1)
	}
	if want := 250.0 / 300; math.Abs(d.phaseBar.Value-want) > 1e-9 {
		t.Fatalf("bar %v, want %v", d.phaseBar.Value, want)
	}
}

func TestRoundClock(t *testing.T) {
	t0 := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		c    roundClock
		now  time.Time
		want time.Time
		ok   bool
	}{
		{"unknown length", roundClock{anchor: t0}, t0, time.Time{}, false},
		{"unknown anchor", roundClock{length: time.Minute}, t0, time.Time{}, false},
		{"within the round", roundClock{length: time.Minute, anchor: t0}, t0.Add(10 * time.Second), t0.Add(time.Minute), true},
		{"rounds later (app reopened)", roundClock{length: time.Minute, anchor: t0}, t0.Add(150 * time.Second), t0.Add(3 * time.Minute), true},
		{"exactly on a start", roundClock{length: time.Minute, anchor: t0}, t0.Add(time.Minute), t0.Add(2 * time.Minute), true},
	}
	for _, tt := range tests {
		got, ok := tt.c.next(tt.now)
		if ok != tt.ok || !got.Equal(tt.want) {
			t.Errorf("%s: next = %v %v, want %v %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
	hist := []node.RoundMetrics{{Time: t0}, {Time: t0.Add(50 * time.Second)}, {Time: t0.Add(110 * time.Second)}, {Time: t0.Add(5 * time.Hour)}}
	if got := roundLengthFrom(hist); got != 60*time.Second {
		t.Errorf("roundLengthFrom = %v, want the 60 s median without the 5 h pause", got)
	}
	for _, tt := range []struct {
		left time.Duration
		want string
	}{{0, "next round any moment now"}, {61 * time.Second, "next round in 1:01"}, {2 * time.Hour, "next round in about 2h 00m"}} {
		if got := countdownText(tt.left); got != tt.want {
			t.Errorf("countdownText(%v) = %q, want %q", tt.left, got, tt.want)
		}
	}
}

func TestRewardTrend(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	r := func(ago time.Duration, reward float64) node.RoundMetrics {
		return node.RoundMetrics{Time: now.Add(-ago), Reward: reward, Answers: 4}
	}
	tests := []struct {
		name     string
		hist     []node.RoundMetrics
		headline string
		change   string
		points   int
	}{
		{"nothing", nil, "—", "No answered round yet.", 0},
		{"one round", []node.RoundMetrics{r(time.Minute, 0.2)}, "0.200", "One round so far.", 1},
		{"young node", []node.RoundMetrics{r(3*time.Minute, 0.1), r(2*time.Minute, 0.3), r(time.Minute, 0.4)}, "0.400", "▲ +0.300 since the first round", 3},
		{"a day old", []node.RoundMetrics{r(30*time.Hour, 0.9), r(25*time.Hour, 0.5), r(time.Minute, 0.25)}, "0.250", "▼ -0.250 since yesterday", 1},
		{"all zero", []node.RoundMetrics{r(2*time.Minute, 0), r(time.Minute, 0)}, "0.000", "unchanged since the first round — no answer solved yet", 2},
	}
	for _, tt := range tests {
		got := rewardTrend(tt.hist, now)
		if got.headline != tt.headline || got.change != tt.change || len(got.values) != tt.points {
			t.Errorf("%s: %q %q %d points, want %q %q %d", tt.name, got.headline, got.change, len(got.values), tt.headline, tt.change, tt.points)
		}
	}
}

func TestRankChangeText(t *testing.T) {
	at := time.Date(2026, 12, 6, 9, 5, 0, 0, time.Local)
	for _, tt := range []struct {
		before, now int
		want        string
	}{{5, 3, "▲ up 2 since 09:05"}, {3, 4, "▼ down 1 since 09:05"}, {2, 2, "unchanged since 09:05"}} {
		if got := rankChangeText(tt.before, tt.now, at); got != tt.want {
			t.Errorf("rankChangeText(%d, %d) = %q, want %q", tt.before, tt.now, got, tt.want)
		}
	}
}

// The cards reflow: one column at 800 px (minus the navigation), several on a wide window, and
// every card is at least as tall as its content.
func TestCardGridReflows(t *testing.T) {
	test.NewTempApp(t)
	var objs []fyne.CanvasObject
	for i := range 6 {
		r := canvas.NewRectangle(nil)
		r.SetMinSize(fyne.NewSize(100, float32(40+10*i)))
		objs = append(objs, r)
	}
	g := &cardGrid{minW: 360}
	for _, tt := range []struct {
		width float32
		cols  int
	}{{640, 1}, {800, 2}, {1400, 3}, {3800, 6}} {
		g.Layout(objs, fyne.NewSize(tt.width, 1000))
		if g.cols != tt.cols {
			t.Errorf("width %v: %d columns, want %d", tt.width, g.cols, tt.cols)
		}
		for i, o := range objs {
			if o.Size().Height < o.MinSize().Height || o.Position().X+o.Size().Width > tt.width+0.5 {
				t.Errorf("width %v: card %d at %v size %v", tt.width, i, o.Position(), o.Size())
			}
		}
		if h := g.MinSize(objs).Height; h < objs[len(objs)-1].Position().Y+objs[len(objs)-1].Size().Height {
			t.Errorf("width %v: MinSize height %v cuts off the last row", tt.width, h)
		}
	}
	objs[0].Hide()
	g.Layout(objs, fyne.NewSize(640, 1000))
	if objs[1].Position().Y != 0 {
		t.Errorf("a hidden card still takes a place: the next starts at %v", objs[1].Position())
	}
}

// The window works 800 px wide (a 1280×720 laptop with a side panel): no screen of the main view
// asks for more. The old dashboard's two fixed columns made the window at least 878 px wide.
func TestMainViewFits800(t *testing.T) {
	b := newFakeBackend()
	b.hosting = true
	b.invite = session.Invite{RPCURL: "http://192.168.1.2:8545", ChainID: 1337, Contract: "0x0000000000000000000000000000000000000001",
		Bootnodes: []string{"/ip4/192.168.1.2/tcp/4001/p2p/QmBoot"}}
	b.snap.LastError = "a long problem message that wraps rather than widening the window: " + strings.Repeat("chain timeout ", 20)
	s, _ := runningShell(t, b)
	for i := range s.main.pages {
		s.main.selectView(i)
		if w := s.main.obj.MinSize().Width; w > 800 {
			t.Errorf("view %d needs %v px, more than 800", i, w)
		}
	}
}

func TestLastRoundText(t *testing.T) {
	// The last round's line carries the node's disk figures (checkpoints) under it.
	const noDisk = "disk: 0 MB written in the last 24 h, checkpoints take 0 MB"
	for _, tt := range []struct {
		m    *node.RoundMetrics
		want string
	}{
		{nil, "no round played yet"},
		{&node.RoundMetrics{Round: 4, Reward: 0.438, Trained: true, Loss: math.Copysign(0, -1)}, "round 4: reward 0.438, trained\n" + noDisk},
		{&node.RoundMetrics{Round: 5, Reward: 0.5, Trained: true, Loss: 0.0123}, "round 5: reward 0.500, loss 0.0123\n" + noDisk},
		{&node.RoundMetrics{Round: 6, Reward: 0.1, TrainError: "out of memory"}, "round 6: reward 0.100, not trained: out of memory\n" + noDisk},
	} {
		if got := lastRoundText(tt.m); got != tt.want {
			t.Errorf("lastRoundText = %q, want %q", got, tt.want)
		}
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
	if s.main.settings.selects[keyTrainMode].Selected == "" {
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
		{session.Device{Kind: "CUDA", Name: "NVIDIA H100", MemoryBytes: 80 << 30, KVCache: "bf16 KV cache"}, "CUDA · NVIDIA H100 · 80.0 GiB memory · bf16 KV cache"},
		{session.Device{Kind: "CPU", Name: "EPYC, 2 threads", KVCache: "f32 KV cache", Note: "engine.kv_cache is bf16, but the CPU backend keeps the KV cache in f32 only"},
			"CPU · EPYC, 2 threads · f32 KV cache\nengine.kv_cache is bf16, but the CPU backend keeps the KV cache in f32 only"},
	} {
		if got := deviceText(tc.d); got != tc.want {
			t.Errorf("deviceText(%+v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}
