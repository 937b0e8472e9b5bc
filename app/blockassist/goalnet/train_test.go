package goalnet

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/swarmdesk/swarmdesk/app/blockassist"
	"github.com/swarmdesk/swarmdesk/app/blockassist/assist"
	"github.com/swarmdesk/swarmdesk/app/blockassist/goals"
	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

func TestSessionFileNameMatches(t *testing.T) {
	if sessionFile != blockassist.SessionFile {
		t.Fatalf("goalnet reads %q, blockassist writes %q", sessionFile, blockassist.SessionFile)
	}
}

// Overfitting a single frame must drive its loss down: the optimizer,
// gradients and update direction agree.
func TestOverfitOneExample(t *testing.T) {
	n := newNet(4, 4, 1)
	goal := world.NewGround()
	for x := 2; x < 6; x++ {
		goal[world.V(x, 2, 3).Index()] = world.Planks
	}
	e := example{cur: world.NewGround(), goal: &goal}
	e.cur[world.V(2, 2, 3).Index()] = world.Planks
	e.touched[world.V(2, 2, 3).Index()] = 1
	tr := newTrainer(n, 1e-2)
	first, err := tr.step([]*example{&e})
	if err != nil {
		t.Fatal(err)
	}
	last := first
	for i := 0; i < 40; i++ {
		if last, err = tr.step([]*example{&e}); err != nil {
			t.Fatal(err)
		}
	}
	if !(last < first/3) {
		t.Fatalf("loss %v → %v after 40 steps; want a 3× drop", first, last)
	}
	t.Logf("loss %.4f → %.4f", first, last)
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	n := New(9)
	m, err := Decode(n.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if m.C1 != n.C1 || m.C2 != n.C2 || !slices.Equal(m.Params, n.Params) {
		t.Fatal("round trip changed the net")
	}
	good := n.Encode()
	for _, tc := range []struct {
		name string
		edit func([]byte) []byte
	}{
		{"empty", func([]byte) []byte { return nil }},
		{"magic", func(b []byte) []byte { b[0] = 'X'; return b }},
		{"version", func(b []byte) []byte { b[8] = 9; return b }},
		{"width", func(b []byte) []byte { b[16] = 0; b[17] = 0x10; return b }},
		{"truncated", func(b []byte) []byte { return b[:len(b)-5] }},
		{"flipped bit", func(b []byte) []byte { b[100] ^= 1; return b }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Decode(tc.edit(bytes.Clone(good))); err == nil {
				t.Fatal("corrupt model decoded without error")
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	good := newNet(2, 3, 1).Encode()
	f.Add(good)
	f.Add(good[:headerSize])
	f.Add([]byte(fileMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := Decode(b)
		if err != nil {
			return
		}
		if !bytes.Equal(n.Encode(), b) {
			t.Fatal("decoded model does not re-encode to the same bytes")
		}
	})
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(dir); !errors.Is(err, ErrNoModel) {
		t.Fatalf("empty dir: %v, want ErrNoModel", err)
	}
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || errors.Is(err, ErrNoModel) {
		t.Fatalf("corrupt file: %v, want a decode error", err)
	}
	if _, err := Train(context.Background(), dir, Options{}, nil); !errors.Is(err, ErrNoSessions) {
		t.Fatalf("train without sessions: %v, want ErrNoSessions", err)
	}
}

// recordSessions plays each goal with the scripted builder into dataDir,
// the way the app records sessions.
func recordSessions(t *testing.T, dataDir string, ids []string) {
	t.Helper()
	cat, err := goals.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Unix(1_700_000_000, 0)
	for _, id := range ids {
		g, err := cat.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(time.Hour)
		c := clock
		s, err := blockassist.Start(blockassist.Config{DataDir: dataDir, Goal: g, Placement: goals.Placement{Offset: world.V(1, 0, 1)},
			Now: func() time.Time { c = c.Add(800 * time.Millisecond); return c }})
		if err != nil {
			t.Fatal(err)
		}
		goal := s.Goal()
		b := &assist.ScriptedBuilder{Goal: &goal}
		for i := 0; i < 3000; i++ {
			cur, pos := s.State()
			if err := s.Queue(b.Next(&cur, pos, 0)); err != nil {
				t.Fatal(err)
			}
			r, err := s.Tick()
			if err != nil {
				t.Fatal(err)
			}
			if r.Done {
				break
			}
		}
		if _, err := s.Stop(); err != nil {
			t.Fatal(err)
		}
	}
}

// End to end: record sessions, train, and the held-out (newest) session's
// frames are predicted better than by the untrained status-quo net; the
// saved model loads and yields valid marginals; a second run continues
// from it.
func TestTrainEndToEnd(t *testing.T) {
	dir := t.TempDir()
	recordSessions(t, dir, []string{"garden_wall", "dirt_hut", "garden_wall", "dirt_hut"})
	var steps int
	var lastLoss float64
	res, err := Train(context.Background(), dir, Options{Epochs: 3, Seed: 1, LR: 1e-2, MaxFrames: 96}, func(p Progress) {
		steps++
		lastLoss = p.Loss
		if p.Epoch < 1 || p.Epoch > p.Epochs || p.Step < 1 || p.Step > p.Steps || math.IsNaN(p.Loss) {
			t.Errorf("bad progress %+v", p)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("sessions %d, train frames %d, eval frames %d, %d steps in %v (last loss %.4f)",
		res.Sessions, res.Frames, res.After.Frames, steps, res.Duration.Round(time.Millisecond), lastLoss)
	t.Logf("before: acc %.4f to-do %.4f (%d voxels) nll %.4f   after: acc %.4f to-do %.4f nll %.4f", res.Before.Accuracy, res.Before.ToDo, res.Before.ToDoVoxels, res.Before.NLL, res.After.Accuracy, res.After.ToDo, res.After.NLL)
	if res.Fresh && res.Before.ToDo != 0 {
		t.Errorf("the untrained net keeps every block, so it gets no to-do voxel right; got %.4f", res.Before.ToDo)
	}
	if !res.Fresh || res.Sessions != 4 || res.After.Frames == 0 || steps == 0 {
		t.Fatalf("result %+v", res)
	}
	if !(res.After.Accuracy > res.Before.Accuracy) || !(res.After.NLL < res.Before.NLL) {
		t.Fatalf("no improvement on held-out frames: before %+v after %+v", res.Before, res.After)
	}
	n, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	pred := n.Predictor()
	cur := world.NewGround()
	var li [world.NumVoxels]int8
	for i := range li {
		li[i] = world.NoInteraction
	}
	li[world.V(2, 1, 2).Index()] = 0
	obs := assist.Observation{Cur: &cur, Players: world.DefaultStarts(2), Self: 1, Humans: []int{0}, LastInteracted: &li}
	var m assist.Marginals
	pred.Predict(&obs, &m)
	for v := range m {
		s := 0.0
		for _, p := range m[v] {
			if !(p >= 0 && p <= 1) {
				t.Fatalf("voxel %d: probability %v", v, p)
			}
			s += p
		}
		if math.Abs(s-1) > 1e-9 {
			t.Fatalf("voxel %d marginals sum to %v", v, s)
		}
	}
	// The learned net drives the real assistant.
	a := assist.New(Mix(pred, assist.NewInference(nil), 0.5), assist.DefaultConfig())
	_ = a.Act(&obs)

	// A second run starts from the saved model: Before equals the last
	// After (same held-out frames).
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Train(ctx, dir, Options{Epochs: 1, MaxFrames: 8}, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled train: %v", err)
	}
	if m2, err := Load(dir); err != nil || !slices.Equal(m2.Params, n.Params) {
		t.Fatalf("cancelled run changed the saved model (err %v)", err)
	}
}
