package ui

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/swarmdesk/swarmdesk/app/blockassist"
	"github.com/swarmdesk/swarmdesk/app/blockassist/assist"
	"github.com/swarmdesk/swarmdesk/app/blockassist/goalnet"
	"github.com/swarmdesk/swarmdesk/app/blockassist/goals"
	"github.com/swarmdesk/swarmdesk/app/blockassist/play"
	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// baHarness drives the BlockAssist screen deterministically: async work runs inline, the
// session's tick loop is captured and run by the test, and the clock advances 1 s per read.
type baHarness struct {
	x    *blockAssistScreen
	mode *play.Mode
	w    fyne.Window
	loop func() // the captured tick loop of the running session
}

func newBAHarness(t *testing.T) *baHarness {
	t.Helper()
	test.NewTempApp(t)
	h := &baHarness{}
	clock := time.Date(2025, 8, 1, 12, 0, 0, 0, time.UTC)
	h.mode = play.NewMode(t.TempDir())
	d := defaultBlockAssistDeps(h.mode)
	d.async = func(f func()) { f() }
	d.background = func(f func()) { h.loop = f }
	d.now = func() time.Time { clock = clock.Add(time.Second); return clock }
	h.mode.Rand = rand.New(rand.NewPCG(1, 2))
	h.mode.LoadNet = func(string) (assist.Predictor, error) { return nil, goalnet.ErrNoModel }
	// The tick loop ticks as fast as the test runs it, ending like blockassist.Run.
	h.mode.RunSession = func(ctx context.Context, s *blockassist.Session, onTick func(blockassist.TickResult)) (*blockassist.Summary, error) {
		for range 200 {
			if ctx.Err() != nil {
				break
			}
			r, err := s.Tick()
			onTick(r)
			if err != nil || r.Done {
				break
			}
		}
		return s.Stop()
	}
	h.x = newBlockAssistScreen(d)
	h.w = test.NewTempWindow(t, h.x.obj)
	h.w.Resize(fyne.NewSize(900, 700))
	return h
}

// tinyGoal is a one-block goal: planks on the ground somewhere in the interior.
func tinyGoal(t *testing.T) *goals.Structure {
	t.Helper()
	g, err := goals.NewStructure("tiny", world.Vec{X: 1, Y: 2, Z: 1})
	if err != nil {
		t.Fatal(err)
	}
	g.Set(world.Vec{Y: 1}, world.Planks)
	g.Name, g.Split, g.Difficulty = "Tiny post", goals.Test, goals.Easy
	return g
}

func TestBlockAssistGoalPicker(t *testing.T) {
	h := newBAHarness(t)
	cat, err := goals.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	opts := h.x.goalPick.Options
	if len(opts) != len(cat.Goals)+1 || opts[0] != randomGoal || h.x.goalPick.Selected != randomGoal {
		t.Fatalf("picker %q (selected %q), want Random + %d goals", opts, h.x.goalPick.Selected, len(cat.Goals))
	}
	for _, o := range opts[1:] {
		if !strings.HasSuffix(o, "(easy)") && !strings.HasSuffix(o, "(medium)") && !strings.HasSuffix(o, "(hard)") {
			t.Fatalf("goal %q has no difficulty label", o)
		}
	}
	g, _ := cat.Get("oak_cottage")
	h.x.goalPick.SetSelected(play.GoalLabel(g))
	if got := h.mode.Goal(h.x.goalPick.Selected); got.ID != "oak_cottage" {
		t.Fatalf("picked %s, want oak_cottage", got.ID)
	}
}

