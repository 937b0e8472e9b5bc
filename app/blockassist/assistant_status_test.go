package blockassist

import (
	"strings"
	"testing"
	"time"

	"github.com/swarmdesk/swarmdesk/app/blockassist/assist"
	"github.com/swarmdesk/swarmdesk/app/blockassist/goals"
	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// TestIdleAssistantSaysWhatItWaitsFor replays issue 18's newcomer: three blocks placed, then
// 33 s (41 ticks of 0.8 s) of waiting. The assistant places nothing — by design it works only
// inside the area and up to the layer the player has built on, and only when sure of the goal —
// so every tick must carry a sentence saying what it waits for, instead of leaving the player
// guessing. It must still help once the player builds on (the scripted builder).
func TestIdleAssistantSaysWhatItWaitsFor(t *testing.T) {
	cat, err := goals.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	g, err := cat.Get("dirt_hut")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		place func(s *Session, b *assist.ScriptedBuilder, n int) world.Action
	}{
		{"dirt next to the player", func(s *Session, _ *assist.ScriptedBuilder, n int) world.Action {
			_, pos := s.State()
			return world.PlaceAt(world.V(pos[0].X+1+n, 2, pos[0].Z+1), world.Dirt)
		}},
		{"the goal's first blocks", func(s *Session, b *assist.ScriptedBuilder, _ int) world.Action {
			cur, pos := s.State()
			return b.Next(&cur, pos, 0)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Start(Config{DataDir: t.TempDir(), Goal: g, Now: (&clock{t: time.Unix(1_700_000_000, 0)}).now,
				Assistant: assist.New(assist.NewInference(cat.Goals), assist.DefaultConfig())})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Stop()
			goal := s.Goal()
			b := &assist.ScriptedBuilder{Goal: &goal}
			r, placed := TickResult{}, 0
			for i := 0; i < 100 && placed < 3; i++ {
				if err := s.Queue(tc.place(s, b, placed)); err != nil {
					t.Fatal(err)
				}
				if r, err = s.Tick(); err != nil {
					t.Fatal(err)
				}
				if r.Human.Effective.Type == world.Place {
					placed++
				}
			}
			if placed != 3 {
				t.Fatalf("the player placed %d blocks, want 3", placed)
			}
			edits := 0
			for i := 0; i < 41; i++ {
				if r, err = s.Tick(); err != nil {
					t.Fatal(err)
				}
				if e := r.Assistant.Effective.Type; e == world.Place || e == world.Break {
					edits++
					continue
				}
				st := r.AssistantState
				if st.Reason == assist.Editing || st.Sentence() == "" || !strings.Contains(st.Sentence(), "assistant") {
					t.Fatalf("tick %d: the assistant did nothing and says %q (%+v)", r.Tick, st.Sentence(), st)
				}
			}
			t.Logf("after 3 blocks and 41 ticks: %d assistant edits; it says %q", edits, r.AssistantState.Sentence())

			// Building on, the assistant joins in.
			for i := 0; i < 400 && edits == 0 && !r.Done; i++ {
				cur, pos := s.State()
				if err := s.Queue(b.Next(&cur, pos, 0)); err != nil {
					t.Fatal(err)
				}
				if r, err = s.Tick(); err != nil {
					t.Fatal(err)
				}
				if e := r.Assistant.Effective.Type; e == world.Place || e == world.Break {
					edits++
				}
			}
			if edits == 0 {
				t.Fatal("the assistant never placed or broke anything while the player built the goal")
			}
		})
	}
}
