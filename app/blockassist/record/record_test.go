package record

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

// scripted plays a short two-player episode through the real rules and
// records it: the human places the goal's blocks (one wrong then fixed), the
// assistant places one correct block. It returns the file path and the
// step results for cross-checking.
func scripted(t *testing.T, dir string, end bool) (string, [][]world.StepResult) {
	t.Helper()
	goal := world.NewGround()
	targets := []world.Vec{world.V(2, 2, 3), world.V(3, 2, 3), world.V(4, 2, 3)}
	for _, v := range targets {
		goal.Set(v, world.Planks)
	}
	starts := []world.Vec{world.V(3, 2, 1), world.V(5, 2, 1)}
	env, err := world.NewEpisode(goal, starts)
	if err != nil {
		t.Fatal(err)
	}
	meta := NewMeta("test_goal", 0.8, []Player{{Name: "human", Human: true, GoalVisible: true}, {Name: "assistant"}}, 0)
	clk := &fakeClock{t: time.Unix(1000, 0)}
	w, err := Create(dir, "s.session", meta, &env.Goal, &env.Cur, env.Players, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	script := [][2]world.Action{
		{world.PlaceAt(targets[0], world.Planks), {}},
		{world.PlaceAt(targets[1], world.Wool), world.PlaceAt(targets[2], world.Planks)},
		{world.BreakAt(targets[1]), world.Move(world.MoveNegX)},
		{world.PlaceAt(world.Vec{X: 9, Y: 2, Z: 9}, world.Stone), {}}, // out of reach: unintentional noop
		{world.PlaceAt(targets[1], world.Planks), {}},
	}
	var all [][]world.StepResult
	for i, acts := range script {
		res, err := env.Step(acts[:])
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, res)
		tk := Tick{Tick: uint32(i), WallMs: int64(i) * 40000, Similarity: int16(env.Similarity())}
		for p, r := range res {
			tk.Players = append(tk.Players, PlayerStep{Attempted: r.Attempted, Effective: r.Effective, Pos: env.Players[p], Reward: int8(r.Reward), Correct: r.Correct})
		}
		clk.t = clk.t.Add(800 * time.Millisecond)
		if err := w.AppendTick(&tk); err != nil {
			t.Fatal(err)
		}
	}
	if !env.Complete() {
		t.Fatal("script does not complete the goal")
	}
	if end {
		if err := w.End(End{Reason: EndCompleted, Tick: uint32(len(script)), WallMs: 160000}); err != nil {
			t.Fatal(err)
		}
		if err := w.End(End{Reason: EndStopped}); !errors.Is(err, ErrEnded) {
			t.Fatalf("second End: %v, want ErrEnded", err)
		}
		if err := w.AppendTick(&Tick{}); !errors.Is(err, ErrEnded) {
			t.Fatalf("tick after End: %v", err)
		}
	} else {
		w.Abandon()
	}
	return w.Path(), all
}