// TestBlockAssistPlaysToCompletion plays a one-block goal: walk next to it, right-click to place
// planks, let the game tick; 100 % ends the session through the normal end path and the
// summary shows its metrics.
func TestBlockAssistPlaysToCompletion(t *testing.T) {
	h := newBAHarness(t)
	x := h.x
	x.loaded(h.mode.UseCatalog(&goals.Catalog{Goals: []*goals.Structure{tinyGoal(t)}}), nil, nil)
	x.assistOn.SetChecked(false)
	test.Tap(x.start)
	if x.sess == nil || h.loop == nil {
		t.Fatalf("no session started: %q", x.status.Text)
	}
	if x.start.Disabled() == false || x.stop.Disabled() {
		t.Fatal("Start/Stop not switched while running")
	}
	// Find the goal block and look straight down at the ground under it from above.
	goal := x.sess.Goal()
	ground := world.NewGround()
	var target world.Vec
	for i := range goal {
		if goal[i] != ground[i] {
			target = world.VecOf(i)
		}
	}
	x.view.SetCamera(lookAt([3]float64{float64(target.X) + 0.5, float64(target.Y) + 3, float64(target.Z) + 0.5},
		[3]float64{float64(target.X) + 0.5, 0, float64(target.Z) + 0.5}))
	x.view.follow() // the avatar walks under the camera
	x.view.TypedKey(&fyne.KeyEvent{Name: fyne.Key5})
	if x.view.Block() != world.Planks || !x.hotbar[4].selected() || x.hotbar[0].selected() {
		t.Fatalf("key 5 selected %v; hotbar highlight %v/%v", x.view.Block(), x.hotbar[4].selected(), x.hotbar[0].selected())
	}
	vs := x.view.Size()
	test.TapSecondaryAt(x.view, fyne.NewPos(vs.Width/2, vs.Height/2))

	h.loop()

	if x.sess != nil {
		t.Fatal("the session did not end at 100 %")
	}
	if x.goalBar.Value != 1 {
		t.Fatalf("goal bar %v, want 1", x.goalBar.Value)
	}
	if !strings.HasPrefix(x.summary.Text, "Goal complete! 100 % of the goal") || !x.summary.Visible() {
		t.Fatalf("summary %q", x.summary.Text)
	}
	if !strings.Contains(x.summary.Text, "You: 1 placed (1 correct)") {
		t.Fatalf("summary lacks the player's counts: %q", x.summary.Text)
	}
	if !strings.HasPrefix(x.counts.Text, "You: 1 placed, 0 broken") {
		t.Fatalf("counts %q", x.counts.Text)
	}
	if x.timer.Text == "00:00" {
		t.Fatal("the timer did not advance")
	}
	if !x.trainBtn.Visible() || x.start.Disabled() {
		t.Fatal("after the session: no Train button or Start still disabled")
	}
	m, err := filepath.Glob(filepath.Join(h.mode.Dir, "sessions", "*", blockassist.MetricsFile))
	if err != nil || len(m) != 1 {
		t.Fatalf("metrics files %v (%v), want one", m, err)
	}

	// The real trainer on that one session: it must run and report before/after.
	if testing.Short() {
		return
	}
	x.d.background = func(f func()) { f() }
	var steps int
	train := h.mode.TrainNet
	h.mode.TrainNet = func(ctx context.Context, dir string, o goalnet.Options, p func(goalnet.Progress)) (goalnet.Result, error) {
		o.Epochs, o.MaxFrames = 1, 50
		return train(ctx, dir, o, func(pr goalnet.Progress) { steps++; p(pr) })
	}
	test.Tap(x.trainBtn)
	if !strings.HasPrefix(x.trainInfo.Text, "Before: ") && !strings.HasPrefix(x.trainInfo.Text, "Nothing to train") {
		t.Fatalf("train info %q", x.trainInfo.Text)
	}
	t.Logf("real training (%d steps): %s", steps, x.trainInfo.Text)
}

func TestBlockAssistStopShowsSummary(t *testing.T) {
	h := newBAHarness(t)
	x := h.x
	test.Tap(x.start) // random goal, assistant on
	if x.sess == nil {
		t.Fatalf("no session: %q", x.status.Text)
	}
	if !strings.Contains(x.status.Text, "built-in goal inference") {
		t.Fatalf("status %q does not say which assistant helps", x.status.Text)
	}
	dir := x.sess.Dir()
	test.Tap(x.stop)
	if x.sess != nil || !strings.HasPrefix(x.summary.Text, "Stopped 0 % of the goal") {
		t.Fatalf("after Stop: session %v, summary %q", x.sess, x.summary.Text)
	}
	if !strings.Contains(x.summary.Text, "Assistant:") {
		t.Fatalf("summary lacks the assistant: %q", x.summary.Text)
	}
	if _, err := os.Stat(filepath.Join(dir, blockassist.MetricsFile)); err != nil {
		t.Fatalf("no metrics after Stop: %v", err)
	}
	h.loop() // Run's own end arrives late and must change nothing
	if !strings.HasPrefix(x.summary.Text, "Stopped") || x.sess != nil {
		t.Fatalf("the late end changed the screen: %q", x.summary.Text)
	}
}

