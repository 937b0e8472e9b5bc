package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/swarmdesk/swarmdesk/app/blockassist"
	"github.com/swarmdesk/swarmdesk/app/blockassist/goalnet"
	"github.com/swarmdesk/swarmdesk/app/blockassist/play"
	"github.com/swarmdesk/swarmdesk/app/blockassist/render"
	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// randomGoal is the goal picker's first entry: a goal drawn at Start, so a player who does not
// choose does not keep replaying the same house.
const randomGoal = "Random goal"

// BlockAssist is what the BlockAssist screen needs from the game; app/play.Mode is it.
// The game, the recording and its recovery, the assistant and training all happen there.
type BlockAssist interface {
	// Open reads the goal catalog and recovers interrupted sessions; it returns the goals'
	// labels. Slow.
	Open() (labels []string, recoverErr, err error)
	// Start sets up a session on the goal with that label (a random one for any other label),
	// with or without the assistant. Slow.
	Start(label string, assistant bool) (play.Started, error)
	// Run plays the session until it ends, calling onTick after each tick.
	Run(ctx context.Context, s *blockassist.Session, onTick func(blockassist.TickResult)) (*blockassist.Summary, error)
	// Train trains the assistant's goal model on the recorded sessions.
	Train(ctx context.Context, progress func(goalnet.Progress)) (goalnet.Result, error)
}

// blockAssistDeps are the screen's ties to the game and the goroutines; tests replace them to
// play deterministic sessions and fast training.
type blockAssistDeps struct {
	game       BlockAssist
	async      func(func())     // short off-UI work (session start/stop, model load)
	background func(func())     // the session's tick loop and training
	now        func() time.Time // the elapsed timer
}

func defaultBlockAssistDeps(game BlockAssist) blockAssistDeps {
	return blockAssistDeps{
		game:       game,
		async:      func(f func()) { go f() },
		background: func(f func()) { go f() },
		now:        time.Now,
	}
}

// blockAssistScreen is BlockAssist mode: pick a goal, build it in the voxel view with the
// assistant, see the summary, then train the assistant's goal model on the recorded sessions.
// Game rules, recording and training live in app/blockassist; this screen only wires input to
// Session.Queue and shows ticks. UI goroutine unless noted.
type blockAssistScreen struct {
	d     blockAssistDeps
	ready bool // the goal catalog was read

	view      *VoxelView
	goalPick  *widget.Select
	assistOn  *widget.Check
	start     *widget.Button
	stop      *widget.Button
	goalBar   *widget.ProgressBar
	timer     *widget.Label
	counts    *widget.Label
	status    *widget.Label
	hotbar    []*hotbarSlot
	summary   *widget.Label
	trainBtn  *widget.Button
	trainBar  *widget.ProgressBar
	trainInfo *widget.Label
	obj       fyne.CanvasObject

	sess     *blockassist.Session
	goal     world.Grid
	cancel   context.CancelFunc
	started  time.Time
	starting bool
	training bool
	mine     [2]int // the player's effective places, breaks
	theirs   [2]int // the assistant's
	helper   string // what the assistant does or waits for (assist.State.Sentence)
}