func TestRoundTripAndMetrics(t *testing.T) {
	path, steps := scripted(t, t.TempDir(), true)
	s, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.Torn || s.End == nil || s.End.Reason != EndCompleted || len(s.Ticks) != len(steps) {
		t.Fatalf("torn=%v end=%v ticks=%d", s.Torn, s.End, len(s.Ticks))
	}
	for i, res := range steps {
		for p, r := range res {
			if got := s.Ticks[i].Players[p]; got.Attempted != r.Attempted || got.Effective != r.Effective || int(got.Reward) != r.Reward {
				t.Errorf("tick %d player %d: %+v vs %+v", i, p, got, r)
			}
		}
	}
	m, err := Compute(s)
	if err != nil {
		t.Fatal(err)
	}
	h, a := m.Players[0], m.Players[1]
	// Human: places 3 (2 correct, wool wrong), 1 correct break, 1 unintentional noop.
	if h.NumPlaceBlock != 3 || h.NumCorrectPlaceBlock != 2 || h.NumBreakBlock != 1 || h.NumCorrectBreakBlock != 1 ||
		h.NumNoop != 1 || h.NumUnintentionalNoop != 1 {
		t.Errorf("human metrics %+v", h)
	}
	if h.PlaceBlockAccuracy != 2.0/3 || h.BreakBlockAccuracy != 1 {
		t.Errorf("human accuracy %v %v", h.PlaceBlockAccuracy, h.BreakBlockAccuracy)
	}
	if a.NumPlaceBlock != 1 || a.NumCorrectPlaceBlock != 1 || a.NumMove != 1 || a.NumNoop != 3 || a.NumUnintentionalNoop != 0 {
		t.Errorf("assistant metrics %+v", a)
	}
	if !m.Completed || m.GoalPercentage != 1 || m.TicksToFinish != 5 || m.HumanActionsToFinish != 4 || m.EndReason != "completed" {
		t.Errorf("episode metrics %+v", m)
	}
	// Ticks at 0,40,80,120,160 s: minute 0 ends after tick 1 (1/3 + 1/3 - 1/3... ), recompute from similarity.
	want := []float64{
		world.GoalPercent(NumVoxelsMinus(3), int(s.Ticks[1].Similarity)),
		world.GoalPercent(NumVoxelsMinus(3), int(s.Ticks[2].Similarity)),
		1,
	}
	if len(m.GoalPercentageByMinute) != 3 {
		t.Fatalf("by minute %v", m.GoalPercentageByMinute)
	}
	for i := range want {
		if m.GoalPercentageByMinute[i] != want[i] {
			t.Errorf("minute %d: %v want %v", i+1, m.GoalPercentageByMinute[i], want[i])
		}
	}
}

func NumVoxelsMinus(n int) int { return world.NumVoxels - n }

