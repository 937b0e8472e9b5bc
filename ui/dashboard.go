package ui

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/swarmdesk/swarmdesk/app/node"
	"github.com/swarmdesk/swarmdesk/app/session"
)

// roundPhases is the order a round goes through (app/node/events.go), for the round's progress
// bar. PhaseWait comes first: a node waiting for the chain has not started the round yet.
var roundPhases = []node.Phase{
	node.PhaseWait, node.PhaseGenerate, node.PhasePublish, node.PhaseGather,
	node.PhaseScore, node.PhaseTrain, node.PhaseCheckpoint, node.PhaseSubmit,
}

// phaseProgress is how far through the round phase p is, 0..1: the bar moves at each phase
// change, which is the only progress the node reports.
func phaseProgress(p node.Phase) float64 {
	i := slices.Index(roundPhases, p)
	if i < 0 {
		return 0
	}
	return float64(i+1) / float64(len(roundPhases))
}

// phaseText says what the node does in a phase, in words a person understands.
func phaseText(p node.Phase) string {
	switch p {
	case node.PhaseWait:
		return "waiting for the round to start"
	case node.PhaseGenerate:
		return "answering questions"
	case node.PhasePublish:
		return "sharing answers"
	case node.PhaseGather:
		return "collecting peers' answers"
	case node.PhaseScore:
		return "scoring answers"
	case node.PhaseTrain:
		return "training"
	case node.PhaseCheckpoint:
		return "saving progress"
	case node.PhaseSubmit:
		return "submitting to the chain"
	case node.PhaseNone:
		return "—"
	}
	return string(p)
}

// stateText is the status line under the switch. The paused states say why, because a node that
// stopped on its own (battery, someone at the keyboard) otherwise looks broken.
func stateText(st node.State, training bool) string {
	switch st {
	case node.StatePaused:
		return "Paused — turn training on to continue"
	case node.StateOnBattery:
		return "Paused: running on battery (Settings → Run only on AC power)"
	case node.StateUserActive:
		return "Paused while you use the computer (Settings → Run only when idle)"
	case node.StateStarting:
		return "Starting…"
	case node.StateRunning:
		return "Training"
	case node.StateWaiting:
		return "Waiting for the next round"
	case node.StateStopped:
		return "Stopped"
	case node.StateIdle:
		if !training {
			return "Paused"
		}
		return "Getting ready"
	}
	return string(st)
}

// applyEvent folds one node event into the dashboard's copy of the node's status, so the screen
// follows the event stream between snapshots without asking the node for every change.
func applyEvent(s *node.Snapshot, ev node.Event) {
	switch ev.Kind {
	case node.EventState:
		s.State = ev.State
		s.Paused = ev.State == node.StatePaused
	case node.EventPhase:
		s.Phase = ev.Phase
		if ev.Round != 0 {
			s.Round = ev.Round
		}
	case node.EventRound:
		if ev.Metrics != nil {
			m := *ev.Metrics
			s.Last = &m
			s.Round = m.Round
			s.RoundsPlayed++
			if m.Round >= s.NextRound {
				s.NextRound = m.Round + 1
			}
		}
	case node.EventError:
		s.LastError = ev.Err
		s.Errors++
	}
}