// newBlockAssistScreen builds the screen and opens the game (which finalises sessions a crash
// left open, so training sees them).
func newBlockAssistScreen(d blockAssistDeps) *blockAssistScreen {
	x := &blockAssistScreen{d: d}
	x.view = NewVoxelView()
	x.view.OnSlot = x.selectSlot
	x.view.Queue = x.queue

	x.goalPick = widget.NewSelect([]string{randomGoal}, nil)
	x.goalPick.SetSelected(randomGoal)
	x.assistOn = widget.NewCheck("Assistant helps", nil)
	x.assistOn.SetChecked(true)
	x.start = widget.NewButtonWithIcon("Start", theme.MediaPlayIcon(), x.startSession)
	x.start.Importance = widget.HighImportance
	x.stop = widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), x.stopSession)
	x.stop.Disable()
	x.goalBar = widget.NewProgressBar()
	x.goalBar.TextFormatter = func() string { return fmt.Sprintf("Goal %.0f %%", x.goalBar.Value*100) }
	x.timer = widget.NewLabel("00:00")
	x.counts = widget.NewLabel("")
	x.status = widget.NewLabel("Pick a goal and press Start. Drag to look, WASD + Space/Shift to fly, " +
		"left click breaks, right click places, 1–8 choose the block.")
	x.status.Wrapping = fyne.TextWrapWord
	x.summary = widget.NewLabel("")
	x.summary.Wrapping = fyne.TextWrapWord
	x.summary.Hide()
	x.trainBtn = widget.NewButtonWithIcon("Train the assistant", theme.ComputerIcon(), x.startTraining)
	x.trainBtn.Hide()
	x.trainBar = widget.NewProgressBar()
	x.trainBar.Hide()
	x.trainInfo = widget.NewLabel("")
	x.trainInfo.Wrapping = fyne.TextWrapWord
	x.trainInfo.Hide()

	bar := container.NewHBox()
	for i, b := range hotbarBlocks {
		s := newHotbarSlot(i, b, func() { x.view.SelectSlot(i) })
		x.hotbar = append(x.hotbar, s)
		bar.Add(s)
	}
	x.selectSlot(x.view.Slot())
	x.updateCounts()

	controls := container.NewHBox(widget.NewLabel("Goal"), x.goalPick, x.assistOn, x.start, x.stop)
	hud := container.NewBorder(nil, nil, nil, x.timer, x.goalBar)
	top := container.NewVBox(controls, hud)
	bottom := container.NewVBox(container.NewCenter(bar), x.counts, x.status, x.summary, x.trainBtn, x.trainBar, x.trainInfo)
	x.obj = container.NewBorder(top, bottom, nil, nil, x.view)

	d.async(func() {
		labels, recErr, catErr := d.game.Open()
		fyne.Do(func() { x.loaded(labels, catErr, recErr) })
	})
	return x
}

// loaded fills the goal picker once the catalog was read.
func (x *blockAssistScreen) loaded(labels []string, catErr, recErr error) {
	if catErr != nil {
		x.status.SetText("The goal catalog could not be read: " + catErr.Error())
		x.start.Disable()
		return
	}
	x.ready = len(labels) > 0
	x.goalPick.Options = append([]string{randomGoal}, labels...)
	x.goalPick.Refresh()
	if recErr != nil {
		x.status.SetText("Some interrupted sessions could not be recovered: " + recErr.Error())
	}
}

// startSession starts a session with the picked goal (randomGoal matches no goal: the game draws
// one); the game sets it up off the UI goroutine.
func (x *blockAssistScreen) startSession() {
	if x.sess != nil || x.starting || !x.ready {
		return
	}
	x.starting = true
	x.start.Disable()
	label := x.goalPick.Selected
	helper := x.assistOn.Checked
	x.status.SetText("Starting…")
	x.d.async(func() {
		st, err := x.d.game.Start(label, helper)
		fyne.Do(func() { x.onStarted(st, err) })
	})
}

// onStarted shows a new session and starts its tick loop.
func (x *blockAssistScreen) onStarted(st play.Started, err error) {
	x.starting = false
	if err != nil {
		x.start.Enable()
		x.status.SetText("Could not start: " + err.Error())
		return
	}
	s := st.Session
	x.sess, x.goal, x.started = s, s.Goal(), x.d.now()
	x.mine, x.theirs, x.helper = [2]int{}, [2]int{}, ""
	x.summary.Hide()
	x.trainBtn.Hide()
	x.goalPick.Disable()
	x.assistOn.Disable()
	x.stop.Enable()
	x.goalBar.SetValue(0)
	x.timer.SetText("00:00")
	x.status.SetText(st.About)
	cur, players := s.State()
	x.view.Reset(cur, &x.goal, players)
	x.updateCounts()
	ctx, cancel := context.WithCancel(context.Background())
	x.cancel = cancel
	x.d.background(func() {
		sum, err := x.d.game.Run(ctx, s, func(r blockassist.TickResult) { fyne.Do(func() { x.onTick(s, r) }) })
		fyne.Do(func() { x.ended(s, sum, err) })
	})
}

// queue hands the view's actions to the running session.
func (x *blockAssistScreen) queue(a world.Action) error {
	if x.sess == nil {
		return errors.New("no session running: press Start")
	}
	return x.sess.Queue(a)
}

