package world

import (
	"testing"
)

func TestIndexMatchesNumpyRavel(t *testing.T) {
	// numpy.ravel_multi_index((x,y,z), (11,10,10)) reference values.
	cases := []struct {
		v    Vec
		want int
	}{
		{Vec{0, 0, 0}, 0},
		{Vec{0, 0, 1}, 1},
		{Vec{0, 1, 0}, 10},
		{Vec{1, 0, 0}, 100},
		{Vec{1, 2, 3}, 123},
		{Vec{10, 9, 9}, 1099},
	}
	for _, c := range cases {
		if got := c.v.Index(); got != c.want {
			t.Errorf("%s.Index() = %d, want %d", c.v, got, c.want)
		}
	}
	for i := 0; i < NumVoxels; i++ {
		if VecOf(i).Index() != i {
			t.Fatalf("VecOf(%d) round trip failed: %s", i, VecOf(i))
		}
	}
}

func TestVoxelSimilarity(t *testing.T) {
	cases := []struct {
		cur, goal Block
		want      int
	}{
		{Air, Air, 1},
		{Stone, Stone, 1},
		{Stone, Air, 0},
		{Air, Stone, 0},
		{Wool, Stone, -1},
		{Dirt, Planks, -1},
	}
	for _, c := range cases {
		if got := VoxelSimilarity(c.cur, c.goal); got != c.want {
			t.Errorf("VoxelSimilarity(%s,%s) = %d, want %d", c.cur, c.goal, got, c.want)
		}
	}
}

func TestGoalPercentEdgeCases(t *testing.T) {
	ground := NewGround()
	goal := ground
	a, b := Vec{3, 2, 3}, Vec{3, 3, 3}
	goal.Set(a, Stone)
	goal.Set(b, Stone)
	init := Similarity(&ground, &goal)
	if init != NumVoxels-2 {
		t.Fatalf("initial similarity %d, want %d", init, NumVoxels-2)
	}
	cases := []struct {
		name string
		edit func(g *Grid)
		want float64
	}{
		{"start", func(*Grid) {}, 0},
		{"half", func(g *Grid) { g.Set(a, Stone) }, 0.5},
		{"complete", func(g *Grid) { g.Set(a, Stone); g.Set(b, Stone) }, 1},
		{"wrong block is -1", func(g *Grid) { g.Set(a, Wool) }, -0.5},
		{"wrong then right", func(g *Grid) { g.Set(a, Wool); g.Set(b, Stone) }, 0},
		{"block where air belongs", func(g *Grid) { g.Set(Vec{7, 2, 7}, Dirt) }, -0.5},
		{"dug ground", func(g *Grid) { g.Set(Vec{7, 1, 7}, Air) }, -0.5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := ground
			c.edit(&g)
			if got := GoalPercent(init, Similarity(&g, &goal)); got != c.want {
				t.Errorf("goal%% = %v, want %v", got, c.want)
			}
		})
	}
	if got := GoalPercent(NumVoxels, NumVoxels); got != 1 {
		t.Errorf("goal equal to start: %v, want 1", got)
	}
}

func TestNewGround(t *testing.T) {
	g := NewGround()
	for i, b := range g {
		v := VecOf(i)
		want := Air
		switch v.Y {
		case 0:
			want = Bedrock
		case 1:
			want = Dirt
		}
		if b != want {
			t.Fatalf("%s = %s, want %s", v, b, want)
		}
	}
}