// formatBytes prints a memory size the way people read them (GiB with one decimal).
func formatBytes(b uint64) string {
	switch {
	case b == 0:
		return "unknown"
	case b >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", b>>10)
}

// deviceText is the one-line summary of what the engine computes on.
func deviceText(d session.Device) string {
	parts := []string{}
	if d.Kind != "" {
		parts = append(parts, d.Kind)
	}
	if d.Name != "" {
		parts = append(parts, d.Name)
	}
	if d.MemoryBytes > 0 {
		parts = append(parts, formatBytes(d.MemoryBytes)+" memory")
	}
	if d.LimitBytes > 0 {
		parts = append(parts, "limit "+formatBytes(d.LimitBytes))
	}
	if d.KVCache != "" { // engine.kv_cache's outcome, worded by the session
		parts = append(parts, d.KVCache)
	}
	if len(parts) == 0 {
		return "—"
	}
	if d.Note != "" { // why the engine is not on the device (or KV cache type) chosen in Settings
		return strings.Join(parts, " · ") + "\n" + d.Note
	}
	return strings.Join(parts, " · ")
}

// trainsText is the node's memory plan sentence (what it trains and why), capitalised.
func trainsText(plan string) string {
	if plan == "" {
		return ""
	}
	return strings.ToUpper(plan[:1]) + plan[1:]
}

// lastRoundText is the last round's outcome in one line.
func lastRoundText(m *node.RoundMetrics) string {
	if m == nil {
		return "no round played yet"
	}
	s := fmt.Sprintf("round %d: reward %.3f", m.Round, m.Reward)
	switch {
	case m.Trained && math.Abs(m.Loss) < 0.00005:
		// One on-policy GRPO step: every ratio is 1 and a group's advantages sum to zero, so
		// the loss is 0 by construction ("-0.0000" read as broken); the reward is what moves.
		s += ", trained"
	case m.Trained:
		s += fmt.Sprintf(", loss %.4f", m.Loss)
	case m.TrainError != "":
		s += ", not trained: " + m.TrainError
	}
	return s + "\n" + m.DiskText()
}

// dashboard is the main screen, the home a participant leaves open: cards that reflow from an
// 800 px window to 4K — the switch and what the node does now with the time to the next round,
// the reward trend, the rank, peers, device and model, pending submissions, who this node is and
// (when hosting) the invite. It only shows what the shell hands it and forwards the switch.
type dashboard struct {
	snap     node.Snapshot
	training bool
	hosting  bool
	// now is the clock the countdown reads; tests fix it.
	now   func() time.Time
	clock roundClock
	// history is the rounds played, oldest first, for the reward trend.
	history []node.RoundMetrics
	// firstRank is the rank at the first board read of this session, for the rank's change.
	firstRank   int
	firstRankAt time.Time

	toggle      *toggle
	toggleLabel *widget.Label
	state       *widget.Label
	name        *widget.Label
	peerID      *widget.Label
	round       *widget.Label
	phase       *widget.Label
	phaseBar    *widget.ProgressBar
	countdown   *widget.Label
	trend       *sparkline
	reward      *widget.Label
	rewardDelta *widget.Label
	rank        *widget.Label
	rankDelta   *widget.Label
	device      *widget.Label
	model       *widget.Label
	learns      *widget.Label // what the node trains and why (the memory plan)
	peers       *widget.Label
	peerView    *widget.Label
	peersNote   *widget.Label
	last        *widget.Label
	pending     *widget.Label
	lastErr     *widget.Label
	invite      *widget.Label
	account     *widget.Label // who is signed in (Gensyn testnet; account.go)
	signedIn    bool          // someone is signed in on a network that needs it (set by setAccount)
	inviteRow   *card
	experiment  *experimentCard // the host's "Does sharing help?"
	obj         fyne.CanvasObject
}

// newDashboard builds the screen; onTraining runs on the UI goroutine when the switch is flipped
// and copyText puts text on the clipboard.
func newDashboard(info IdentityInfo, onTraining func(bool), copyText func(string)) *dashboard {
	d := &dashboard{now: time.Now}
	d.toggle = newToggle(false, onTraining)
	d.toggleLabel = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.toggleLabel.SizeName = theme.SizeNameHeadingText
	d.state = wrappedLabel()

	d.name = widget.NewLabelWithStyle(info.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.name.Wrapping = fyne.TextWrapWord
	d.peerID = widget.NewLabelWithStyle(info.PeerID, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	d.peerID.Truncation = fyne.TextTruncateEllipsis
	d.peerID.Selectable = true
	copyPeer := widget.NewButtonWithIcon("", theme.ContentCopyIcon(), func() { copyText(d.peerID.Text) })

	d.round = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.phase = wrappedLabel()
	d.phaseBar = widget.NewProgressBar()
	d.phaseBar.TextFormatter = func() string { return "" }
	d.countdown = widget.NewLabel("")

	d.trend = newSparkline()
	d.reward = onbHeading("")
	d.rewardDelta = wrappedLabel()
	d.rank = onbHeading("")
	d.rankDelta = wrappedLabel()

	d.device = wrappedLabel()
	d.model = wrappedLabel()
	d.learns = wrappedLabel()
	d.learns.Importance = widget.LowImportance
	d.learns.Hide()
	d.peerView = wrappedLabel()
	d.peerView.Hide()
	d.peers = onbHeading("")
	d.peersNote = wrappedLabel()
	d.peersNote.Importance = widget.LowImportance
	d.last = wrappedLabel()
	d.pending = wrappedLabel()
	d.lastErr = wrappedLabel()
	d.lastErr.Importance = widget.DangerImportance

	d.invite = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	d.invite.Truncation = fyne.TextTruncateEllipsis
	copyInvite := widget.NewButtonWithIcon("Copy invite", theme.ContentCopyIcon(), func() { copyText(d.invite.Text) })
	d.inviteRow = newCard("Invite others to your swarm", container.NewBorder(nil, nil, nil, copyInvite, d.invite))
	d.inviteRow.Hide()
	d.experiment = newExperimentCard()

	now := newCard("Training", container.NewVBox(
		container.NewBorder(nil, nil, d.toggle, nil, container.NewVBox(d.toggleLabel, d.state, d.learns)),
		container.NewBorder(nil, nil, nil, d.countdown, d.round), d.phase, d.phaseBar))
	reward := newCard("Reward", container.NewVBox(
		container.NewBorder(nil, nil, d.reward, nil, d.trend), d.rewardDelta, d.last))
	rank := newCard("Rank", container.NewVBox(d.rank, d.rankDelta))
	peers := newCard("Peers", container.NewVBox(d.peers, d.peersNote, d.peerView))
	machine := newCard("Device and model", container.NewVBox(d.device, d.model))
	pending := newCard("Submissions", d.pending)
	d.account = newAccountLine()
	who := newCard("This node", container.NewVBox(d.name, container.NewBorder(nil, nil, nil, copyPeer, d.peerID), d.account))

	grid := &cardGrid{minW: 360}
	cards := container.New(grid, now, reward, rank, peers, machine, pending, who, d.inviteRow, d.experiment.obj)
	scroll := container.NewVScroll(container.NewPadded(container.NewVBox(d.lastErr, cards)))
	grid.changed = func() { fyne.Do(scroll.Refresh) }
	d.obj = scroll
	d.setTraining(true)
	d.setSnapshot(node.Snapshot{State: node.StateIdle})
	d.setPeers(0)
	d.setHistory(nil)
	d.setBoard(session.Leaderboard{})
	return d
}

func wrappedLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	return l
}

// setTraining shows the switch's position (the backend's Training, or the person's tap).
func (d *dashboard) setTraining(on bool) {
	d.training = on
	d.toggle.SetOn(on)
	if on {
		d.toggleLabel.SetText("Training on")
	} else {
		d.toggleLabel.SetText("Training off")
	}
	d.render()
}

// setSnapshot replaces the whole status (at start and after the node was restarted).
func (d *dashboard) setSnapshot(s node.Snapshot) {
	d.snap = s
	d.render()
}

// apply follows one event.
func (d *dashboard) apply(ev node.Event) {
	applyEvent(&d.snap, ev)
	if ev.Kind == node.EventPhase && ev.Phase == node.PhaseGenerate && !ev.Time.IsZero() {
		// A round starts: the best anchor for the countdown there is.
		d.clock.anchor, d.clock.exact = ev.Time, true
	}
	if ev.Kind == node.EventRound && ev.Metrics != nil {
		d.addRound(*ev.Metrics)
	}
	d.render()
}

// setRoundLength is the hosted swarm's round timer (0 when another computer runs it).
func (d *dashboard) setRoundLength(l time.Duration) {
	if l > 0 {
		d.clock.length = l
	}
	d.render()
}

// setHistory hands over the rounds played so far (oldest first).
func (d *dashboard) setHistory(h []node.RoundMetrics) {
	d.history = append(d.history[:0], h...)
	d.historyChanged()
}

func (d *dashboard) addRound(m node.RoundMetrics) {
	if n := len(d.history); n > 0 && d.history[n-1].Round == m.Round {
		d.history[n-1] = m
	} else {
		d.history = append(d.history, m)
	}
	d.historyChanged()
}

func (d *dashboard) historyChanged() {
	if l := roundLengthFrom(d.history); l > 0 && d.clock.length == 0 {
		d.clock.length = l
	}
	if n := len(d.history); n > 0 && !d.clock.exact {
		d.clock.anchor = d.history[n-1].Time
	}
	t := rewardTrend(d.history, d.now())
	d.trend.SetValues(t.values)
	d.reward.SetText(t.headline)
	d.rewardDelta.SetText(t.change)
	d.render()
}

// tick moves the countdown (the shell calls it every second while the dashboard shows).
func (d *dashboard) tick() { d.renderClock() }

func (d *dashboard) render() {
	s := d.snap
	if s.PeerID != "" {
		d.peerID.SetText(s.PeerID)
	}
	d.state.SetText(stateText(s.State, d.training))
	if s.Round == 0 {
		d.round.SetText("Round —")
	} else {
		d.round.SetText(fmt.Sprintf("Round %d", s.Round))
	}
	d.last.SetText(lastRoundText(s.Last))
	if s.Training == "" {
		d.learns.Hide()
	} else {
		d.learns.SetText(trainsText(s.Training))
		d.learns.Show()
	}
	switch {
	case !s.Submitting && s.State != node.StateIdle && s.State != node.StateStarting:
		if d.signedIn {
			// The chain connection is opened at start: a sign-in made since then needs a restart.
			d.pending.SetText("None yet: you signed in after this node started read-only. Quit and start swarmdesk again to send rewards and votes.")
		} else {
			d.pending.SetText("None: this network is read-only for this node, so it does not submit.")
		}
	case s.PendingSubmissions == 1:
		d.pending.SetText("1 submission waiting for the chain")
	case s.PendingSubmissions == 0:
		d.pending.SetText("Nothing waiting: every reward and vote is on the chain.")
	default:
		d.pending.SetText(fmt.Sprintf("%d submissions waiting for the chain", s.PendingSubmissions))
	}
	if s.LastError == "" {
		d.lastErr.Hide()
	} else {
		d.lastErr.SetText("Last problem: " + s.LastError)
		d.lastErr.Show()
	}
	d.renderClock()
}

// paused reports whether no round is being played because training is off or held: then the
// last phase the node reported is history, not what it does now.
func (d *dashboard) paused() bool {
	return !d.training || d.snap.State.Held() || d.snap.State == node.StateStopped
}

// renderClock shows what the node does now and the time to the next round.
func (d *dashboard) renderClock() {
	s := d.snap
	if d.paused() {
		d.phase.SetText("Now: nothing — no round is played while training is off or paused.")
		d.phaseBar.Hide()
		d.countdown.SetText("")
		return
	}
	now := d.now()
	doing := phaseText(s.Phase)
	if s.Phase == node.PhaseNone {
		doing = stateText(s.State, d.training)
	}
	d.phase.SetText("Now: " + doing)
	next, ok := d.clock.next(now)
	if !ok {
		// No round length known yet (the first rounds of a joined swarm): the phase is the only
		// progress there is.
		d.countdown.SetText("")
		d.phaseBar.SetValue(phaseProgress(s.Phase))
		d.phaseBar.Show()
		return
	}
	text := countdownText(next.Sub(now))
	if !d.clock.exact {
		text = strings.Replace(text, " in ", " in about ", 1)
	}
	d.countdown.SetText(text)
	p, _ := d.clock.progress(now)
	d.phaseBar.SetValue(p)
	d.phaseBar.Show()
}

// setPeers shows how many swarm peers are connected, and what that means for a lone host.
func (d *dashboard) setPeers(n int) {
	switch n {
	case 1:
		d.peers.SetText("1 peer connected")
	default:
		d.peers.SetText(fmt.Sprintf("%d peers connected", n))
	}
	switch {
	case n == 0 && d.hosting:
		d.peersNote.SetText("Nobody has joined yet: share the invite below. Alone, this node still plays every round and votes for itself.")
	case n == 0:
		d.peersNote.SetText("No other computer is connected. Rounds still run; answers are shared once peers connect.")
	case d.snap.Last != nil:
		d.peersNote.SetText(fmt.Sprintf("%d shared answers in the last round", d.snap.Last.PeersSeen))
	default:
		d.peersNote.SetText("")
	}
}

// setNode shows what does not change while the node runs.
func (d *dashboard) setNode(dev session.Device, model string, inv session.Invite, hosting bool) {
	d.device.SetText(deviceText(dev))
	d.model.SetText("Model: " + model)
	d.hosting = hosting
	if hosting {
		d.invite.SetText(inv.String())
		d.inviteRow.Show()
		d.experiment.obj.Show()
	} else {
		d.inviteRow.Hide()
		d.experiment.obj.Hide()
	}
}

// setBoard shows this node's rank from a leaderboard read and how it moved this session.
func (d *dashboard) setBoard(b session.Leaderboard) {
	rank, of := 0, len(b.Rows)
	for _, r := range b.Rows {
		if r.Self {
			rank = r.Rank
		}
	}
	if rank == 0 {
		d.rank.SetText("—")
		if of == 0 {
			d.rankDelta.SetText("Not on the leaderboard yet: it fills once rewards reach the chain.")
		} else {
			d.rankDelta.SetText(fmt.Sprintf("Not on the leaderboard yet (%d peers are).", of))
		}
		return
	}
	d.rank.SetText(fmt.Sprintf("#%d of %d", rank, of))
	if d.firstRank == 0 {
		d.firstRank, d.firstRankAt = rank, b.Read
	}
	d.rankDelta.SetText(rankChangeText(d.firstRank, rank, d.firstRankAt))
}

// rankChangeText says how the rank moved since an earlier read (a smaller rank is better).
func rankChangeText(before, now int, since time.Time) string {
	at := ""
	if !since.IsZero() {
		at = " since " + since.Format("15:04")
	}
	switch {
	case now < before:
		return fmt.Sprintf("▲ up %d%s", before-now, at)
	case now > before:
		return fmt.Sprintf("▼ down %d%s", now-before, at)
	}
	return "unchanged" + at
}

// trend is the reward card's content.
type trend struct {
	values   []float64 // the sparkline: answered rounds of the last day, NaN across pauses
	headline string
	change   string
}

// rewardTrend summarises the reward of the rounds in hist (oldest first) as seen at now: the
// last round's reward, the line of the last 24 hours, and the change since the round nearest to
// 24 hours ago (or, for a node younger than a day, since its first round).
func rewardTrend(hist []node.RoundMetrics, now time.Time) trend {
	var answered []node.RoundMetrics
	for _, m := range hist {
		if m.Answers > 0 || len(m.RewardByTask) > 0 {
			answered = append(answered, m)
		}
	}
	if len(answered) == 0 {
		return trend{headline: "—", change: "No answered round yet."}
	}
	last := answered[len(answered)-1]
	t := trend{headline: fmt.Sprintf("%.3f", last.Reward)}
	dayAgo := now.Add(-24 * time.Hour)
	brk := breakAfter(answered)
	var prev time.Time
	for _, m := range answered {
		if m.Time.Before(dayAgo) {
			continue
		}
		if !prev.IsZero() && m.Time.Sub(prev) > brk {
			t.values = append(t.values, math.NaN())
		}
		t.values = append(t.values, m.Reward)
		prev = m.Time
	}
	base, label := answered[0], "since the first round"
	for _, m := range answered {
		if m.Time.After(dayAgo) {
			break
		}
		base, label = m, "since yesterday"
	}
	if base.Round == last.Round && base.Time.Equal(last.Time) {
		t.change = "One round so far."
		return t
	}
	d := last.Reward - base.Reward
	switch {
	case d > 0:
		t.change = fmt.Sprintf("▲ +%.3f %s", d, label)
	case d < 0:
		t.change = fmt.Sprintf("▼ %.3f %s", d, label)
	default:
		t.change = "unchanged " + label
	}
	if last.Reward == 0 && base.Reward == 0 {
		t.change += " — no answer solved yet"
	}
	return t
}

// cardGrid lays the dashboard's cards out in as many equal columns as fit minW each (one on an
// 800 px window, up to five on 4K); each row is as tall as its tallest card and hidden cards take
// no place. Like chartGrid it remembers the column count of its last layout for MinSize and tells
// the scroll around it when that changed.
type cardGrid struct {
	minW    float32
	cols    int
	changed func()
}

func (g *cardGrid) columns(w float32) int {
	pad := theme.Padding()
	return max(1, int((w+pad)/(g.minW+pad)))
}

func visibleObjects(objs []fyne.CanvasObject) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	for _, o := range objs {
		if o.Visible() {
			out = append(out, o)
		}
	}
	return out
}

func (g *cardGrid) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	vis := visibleObjects(objs)
	cols := min(g.columns(size.Width), max(1, len(vis)))
	prev := g.cols
	g.cols = cols
	w := (size.Width - pad*float32(cols-1)) / float32(cols)
	y := float32(0)
	for i := 0; i < len(vis); i += cols {
		row := vis[i:min(i+cols, len(vis))]
		h := float32(0)
		for _, o := range row {
			h = max(h, o.MinSize().Height)
		}
		for j, o := range row {
			o.Move(fyne.NewPos(float32(j)*(w+pad), y))
			o.Resize(fyne.NewSize(w, h))
		}
		y += h + pad
	}
	if prev != 0 && cols != prev && g.changed != nil {
		g.changed()
	}
}

func (g *cardGrid) MinSize(objs []fyne.CanvasObject) fyne.Size {
	pad := theme.Padding()
	vis := visibleObjects(objs)
	cols := max(1, min(g.cols, len(vis)))
	var s fyne.Size
	for i := 0; i < len(vis); i += cols {
		h := float32(0)
		for _, o := range vis[i:min(i+cols, len(vis))] {
			m := o.MinSize()
			h = max(h, m.Height)
			s.Width = max(s.Width, min(m.Width, g.minW))
		}
		if i > 0 {
			s.Height += pad
		}
		s.Height += h
	}
	return s
}

// showProblem shows a problem of the window's own (a refused switch, an unreadable history) where
// the node's last error goes; the next snapshot with an error of the node's replaces it.
func (d *dashboard) showProblem(msg string) {
	d.lastErr.SetText(msg)
	d.lastErr.Show()
}