func TestBlockAssistUsesTrainedModel(t *testing.T) {
	h := newBAHarness(t)
	loaded := ""
	h.mode.LoadNet = func(dir string) (assist.Predictor, error) {
		loaded = dir
		return assist.NewInference(nil), nil
	}
	test.Tap(h.x.start)
	if loaded != h.mode.Dir || !strings.Contains(h.x.status.Text, "your trained model") {
		t.Fatalf("loadNet(%q); status %q", loaded, h.x.status.Text)
	}
	test.Tap(h.x.stop)
}

func TestBlockAssistTrain(t *testing.T) {
	for _, tc := range []struct {
		name string
		res  goalnet.Result
		err  error
		want string
	}{
		{"improves", goalnet.Result{Before: goalnet.Eval{Accuracy: 0.974, ToDo: 0}, After: goalnet.Eval{Accuracy: 0.976, ToDo: 0.41}, Sessions: 3, Frames: 420, Duration: 2 * time.Second},
			nil, "Before: 0 % → After: 41 % of the blocks still to build predicted right on held-out play\n(all voxels: 97.4 % → 97.6 %; 3 sessions, 420 frames, 2s)"},
		{"no sessions", goalnet.Result{}, goalnet.ErrNoSessions, "Nothing to train on yet: finish a session first."},
		{"fails", goalnet.Result{}, errors.New("disk full"), "Training failed: disk full"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newBAHarness(t)
			x := h.x
			x.d.background = func(f func()) { f() }
			var during []string
			var bar []float64
			h.mode.TrainNet = func(ctx context.Context, dir string, _ goalnet.Options, p func(goalnet.Progress)) (goalnet.Result, error) {
				if dir != h.mode.Dir {
					t.Errorf("trained on %q, want %q", dir, h.mode.Dir)
				}
				for _, pr := range []goalnet.Progress{{Epoch: 1, Epochs: 2, Step: 1, Steps: 2, Loss: 2.5}, {Epoch: 2, Epochs: 2, Step: 2, Steps: 2, Loss: 0.75}} {
					p(pr)
					during = append(during, x.trainInfo.Text)
					bar = append(bar, x.trainBar.Value)
					if !x.trainBar.Visible() || !x.trainBtn.Disabled() {
						t.Error("no progress bar, or the button stays enabled while training")
					}
				}
				return tc.res, tc.err
			}
			x.ended(nil, nil, nil) // no session: nothing happens
			x.trainBtn.Show()
			test.Tap(x.trainBtn)
			if during[0] != "Epoch 1/2 · step 1/2 · loss 2.500" || during[1] != "Epoch 2/2 · step 2/2 · loss 0.750" {
				t.Fatalf("progress texts %q", during)
			}
			if bar[0] != 0.25 || bar[1] != 1 {
				t.Fatalf("progress bar %v, want [0.25 1]", bar)
			}
			if !strings.HasPrefix(x.trainInfo.Text, tc.want) {
				t.Fatalf("result %q, want prefix %q", x.trainInfo.Text, tc.want)
			}
			if x.trainBar.Visible() || x.trainBtn.Disabled() {
				t.Fatal("progress bar still shown or button disabled after training")
			}
		})
	}
}

