package assist

import (
	"math/rand/v2"
	"testing"

	"github.com/swarmdesk/swarmdesk/app/blockassist/goals"
	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// evaluate runs every structure alone and with a fresh assistant, returning
// total human actions for both.
func evaluate(t testing.TB, structs []*goals.Structure, mk func() *Assistant, seed uint64) (alone, with int, wrong int) {
	rng := rand.New(rand.NewPCG(seed, 4))
	for _, s := range structs {
		p, err := goals.RandomPlacement(s, rng)
		if err != nil {
			t.Fatal(err)
		}
		goal, err := goals.Place(s, p)
		if err != nil {
			t.Fatal(err)
		}
		a, err := Simulate(goal, nil, 3000)
		if err != nil {
			t.Fatal(err)
		}
		w, err := Simulate(goal, mk(), 3000)
		if err != nil {
			t.Fatal(err)
		}
		if !a.Complete || !w.Complete {
			t.Fatalf("%s: not completed: alone %v / with %v", s.ID, a, w)
		}
		t.Logf("%-18s alone %3d human actions | with assistant %3d (%s)", s.ID, a.HumanActions, w.HumanActions, w)
		alone += a.HumanActions
		with += w.HumanActions
		wrong += w.AssistantMistakes
	}
	return alone, with, wrong
}

// Held-out houses: the assistant's catalog is the train split only, so it
// must rely on the per-voxel model for these goals.
func TestAssistantHelpsOnUnseenTestHouses(t *testing.T) {
	cat, err := goals.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	train := cat.Subset(goals.Train)
	alone, with, _ := evaluate(t, cat.Subset(goals.Test), func() *Assistant { return New(NewInference(train), DefaultConfig()) }, 3)
	t.Logf("unseen test houses: human actions alone %d, with assistant %d (%.1f%% fewer)", alone, with, 100*(1-float64(with)/float64(alone)))
	if with >= alone {
		t.Errorf("assistant did not reduce human actions: %d vs %d alone", with, alone)
	}
}

// Catalog goals (what the app actually plays: its goals come from the
// shipped catalog) must be recognised, so the saving is much larger.
func TestAssistantHelpsOnCatalogHouses(t *testing.T) {
	cat, err := goals.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	pick := []*goals.Structure{}
	for _, id := range []string{"oak_cottage", "stone_watchtower", "hill_bunker", "woolen_hut"} {
		s, err := cat.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		pick = append(pick, s)
	}
	alone, with, _ := evaluate(t, pick, func() *Assistant { return New(NewInference(cat.Goals), DefaultConfig()) }, 5)
	t.Logf("catalog houses: human actions alone %d, with assistant %d (%.1f%% fewer)", alone, with, 100*(1-float64(with)/float64(alone)))
	if float64(with) > 0.85*float64(alone) {
		t.Errorf("assistant saved too little on known goals: %d vs %d alone", with, alone)
	}
}

// oracle is a Predictor that knows the goal: it checks the plug-in point
// and bounds what any learned predictor can achieve.
type oracle struct{ goal *world.Grid }

func (oracle) Observe(Event) {}
func (o oracle) Predict(_ *Observation, out *Marginals) {
	*out = Marginals{}
	for v, b := range o.goal {
		out[v][b] = 1
	}
}

func TestOraclePredictorPlugsIn(t *testing.T) {
	cat, _ := goals.Embedded()
	s, _ := cat.Get("cobble_cottage")
	goal, err := goals.Place(s, goals.Placement{Offset: world.V(1, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	alone, _ := Simulate(goal, nil, 3000)
	cfg := DefaultConfig()
	cfg.MaxAhead = world.Height
	with, err := Simulate(goal, New(oracle{&goal}, cfg), 3000)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("oracle: alone %d, with %d human actions (%s)", alone.HumanActions, with.HumanActions, with)
	if with.AssistantMistakes != 0 || !with.Complete || with.HumanActions >= alone.HumanActions*3/4 {
		t.Errorf("oracle assistant: %v vs alone %v", with, alone)
	}
}

func BenchmarkAssistantUnseen(b *testing.B) {
	cat, _ := goals.Embedded()
	train := cat.Subset(goals.Train)
	for i := 0; i < b.N; i++ {
		alone, with, wrong := evaluate(b, cat.Subset(goals.Test), func() *Assistant { return New(NewInference(train), DefaultConfig()) }, 3)
		b.ReportMetric(float64(alone), "human-actions-alone")
		b.ReportMetric(float64(with), "human-actions-assisted")
		b.ReportMetric(100*(1-float64(with)/float64(alone)), "%-fewer")
		b.ReportMetric(float64(wrong), "assistant-mistakes")
	}
}

func BenchmarkAct(b *testing.B) {
	cat, _ := goals.Embedded()
	a := New(NewInference(cat.Subset(goals.Train)), DefaultConfig())
	env, _ := world.NewEpisode(world.NewGround(), world.DefaultStarts(2))
	obs := Observation{Cur: &env.Cur, Players: env.Players, Self: 1, LastInteracted: &env.LastInteracted}
	a.Observe(Event{Action: world.PlaceAt(world.V(3, 2, 3), world.Planks)})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a.Act(&obs)
	}
	b.ReportMetric(float64(len(a.Pred.(*Inference).Catalog.Hyps)), "hypotheses")
}

// BenchmarkAssistantLeaveOneOut treats each train house as unseen in turn
// (catalog = the other train houses).
func BenchmarkAssistantLeaveOneOut(b *testing.B) {
	cat, _ := goals.Embedded()
	train := cat.Subset(goals.Train)
	for i := 0; i < b.N; i++ {
		alone, with := 0, 0
		for j, s := range train {
			rest := append(append([]*goals.Structure(nil), train[:j]...), train[j+1:]...)
			a, w, _ := evaluate(b, []*goals.Structure{s}, func() *Assistant { return New(NewInference(rest), DefaultConfig()) }, 21)
			alone += a
			with += w
		}
		b.ReportMetric(float64(alone), "human-actions-alone")
		b.ReportMetric(float64(with), "human-actions-assisted")
		b.ReportMetric(100*(1-float64(with)/float64(alone)), "%-fewer")
	}
}