// onTick shows one game tick: world, goal %, timer and counts.
func (x *blockAssistScreen) onTick(s *blockassist.Session, r blockassist.TickResult) {
	if s != x.sess {
		return // a late tick of an earlier session
	}
	count := func(c *[2]int, st world.StepResult) {
		switch st.Effective.Type {
		case world.Place:
			c[0]++
		case world.Break:
			c[1]++
		}
	}
	count(&x.mine, r.Human)
	if a := r.Human.Attempted.Type; (a == world.Place || a == world.Break) && r.Human.Effective.Type == world.Noop {
		// The game refused the click (world.CanPlace/CanBreak); say why rather than do nothing.
		x.status.SetText(fmt.Sprintf("Out of reach or hidden: you reach %.1f blocks from your eye with a clear view. "+
			"Fly closer (WASD, Space/Shift) and click again.", world.MaxReach))
	}
	if r.Assistant != nil {
		count(&x.theirs, *r.Assistant)
		x.helper = r.AssistantState.Sentence()
	}
	applied := 0
	if r.Human.Attempted.Type != world.Noop {
		applied = 1
	}
	cur, players := s.State()
	x.view.SetWorld(cur, &x.goal, players, applied)
	x.goalBar.SetValue(min(max(r.GoalPercent, 0), 1))
	x.timer.SetText(formatElapsed(x.d.now().Sub(x.started)))
	x.updateCounts()
}

// shutdown ends a session still running when the app quits, through the same end path as Stop
// (its recording is finalised now rather than recovered at the next start). Called after the
// window closed.
func (x *blockAssistScreen) shutdown() {
	if s := x.sess; s != nil {
		x.cancel()
		_, _ = s.Stop()
	}
}

// stopSession ends the session by hand; Run's own return then lands in ended too (ignored).
func (x *blockAssistScreen) stopSession() {
	s := x.sess
	if s == nil {
		return
	}
	x.stop.Disable()
	x.cancel()
	x.d.async(func() {
		sum, err := s.Stop()
		fyne.Do(func() { x.ended(s, sum, err) })
	})
}

// ended is the one end path for 100 %, the horizon and Stop: it shows the session's metrics and
// offers training. Only the first call for a session does anything.
func (x *blockAssistScreen) ended(s *blockassist.Session, sum *blockassist.Summary, err error) {
	if s == nil || s != x.sess {
		return
	}
	x.cancel()
	x.sess = nil
	x.stop.Disable()
	x.start.Enable()
	x.goalPick.Enable()
	x.assistOn.Enable()
	x.summary.SetText(summaryText(sum, err))
	x.summary.Show()
	x.status.SetText("Session saved. Press Start to play again.")
	if !x.training {
		x.trainBtn.Show()
	}
}

// summaryText turns the session's MBAG metrics into the end-of-session message.
func summaryText(sum *blockassist.Summary, err error) string {
	if sum == nil || sum.Metrics == nil {
		msg := "The session ended, but its metrics could not be computed"
		if err != nil {
			msg += ": " + err.Error()
		}
		return msg + "."
	}
	m := sum.Metrics
	head := "Stopped"
	if m.Completed {
		head = "Goal complete!"
	}
	out := fmt.Sprintf("%s %.0f %% of the goal in %d ticks.", head, m.GoalPercentage*100, m.Ticks)
	for i, p := range m.Players {
		who := "You"
		if i > 0 {
			who = "Assistant"
		}
		out += fmt.Sprintf("\n%s: %d placed (%d correct), %d broken (%d correct).", who,
			p.NumPlaceBlock, p.NumCorrectPlaceBlock, p.NumBreakBlock, p.NumCorrectBreakBlock)
	}
	if m.HumanActionsToFinish >= 0 {
		out += fmt.Sprintf("\nYou needed %d actions to finish.", m.HumanActionsToFinish)
	}
	if err != nil {
		out += "\nWarning: " + err.Error()
	}
	return out
}

// startTraining trains the goal model on every recorded session in the background.
func (x *blockAssistScreen) startTraining() {
	if x.training {
		return
	}
	x.training = true
	x.trainBtn.Disable()
	x.trainBar.SetValue(0)
	x.trainBar.Show()
	x.trainInfo.SetText("Reading your sessions…")
	x.trainInfo.Show()
	x.d.background(func() {
		res, err := x.d.game.Train(context.Background(), func(p goalnet.Progress) {
			fyne.Do(func() { x.trainProgress(p) })
		})
		fyne.Do(func() { x.trained(res, err) })
	})
}