func TestBlockAssistRecoversOnOpen(t *testing.T) {
	// A session cut by a crash: started, never stopped.
	dir := t.TempDir()
	cat, err := goals.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	s, err := blockassist.Start(blockassist.Config{DataDir: dir, Goal: cat.Goals[0]})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Tick(); err != nil {
		t.Fatal(err)
	}
	test.NewTempApp(t)
	d := defaultBlockAssistDeps(play.NewMode(dir))
	d.async = func(f func()) { f() }
	newBlockAssistScreen(d)
	if _, err := os.Stat(filepath.Join(s.Dir(), blockassist.MetricsFile)); err != nil {
		t.Fatalf("opening the screen did not recover the session: %v", err)
	}
	s.Stop()
}

func TestBlockAssistNavEntry(t *testing.T) {
	b := newFakeBackend()
	b.dataDir = t.TempDir()
	s, _ := runningShell(t, b)
	fire(t, s, &desktop.CustomShortcut{KeyName: fyne.Key6, Modifier: fyne.KeyModifierShortcutDefault})
	if s.main.current != viewBlockAssist || s.main.blockAssist == nil || s.main.blockAssist.obj == nil {
		t.Fatalf("Ctrl+6: view %d, screen %v", s.main.current, s.main.blockAssist)
	}
	if got := s.main.blockAssist.d.game.(*play.Mode).Dir; got != filepath.Join(b.dataDir, "blockassist") {
		t.Fatalf("BlockAssist data in %q", got)
	}
	first := s.main.blockAssist
	s.main.selectView(viewDashboard)
	s.main.selectView(viewBlockAssist)
	if s.main.blockAssist != first {
		t.Fatal("the screen was built twice")
	}
}

func TestFormatElapsed(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{{0, "00:00"}, {59 * time.Second, "00:59"}, {61500 * time.Millisecond, "01:01"}, {75 * time.Minute, "75:00"}} {
		if got := formatElapsed(tc.d); got != tc.want {
			t.Errorf("formatElapsed(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

// TestBlockAssistClicksActWhereYouLook is the newcomer's "after three places, placing and
// breaking stop responding": the game judges reach and line of sight from the avatar's eye, so
// the view must look from there, and a click the game refused must say why instead of doing
// nothing. Right-clicks over the start view, one per tick: the ones on blocks within reach of
// the camera are all applied, and every refused one leaves a message.
func TestBlockAssistClicksActWhereYouLook(t *testing.T) {
	h := newBAHarness(t)
	x := h.x
	cat, err := goals.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	x.loaded(h.mode.UseCatalog(cat), nil, nil)
	test.Tap(x.start)
	if x.sess == nil {
		t.Fatalf("no session: %q", x.status.Text)
	}
	vs := x.view.Size()
	placed := 0
	for j := 1; j < 6; j++ {
		for i := 1; i < 6; i++ {
			p := fyne.NewPos(vs.Width*float32(i)/6, vs.Height*float32(j)/6)
			r, ok := x.view.pickAt(p)
			if !ok || !r.CanPlace {
				continue
			}
			eye := x.view.Camera().Eye
			c := [3]float64{float64(r.Hit.X) + .5, float64(r.Hit.Y) + .5, float64(r.Hit.Z) + .5}
			near := math.Sqrt(sq(c[0]-eye[0])+sq(c[1]-eye[1])+sq(c[2]-eye[2])) < world.MaxReach-0.9
			x.status.SetText("")
			test.TapSecondaryAt(x.view, p)
			res, err := x.sess.Tick()
			if err != nil {
				t.Fatal(err)
			}
			x.onTick(x.sess, res)
			done := res.Human.Effective.Type == world.Place
			if done {
				placed++
			}
			if near && !done {
				t.Errorf("click %v on %v, %.1f from the camera: %v not applied", p, r.Hit, math.Sqrt(sq(c[0]-eye[0])+sq(c[1]-eye[1])+sq(c[2]-eye[2])), res.Human.Attempted)
			}
			if !done && !strings.Contains(x.status.Text, "reach") {
				t.Errorf("click %v refused (%v) without a word: status %q", p, res.Human.Attempted, x.status.Text)
			}
		}
	}
	if placed <= 3 {
		t.Errorf("only %d of the clicks placed a block", placed)
	}
	t.Logf("%d placed; %s", placed, x.counts.Text)
}

func sq(v float64) float64 { return v * v }
