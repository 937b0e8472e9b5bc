package assist

import (
	"math"
	"testing"

	"github.com/swarmdesk/swarmdesk/app/blockassist/goals"
	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

func TestExpectedGainMatchesEnumeration(t *testing.T) {
	cases := []struct {
		name      string
		p         map[world.Block]float64
		cur, next world.Block
		want      float64
	}{
		{"place sure", map[world.Block]float64{world.Stone: 1}, world.Air, world.Stone, 1},
		{"place 70%", map[world.Block]float64{world.Stone: .7, world.Air: .3}, world.Air, world.Stone, 0.4},
		{"place 70% vs wool", map[world.Block]float64{world.Stone: .7, world.Wool: .3}, world.Air, world.Stone, 0.4},
		{"place coin flip", map[world.Block]float64{world.Stone: .5, world.Air: .5}, world.Air, world.Stone, 0},
		{"break wrong", map[world.Block]float64{world.Stone: 1}, world.Wool, world.Air, 1},
		{"break where air belongs", map[world.Block]float64{world.Air: 1}, world.Dirt, world.Air, 1},
		{"break correct", map[world.Block]float64{world.Dirt: 1}, world.Dirt, world.Air, -1},
		{"break 80% floor", map[world.Block]float64{world.Stone: .8, world.Dirt: .2}, world.Dirt, world.Air, 0.6},
	}
	for _, c := range cases {
		var p [world.NumBlocks]float64
		for b, x := range c.p {
			p[b] = x
		}
		if got := ExpectedGain(&p, c.cur, c.next); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: gain %v, want %v", c.name, got, c.want)
		}
	}
}

func TestCatalogPosteriorIdentifiesGoal(t *testing.T) {
	cat, _ := goals.Embedded()
	s, _ := cat.Get("stone_hut")
	truth := goals.Placement{Rotation: 1, Offset: world.V(2, 0, 1)}
	goal, err := goals.Place(s, truth)
	if err != nil {
		t.Fatal(err)
	}
	post := NewCatalogPosterior(cat.Subset(goals.Train))
	// Feed the first 70 voxel edits the scripted builder would change.
	b := &ScriptedBuilder{Goal: &goal}
	env, _ := world.NewEpisode(goal, world.DefaultStarts(1))
	events := 0
	for events < 70 && env.Tick < 500 {
		a := b.Next(&env.Cur, env.Players, 0)
		prev := env.Cur
		res, _ := env.Step([]world.Action{a})
		if e := res[0].Effective; e.Type == world.Place || e.Type == world.Break {
			post.Observe(Event{Action: e, Prev: prev[e.Voxel]})
			events++
		}
	}
	truthIdx, top := -1, 0
	m := post.MaxLogWeight()
	for i := range post.Hyps {
		if post.Hyps[i] == goal {
			truthIdx = i
		}
		if post.LogW[i] == m {
			top++
		}
	}
	if truthIdx < 0 {
		t.Fatal("true goal not among the hypotheses")
	}
	if post.LogW[truthIdx] != m {
		t.Errorf("true goal log-weight %v below the best %v", post.LogW[truthIdx], m)
	}
	if top*20 > len(post.Hyps) {
		t.Errorf("%d of %d hypotheses still tied after %d events", top, len(post.Hyps), events)
	}
}

func TestAssistantRespectsHumanEdits(t *testing.T) {
	// A predictor that is sure every voxel should be air: the assistant
	// would like to break everything, but must not touch human blocks.
	env, _ := world.NewEpisode(world.NewGround(), world.DefaultStarts(2))
	human := world.V(1, 2, 1)
	env.Cur.Set(human, world.Planks)
	a := New(allAir{}, DefaultConfig())
	a.Observe(Event{Tick: 0, Action: world.PlaceAt(human, world.Planks)})
	for tick := 1; tick < 40; tick++ {
		obs := Observation{Tick: tick, Cur: &env.Cur, Players: env.Players, Self: 1, LastInteracted: &env.LastInteracted}
		act := a.Act(&obs)
		if act.Type == world.Break && act.Voxel == human.Index() {
			t.Fatalf("tick %d: assistant breaks the human's block", tick)
		}
		if act.Type == world.Break && world.VecOf(act.Voxel).Y > 1 {
			t.Fatalf("tick %d: assistant acts above the human's layer: %v", tick, act)
		}
	}
}

type allAir struct{}

func (allAir) Observe(Event) {}
func (allAir) Predict(_ *Observation, out *Marginals) {
	*out = Marginals{}
	for v := range out {
		out[v][world.Air] = 1
	}
}

func TestAssistantIdleWithoutEvidence(t *testing.T) {
	cat, _ := goals.Embedded()
	a := New(NewInference(cat.Subset(goals.Train)), DefaultConfig())
	env, _ := world.NewEpisode(world.NewGround(), world.DefaultStarts(2))
	for tick := 0; tick < 5; tick++ {
		obs := Observation{Tick: tick, Cur: &env.Cur, Players: env.Players, Self: 1, LastInteracted: &env.LastInteracted}
		act := a.Act(&obs)
		if act.Type == world.Place || act.Type == world.Break {
			t.Fatalf("assistant edits the world before the human did anything: %v", act)
		}
		if _, err := env.Step([]world.Action{world.NoopAction, act}); err != nil {
			t.Fatal(err)
		}
	}
}
