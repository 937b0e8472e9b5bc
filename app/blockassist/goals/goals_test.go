package goals

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// The committed assets must be exactly what the generator writes, so the
// catalog can always be regenerated without surprises.
func TestEmbeddedMatchesGenerator(t *testing.T) {
	gen, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if len(cat.Goals) != len(gen) {
		t.Fatalf("embedded %d goals, generator %d: run go run ./app/blockassist/cmd/gengoals", len(cat.Goals), len(gen))
	}
	for _, g := range gen {
		e, err := cat.Get(g.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(Encode(e), Encode(g)) {
			t.Errorf("%s differs from generator output: regenerate assets/goals", g.ID)
		}
	}
}

func TestCatalogShape(t *testing.T) {
	cat, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if len(cat.Goals) < 20 {
		t.Errorf("%d goals, want >= 20", len(cat.Goals))
	}
	train, test := cat.Subset(Train), cat.Subset(Test)
	if len(train) == 0 || len(test) == 0 || len(train)+len(test) != len(cat.Goals) {
		t.Errorf("split train=%d test=%d", len(train), len(test))
	}
	diff := map[Difficulty]int{}
	for _, s := range cat.Goals {
		diff[s.Difficulty]++
		if s.Difficulty != DifficultyFor(s.Changes()) {
			t.Errorf("%s labelled %s but has %d changes", s.ID, s.Difficulty, s.Changes())
		}
		if s.Changes() == 0 {
			t.Errorf("%s is empty", s.ID)
		}
		if len(Placements(s)) == 0 {
			t.Errorf("%s fits nowhere", s.ID)
		}
	}
	for _, d := range []Difficulty{Easy, Medium, Hard} {
		if diff[d] == 0 {
			t.Errorf("no %s goals", d)
		}
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	gen, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range gen {
		d, err := Decode(Encode(g))
		if err != nil {
			t.Fatalf("%s: %v", g.ID, err)
		}
		if d.ID != g.ID || d.Name != g.Name || d.Split != g.Split || d.Size != g.Size || !bytes.Equal(blockBytes(d), blockBytes(g)) {
			t.Errorf("%s: round trip changed the structure", g.ID)
		}
	}
}

func blockBytes(s *Structure) []byte {
	b := make([]byte, len(s.Blocks))
	for i, x := range s.Blocks {
		b[i] = byte(x)
	}
	return b
}

func TestDecodeErrors(t *testing.T) {
	good := "id: a\nname: A\nsplit: train\ndifficulty: easy\nsize: 2 1 2\ny 0\ndd\ndc\n"
	if _, err := Decode([]byte(good)); err != nil {
		t.Fatalf("good file rejected: %v", err)
	}
	cases := map[string]string{
		"no size":        "id: a\nsplit: train\ndifficulty: easy\n",
		"too big":        strings.Replace(good, "size: 2 1 2", "size: 10 1 2", 1),
		"bad char":       strings.Replace(good, "dc\n", "dX\n", 1),
		"short row":      strings.Replace(good, "dc\n", "d\n", 1),
		"missing row":    strings.Replace(good, "dc\n", "", 1),
		"missing layer":  strings.Replace(good, "size: 2 1 2", "size: 2 2 2", 1),
		"bad split":      strings.Replace(good, "train", "dev", 1),
		"bad difficulty": strings.Replace(good, "easy", "trivial", 1),
		"bad id":         strings.Replace(good, "id: a", "id: ../x", 1),
		"repeated layer": good + "y 0\ndd\ndd\n",
		"unknown key":    "colour: red\n" + good,
	}
	for name, in := range cases {
		if _, err := Decode([]byte(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestTransforms(t *testing.T) {
	s, err := NewStructure("t", v3(3, 2, 2))
	if err != nil {
		t.Fatal(err)
	}
	s.Set(v3(0, 1, 0), world.Stone)
	s.Set(v3(2, 1, 1), world.Wool)
	cases := []struct {
		mirror bool
		rot    int
		size   world.Vec
		stone  world.Vec
		wool   world.Vec
	}{
		{false, 0, v3(3, 2, 2), v3(0, 1, 0), v3(2, 1, 1)},
		{false, 1, v3(2, 2, 3), v3(1, 1, 0), v3(0, 1, 2)},
		{false, 2, v3(3, 2, 2), v3(2, 1, 1), v3(0, 1, 0)},
		{true, 0, v3(3, 2, 2), v3(2, 1, 0), v3(0, 1, 1)},
	}
	for _, c := range cases {
		tr := s.Transformed(c.mirror, c.rot)
		if tr.Size != c.size || tr.At(c.stone) != world.Stone || tr.At(c.wool) != world.Wool {
			t.Errorf("mirror=%v rot=%d: size %v stone@%v=%v wool@%v=%v", c.mirror, c.rot, tr.Size, c.stone, tr.At(c.stone), c.wool, tr.At(c.wool))
		}
	}
	full := s.Transformed(false, 1).Transformed(false, 3)
	if !bytes.Equal(blockBytes(full), blockBytes(s)) {
		t.Error("rot1+rot3 is not identity")
	}
}

func TestPlace(t *testing.T) {
	s, _ := NewStructure("p", v3(2, 2, 1))
	s.Set(v3(1, 1, 0), world.Planks)
	s.Set(v3(0, 0, 0), world.Air)
	g, err := Place(s, Placement{Offset: v3(3, 0, 4)})
	if err != nil {
		t.Fatal(err)
	}
	ground := world.NewGround()
	diff := 0
	for i := range g {
		if g[i] != ground[i] {
			diff++
		}
	}
	// planks at interior (1,1,1)+(3,0,4)+(1,1,0) = (5,2,5); dug ground at (4,1,5).
	if diff != 2 || g.At(v3(5, 2, 5)) != world.Planks || g.At(v3(4, 1, 5)) != world.Air {
		t.Errorf("placed grid wrong: %d diffs", diff)
	}
	if _, err := Place(s, Placement{Offset: v3(8, 0, 0)}); err == nil {
		t.Error("overhanging placement accepted")
	}
	cat, _ := Embedded()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, g := range cat.Goals {
		for _, p := range Placements(g) {
			if _, err := Place(g, p); err != nil {
				t.Fatalf("%s %v: %v", g.ID, p, err)
			}
		}
		if _, err := RandomPlacement(g, rng); err != nil {
			t.Error(err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	gen, _ := Generate()
	for _, g := range gen[:4] {
		f.Add(Encode(g))
	}
	f.Add([]byte("size: 1 1 1\ny 0\nd\n"))
	f.Add([]byte("y 0\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Decode(data)
		if err != nil {
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("decoded invalid structure: %v", err)
		}
		again, err := Decode(Encode(s))
		if err != nil || !bytes.Equal(blockBytes(again), blockBytes(s)) {
			t.Fatalf("re-encode round trip failed: %v", err)
		}
	})
}

// Every goal must be one connected piece resting on the ground (MBAG's
// single_cc_filter): a floating block could never be placed.
func TestGoalsAreConnected(t *testing.T) {
	cat, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range cat.Goals {
		g, err := Place(s, Placement{})
		if err != nil {
			t.Fatal(err)
		}
		var seen world.Grid // reuse as a visited mask (Air = unvisited)
		var stack []world.Vec
		for x := 0; x < world.Width; x++ {
			for z := 0; z < world.Depth; z++ {
				v := world.V(x, 0, z)
				seen.Set(v, world.Stone)
				stack = append(stack, v)
			}
		}
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, d := range []world.Vec{world.V(1, 0, 0), world.V(-1, 0, 0), world.V(0, 1, 0), world.V(0, -1, 0), world.V(0, 0, 1), world.V(0, 0, -1)} {
				n := v.Add(d)
				if n.InBounds() && g.At(n).Solid() && seen.At(n) == world.Air {
					seen.Set(n, world.Stone)
					stack = append(stack, n)
				}
			}
		}
		for i, b := range g {
			if b.Solid() && seen[i] == world.Air {
				t.Errorf("%s: block %s at %s floats", s.ID, b, world.VecOf(i))
				break
			}
		}
	}
}