func (x *blockAssistScreen) trainProgress(p goalnet.Progress) {
	if p.Epochs > 0 && p.Steps > 0 {
		x.trainBar.SetValue(float64((p.Epoch-1)*p.Steps+p.Step) / float64(p.Epochs*p.Steps))
	}
	x.trainInfo.SetText(fmt.Sprintf("Epoch %d/%d · step %d/%d · loss %.3f", p.Epoch, p.Epochs, p.Step, p.Steps, p.Loss))
}

func (x *blockAssistScreen) trained(res goalnet.Result, err error) {
	x.training = false
	x.trainBtn.Enable()
	x.trainBar.Hide()
	x.trainInfo.SetText(trainText(res, err))
}

// trainText is the training outcome: before/after accuracy on held-out play, or why not.
func trainText(res goalnet.Result, err error) string {
	switch {
	case errors.Is(err, goalnet.ErrNoSessions):
		return "Nothing to train on yet: finish a session first."
	case err != nil:
		return "Training failed: " + err.Error()
	}
	return fmt.Sprintf("Before: %.0f %% → After: %.0f %% of the blocks still to build predicted right on held-out play\n"+
		"(all voxels: %.1f %% → %.1f %%; %d sessions, %d frames, %s). The assistant uses the new model from the next session.",
		res.Before.ToDo*100, res.After.ToDo*100, res.Before.Accuracy*100, res.After.Accuracy*100,
		res.Sessions, res.Frames, res.Duration.Round(time.Second/10))
}

func (x *blockAssistScreen) selectSlot(i int) {
	for j, s := range x.hotbar {
		s.setSelected(j == i)
	}
}

func (x *blockAssistScreen) updateCounts() {
	txt := fmt.Sprintf("You: %d placed, %d broken", x.mine[0], x.mine[1])
	if x.sess == nil || x.assistOn.Checked {
		txt += fmt.Sprintf(" · Assistant: %d placed, %d broken", x.theirs[0], x.theirs[1])
	}
	if x.sess != nil && x.helper != "" {
		txt += "\n" + x.helper
	}
	x.counts.SetText(txt)
}

// formatElapsed is the on-screen timer, mm:ss.
func formatElapsed(d time.Duration) string {
	s := int(d / time.Second)
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}

// blockAssistDataDir is where BlockAssist keeps sessions and its model inside the app's data.
func blockAssistDataDir(appData string) string { return filepath.Join(appData, "blockassist") }

// hotbarSlot is one hotbar square: the block's palette colour, its number key and a highlight
// when selected. Tapping it selects it.
type hotbarSlot struct {
	widget.BaseWidget
	bg    *canvas.Rectangle
	label *canvas.Text
	tap   func()
}

func newHotbarSlot(i int, b world.Block, tap func()) *hotbarSlot {
	c := render.Palette[b]
	s := &hotbarSlot{bg: canvas.NewRectangle(c), tap: tap}
	s.bg.StrokeColor = color.Gray{Y: 40}
	s.bg.StrokeWidth = 1
	s.bg.CornerRadius = 4
	ink := color.Color(color.White)
	if int(c.R)+int(c.G)+int(c.B) > 450 {
		ink = color.Black
	}
	s.label = canvas.NewText(fmt.Sprintf("%d", (i+1)%10), ink)
	s.label.TextSize = 11
	s.ExtendBaseWidget(s)
	return s
}

func (s *hotbarSlot) setSelected(on bool) {
	if on {
		s.bg.StrokeColor, s.bg.StrokeWidth = theme.Color(theme.ColorNamePrimary), 3
	} else {
		s.bg.StrokeColor, s.bg.StrokeWidth = color.Gray{Y: 40}, 1
	}
	s.bg.Refresh()
}

func (s *hotbarSlot) selected() bool { return s.bg.StrokeWidth == 3 }

// Tapped implements fyne.Tappable.
func (s *hotbarSlot) Tapped(*fyne.PointEvent) { s.tap() }

// MinSize is a fixed square.
func (s *hotbarSlot) MinSize() fyne.Size { return fyne.NewSize(36, 36) }

// CreateRenderer implements fyne.Widget.
func (s *hotbarSlot) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(s.bg, container.NewPadded(
		container.NewVBox(container.NewHBox(s.label, layout.NewSpacer())))))
}