func TestSyncPolicy(t *testing.T) {
	dir := t.TempDir()
	g := world.NewGround()
	clk := &fakeClock{t: time.Unix(0, 0)}
	w, err := Create(dir, "x", NewMeta("g", 0.2, []Player{{Name: "h", Human: true}}, 0), &g, &g, []world.Vec{world.V(0, 2, 0)}, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	base := w.syncs
	for i := 0; i < 50; i++ { // 10 s of 0.2 s ticks
		clk.t = clk.t.Add(200 * time.Millisecond)
		tk := Tick{Tick: uint32(i), Similarity: int16(world.NumVoxels), Players: []PlayerStep{{Pos: world.Vec{Y: 2}}}}
		if err := w.AppendTick(&tk); err != nil {
			t.Fatal(err)
		}
		// Invariant: nothing older than SyncEvery+one tick is unsynced.
		if clk.t.Sub(w.lastSync) >= w.SyncEvery {
			t.Fatalf("tick %d: last sync %v ago", i, clk.t.Sub(w.lastSync))
		}
	}
	if n := w.syncs - base; n < 10 || n > 25 {
		t.Errorf("%d syncs over 10 s, want ~2 per second", n)
	}
	if err := w.End(End{Reason: EndStopped, Tick: 50}); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(dir, "x", NewMeta("g", 0.2, []Player{{Name: "h"}}, 0), &g, &g, []world.Vec{world.V(0, 2, 0)}, nil); err == nil {
		t.Error("Create overwrote an existing session")
	}
}

// frameEnds returns the byte offsets at which each frame of a clean file
// ends, by walking the lengths.
func frameEnds(t *testing.T, data []byte) []int {
	var ends []int
	off := len(Magic)
	for off < len(data) {
		n := int(binary.LittleEndian.Uint32(data[off:]))
		off += frameOverhead + n
		ends = append(ends, off)
	}
	if off != len(data) {
		t.Fatalf("frame walk ended at %d of %d", off, len(data))
	}
	return ends
}

func TestRecoverAfterTruncation(t *testing.T) {
	dir := t.TempDir()
	path, _ := scripted(t, dir, true)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ends := frameEnds(t, data)
	headerEnd := ends[2] // meta, goal, initial
	rng := rand.New(rand.NewPCG(7, 7))
	cuts := []int{0, 3, len(Magic), headerEnd - 1, headerEnd, headerEnd + 1, len(data) - 1, len(data)}
	for i := 0; i < 40; i++ {
		cuts = append(cuts, rng.IntN(len(data)+1))
	}
	for _, cut := range cuts {
		p := filepath.Join(dir, "cut.session")
		if err := os.WriteFile(p, data[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Recover(p)
		if cut < headerEnd {
			if err == nil {
				t.Errorf("cut %d inside header: recovered", cut)
			}
			continue
		}
		if err != nil {
			t.Fatalf("cut %d: %v", cut, err)
		}
		complete := 0
		for _, e := range ends[3:] {
			if e <= cut {
				complete++
			}
		}
		wantTicks := min(complete, len(ends)-4)
		if len(s.Ticks) != wantTicks {
			t.Errorf("cut %d: %d ticks, want %d", cut, len(s.Ticks), wantTicks)
		}
		if s.End == nil || (cut < len(data) && s.End.Reason != EndInterrupted) {
			t.Errorf("cut %d: end %+v", cut, s.End)
		}
		again, err := ReadFile(p)
		if err != nil || again.Torn || again.End == nil || len(again.Ticks) != wantTicks {
			t.Errorf("cut %d: re-read after recover: %v torn=%v", cut, err, again != nil && again.Torn)
		}
		if _, err := Compute(again); err != nil {
			t.Errorf("cut %d: metrics on recovered file: %v", cut, err)
		}
	}
}

func TestRecoverCorruptTailAndUnfinished(t *testing.T) {
	dir := t.TempDir()
	path, steps := scripted(t, dir, false)
	data, _ := os.ReadFile(path)
	data[len(data)-3] ^= 0xff // corrupt the CRC of the last tick
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Recover(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Ticks) != len(steps)-1 || s.End.Reason != EndInterrupted || s.End.Tick != uint32(len(steps)-1) {
		t.Errorf("ticks %d end %+v", len(s.Ticks), s.End)
	}
	// Recovering twice is a no-op.
	before, _ := os.ReadFile(path)
	if _, err := Recover(path); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("second Recover changed the file")
	}
}

func TestReadRejects(t *testing.T) {
	path, _ := scripted(t, t.TempDir(), true)
	data, _ := os.ReadFile(path)
	cases := map[string][]byte{
		"empty":     nil,
		"bad magic": append([]byte("NOTMAGIC"), data[8:]...),
		"frame after end": func() []byte {
			return appendFrame(append([]byte(nil), data...), TypeTick, []byte{1})
		}(),
	}
	for name, in := range cases {
		if _, err := Read(bytes.NewReader(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// A tick whose effective action the rules would not produce must fail replay.
	s, err := Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	s.Ticks[0].Players[0].Effective = world.NoopAction
	if _, err := Replay(s, nil); err == nil || !strings.Contains(err.Error(), "diverged") {
		t.Errorf("tampered tick replayed: %v", err)
	}
}

func TestExportLayout(t *testing.T) {
	path, _ := scripted(t, t.TempDir(), true)
	s, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if err := Export(s, out); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(out, "world_obs.npy"))
	if err != nil {
		t.Fatal(err)
	}
	hlen := 10 + int(binary.LittleEndian.Uint16(raw[8:10]))
	if hlen%64 != 0 || !strings.Contains(string(raw[:hlen]), "'shape': (5, 2, 6, 11, 10, 10)") {
		t.Fatalf("header %q", raw[:hlen])
	}
	body := raw[hlen:]
	if len(body) != 5*2*ObsSize {
		t.Fatalf("body %d bytes", len(body))
	}
	// Tick 1, player 1 (assistant): goal masked; sees the human's planks from
	// tick 0 with last-interacted marker 2 (the other player).
	obs := body[(1*2+1)*ObsSize : (1*2+2)*ObsSize]
	v := world.Vec{X: 2, Y: 2, Z: 3}.Index()
	if obs[ChanCurrentBlocks*world.NumVoxels+v] != byte(world.Planks) || obs[ChanLastInteracted*world.NumVoxels+v] != 2 {
		t.Error("assistant obs misses the human's block or marker")
	}
	for i := 0; i < world.NumVoxels; i++ {
		if obs[ChanGoalBlocks*world.NumVoxels+i] != 0 {
			t.Fatal("goal visible to assistant")
		}
	}
	hobs := body[(1*2+0)*ObsSize : (1*2+1)*ObsSize]
	if hobs[ChanGoalBlocks*world.NumVoxels+v] != byte(world.Planks) || hobs[ChanLastInteracted*world.NumVoxels+v] != 1 {
		t.Error("human obs misses goal or own marker")
	}
	feet := world.Vec{X: 3, Y: 2, Z: 1}.Index()
	head := world.Vec{X: 3, Y: 3, Z: 1}.Index()
	if hobs[ChanPlayerLocations*world.NumVoxels+feet] != 1 || hobs[ChanPlayerLocations*world.NumVoxels+head] != 1 ||
		obs[ChanPlayerLocations*world.NumVoxels+feet] != 2 {
		t.Error("player location markers wrong")
	}
	pct, _ := os.ReadFile(filepath.Join(out, "goal_percentage.npy"))
	ph := 10 + int(binary.LittleEndian.Uint16(pct[8:10]))
	if !strings.Contains(string(pct[:ph]), "'shape': (5,)") || len(pct) != ph+5*4 {
		t.Errorf("goal_percentage.npy: %d bytes %q", len(pct), pct[:ph])
	}
	if got := math.Float32frombits(binary.LittleEndian.Uint32(pct[len(pct)-4:])); got != 1 {
		t.Errorf("final goal percentage %v, want 1", got)
	}
}

func TestNpyHeaderMatchesNumpy(t *testing.T) {
	// numpy.save(np.zeros((2, 3), np.uint8)) header, numpy >= 1.x format 1.0.
	want := "\x93NUMPY\x01\x00v\x00{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }" + strings.Repeat(" ", 58) + "\n"
	if got := string(NpyHeader("|u1", 2, 3)); got != want {
		t.Errorf("header\n%q\nwant\n%q", got, want)
	}
}

func FuzzRead(f *testing.F) {
	dir := f.TempDir()
	goal := world.NewGround()
	meta := NewMeta("g", 0.8, []Player{{Name: "h", Human: true}}, 0)
	w, err := Create(dir, "seed", meta, &goal, &goal, []world.Vec{world.V(0, 2, 0)}, nil)
	if err != nil {
		f.Fatal(err)
	}
	w.AppendTick(&Tick{Tick: 0, Similarity: int16(world.NumVoxels), Players: []PlayerStep{{Attempted: world.Move(world.MovePosX), Effective: world.Move(world.MovePosX), Pos: world.Vec{X: 1, Y: 2}}}})
	w.End(End{Reason: EndStopped, Tick: 1})
	seed, _ := os.ReadFile(w.Path())
	f.Add(seed)
	f.Add(seed[:len(seed)/2])
	f.Add([]byte(Magic))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		if s.ValidBytes > int64(len(data)) {
			t.Fatalf("valid %d > len %d", s.ValidBytes, len(data))
		}
		// Metrics may fail (rules disagree) but must not panic.
		Compute(s)
	})
}

// BenchmarkAppendTick reports the on-disk cost of one two-player tick.
func BenchmarkAppendTick(b *testing.B) {
	g := world.NewGround()
	meta := NewMeta("g", 0.8, []Player{{Name: "h", Human: true}, {Name: "a"}}, 0)
	w, err := Create(b.TempDir(), "bench", meta, &g, &g, []world.Vec{world.V(0, 2, 0), world.V(1, 2, 0)}, nil)
	if err != nil {
		b.Fatal(err)
	}
	w.SyncEvery = time.Hour // measure encoding+write, not the disk's fsync
	tk := Tick{WallMs: 123456, Similarity: 1000, Players: []PlayerStep{
		{Attempted: world.PlaceAt(world.V(3, 2, 3), world.Planks), Effective: world.PlaceAt(world.V(3, 2, 3), world.Planks), Pos: world.V(1, 2, 1), Reward: 1, Correct: true},
		{Attempted: world.Move(world.MovePosX), Effective: world.Move(world.MovePosX), Pos: world.V(2, 2, 1)},
	}}
	frame := len(appendFrame(nil, TypeTick, encodeTick(&tk)))
	for i := 0; i < b.N; i++ {
		tk.Tick = uint32(i)
		if err := w.AppendTick(&tk); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(frame), "bytes/tick")
	b.ReportMetric(float64(frame)*1125/1024, "KiB/15min@0.8s")
	w.End(End{Reason: EndStopped})
}