func TestReachAndLineOfSight(t *testing.T) {
	wall := func(g *Grid) {
		for y := 2; y <= 5; y++ {
			for z := 3; z <= 7; z++ {
				g.Set(Vec{2, y, z}, Stone)
			}
		}
	}
	cases := []struct {
		name  string
		setup func(g *Grid)
		feet  Vec
		place bool // false: break
		v     Vec
		want  bool
	}{
		{"place on ground next to me", nil, Vec{5, 2, 5}, true, Vec{5, 2, 6}, true},
		{"place into own feet", nil, Vec{5, 2, 5}, true, Vec{5, 2, 5}, false},
		{"place into own head", nil, Vec{5, 2, 5}, true, Vec{5, 3, 5}, false},
		{"place within 4.5", nil, Vec{5, 2, 5}, true, Vec{5, 2, 9}, true},
		{"place out of reach", nil, Vec{5, 2, 5}, true, Vec{0, 2, 0}, false},
		{"place floating, no face", nil, Vec{5, 2, 5}, true, Vec{5, 6, 8}, false},
		{"place into solid", nil, Vec{5, 2, 5}, true, Vec{5, 1, 6}, false},
		{"place on top of a block", func(g *Grid) { g.Set(Vec{6, 2, 5}, Stone) }, Vec{5, 2, 5}, true, Vec{6, 3, 5}, true},
		{"break ground below me", nil, Vec{5, 2, 5}, false, Vec{5, 1, 5}, true},
		{"break bedrock", func(g *Grid) { g.Set(Vec{5, 1, 6}, Air) }, Vec{5, 2, 5}, false, Vec{5, 0, 6}, false},
		{"break air", nil, Vec{5, 2, 5}, false, Vec{5, 3, 6}, false},
		{"break buried block", nil, Vec{5, 5, 5}, false, Vec{5, 0, 5}, false},
		{"break dirt in view", nil, Vec{1, 2, 5}, false, Vec{4, 1, 5}, true},
		{"break dirt behind wall", wall, Vec{1, 2, 5}, false, Vec{4, 1, 5}, false},
		{"place behind wall", wall, Vec{1, 2, 5}, true, Vec{4, 2, 5}, false},
		{"break the wall itself", wall, Vec{1, 2, 5}, false, Vec{2, 3, 5}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := NewGround()
			if c.setup != nil {
				c.setup(&g)
			}
			var got bool
			if c.place {
				got = CanPlace(&g, c.feet, c.v, []Vec{c.feet})
			} else {
				got = CanBreak(&g, c.feet, c.v)
			}
			if got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestStepRewardsMatchMBAG(t *testing.T) {
	target := Vec{5, 2, 6}
	cases := []struct {
		name        string
		goal, cur   Block
		action      Action
		wantReward  int
		wantCorrect bool
	}{
		{"place correct", Stone, Air, PlaceAt(target, Stone), 1, true},
		{"place wrong type", Stone, Air, PlaceAt(target, Wool), -1, false},
		{"place where air belongs", Air, Air, PlaceAt(target, Stone), -1, false},
		{"break wrong block", Stone, Wool, BreakAt(target), 1, true},
		{"break correct block", Stone, Stone, BreakAt(target), -1, false},
		{"break block where air belongs", Air, Dirt, BreakAt(target), 1, true},
		{"replace wrong with right needs break first", Stone, Wool, PlaceAt(target, Stone), 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			goal := NewGround()
			goal.Set(target, c.goal)
			e, err := NewEpisode(goal, []Vec{{5, 2, 5}})
			if err != nil {
				t.Fatal(err)
			}
			e.Cur.Set(target, c.cur)
			res, err := e.Step([]Action{c.action})
			if err != nil {
				t.Fatal(err)
			}
			r := res[0]
			if r.Reward != c.wantReward || r.Correct != c.wantCorrect {
				t.Errorf("reward %d correct %v, want %d %v", r.Reward, r.Correct, c.wantReward, c.wantCorrect)
			}
			failed := r.Effective == NoopAction
			if failed != (c.action.Type == Place && c.cur != Air) {
				t.Errorf("effective %v for attempted %v", r.Effective, r.Attempted)
			}
			if !failed && e.LastInteracted[target.Index()] != 0 {
				t.Errorf("last interacted not recorded")
			}
		})
	}
}

func TestMoves(t *testing.T) {
	e, err := NewEpisode(NewGround(), []Vec{{0, 2, 0}, {2, 2, 0}})
	if err != nil {
		t.Fatal(err)
	}
	e.Cur.Set(Vec{0, 3, 1}, Stone)
	cases := []struct {
		name string
		t    ActionType
		want Vec
	}{
		{"out of world -x", MoveNegX, Vec{0, 2, 0}},
		{"down into dirt", MoveNegY, Vec{0, 2, 0}},
		{"head hits stone", MovePosZ, Vec{0, 2, 0}},
		{"free step +x", MovePosX, Vec{1, 2, 0}},
		{"into other player", MovePosX, Vec{1, 2, 0}},
		{"fly up", MovePosY, Vec{1, 3, 0}},
		{"other player's head blocks nothing at y=3 +x? no: feet overlap head", MovePosX, Vec{1, 3, 0}},
		{"up again", MovePosY, Vec{1, 4, 0}},
		{"over the other player", MovePosX, Vec{2, 4, 0}},
	}
	for _, c := range cases {
		if _, err := e.Step([]Action{Move(c.t)}); err != nil {
			t.Fatal(err)
		}
		if e.Players[0] != c.want {
			t.Errorf("%s: at %s, want %s", c.name, e.Players[0], c.want)
		}
	}
	if _, err := e.Step(make([]Action, 3)); err == nil {
		t.Error("3 actions for 2 players accepted")
	}
}

func TestNewEnvRejectsBadInput(t *testing.T) {
	g := NewGround()
	g[5] = Block(42)
	if _, err := NewEpisode(g, DefaultStarts(1)); err == nil {
		t.Error("invalid goal id accepted")
	}
	if _, err := NewEpisode(NewGround(), []Vec{{0, 1, 0}}); err == nil {
		t.Error("start inside dirt accepted")
	}
	if _, err := NewEpisode(NewGround(), []Vec{{0, 2, 0}, {0, 3, 0}}); err == nil {
		t.Error("overlapping starts accepted")
	}
}

func TestCompletion(t *testing.T) {
	goal := NewGround()
	goal.Set(Vec{1, 2, 1}, Planks)
	e, err := NewEpisode(goal, DefaultStarts(2))
	if err != nil {
		t.Fatal(err)
	}
	if e.Complete() || e.GoalPercent() != 0 {
		t.Fatal("complete at start")
	}
	if _, err := e.Step([]Action{PlaceAt(Vec{1, 2, 1}, Planks)}); err != nil {
		t.Fatal(err)
	}
	// Player 1 stands at (1,2,0); player 0 at (0,2,0): both can reach (1,2,1).
	if !e.Complete() || e.GoalPercent() != 1 {
		t.Fatalf("not complete after the only block: %v", e.GoalPercent())
	}
}

func TestParseBlock(t *testing.T) {
	for i, n := range BlockNames() {
		b, err := ParseBlock(n)
		if err != nil || int(b) != i {
			t.Errorf("ParseBlock(%q) = %v, %v", n, b, err)
		}
	}
	if b, _ := ParseBlock("Grass"); b != Dirt {
		t.Errorf("grass alias = %v", b)
	}
	if _, err := ParseBlock("lava"); err == nil {
		t.Error("lava accepted")
	}
}

func TestMovesBetween(t *testing.T) {
	cases := []struct {
		from, to Vec
		want     []ActionType
	}{
		{Vec{1, 2, 3}, Vec{1, 2, 3}, nil},
		{Vec{1, 2, 3}, Vec{3, 2, 3}, []ActionType{MovePosX, MovePosX}},
		{Vec{1, 2, 3}, Vec{0, 3, 1}, []ActionType{MoveNegX, MovePosY, MoveNegZ, MoveNegZ}},
	}
	for _, c := range cases {
		got := MovesBetween(c.from, c.to)
		if len(got) != len(c.want) {
			t.Fatalf("%s->%s: %v", c.from, c.to, got)
		}
		p := c.from
		for i, a := range got {
			if a.Type != c.want[i] {
				t.Errorf("%s->%s step %d: %v want %v", c.from, c.to, i, a.Type, c.want[i])
			}
			d, _ := a.Type.MoveDelta()
			p = p.Add(d)
		}
		if p != c.to {
			t.Errorf("%s->%s: moves end at %s", c.from, c.to, p)
		}
	}
}
