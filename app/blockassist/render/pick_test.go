package render

import (
	"testing"

	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

func TestPick(t *testing.T) {
	g := world.NewGround()
	g.Set(world.V(5, 2, 5), world.Stone)
	for _, tc := range []struct {
		name     string
		o, d     [3]float64
		ok       bool
		hit      world.Vec
		place    world.Vec
		canPlace bool
	}{
		{"block ahead", [3]float64{5.5, 2.5, 0.5}, [3]float64{0, 0, 1}, true, world.V(5, 2, 5), world.V(5, 2, 4), true},
		{"down onto dirt", [3]float64{1.5, 5, 1.5}, [3]float64{0, -1, 0}, true, world.V(1, 1, 1), world.V(1, 2, 1), true},
		{"from outside onto the block's side", [3]float64{-3, 2.5, 5.5}, [3]float64{1, 0, 0}, true, world.V(5, 2, 5), world.V(4, 2, 5), true},
		{"from below the world into bedrock", [3]float64{3.5, -2, 3.5}, [3]float64{0, 1, 0}, true, world.V(3, 0, 3), world.Vec{}, false},
		{"sky", [3]float64{5.5, 5, 5.5}, [3]float64{0, 1, 0}, false, world.Vec{}, world.Vec{}, false},
		{"misses the world", [3]float64{-3, 5, -3}, [3]float64{-1, 0, 0}, false, world.Vec{}, world.Vec{}, false},
		{"diagonal", [3]float64{0.5, 4.5, 0.5}, norm([3]float64{1, -3, 0.5}), true, world.V(1, 1, 0), world.V(1, 2, 0), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, ok := Pick(&g, tc.o, tc.d)
			if ok != tc.ok || r.Hit != tc.hit || r.Place != tc.place || r.CanPlace != tc.canPlace {
				t.Fatalf("Pick = %+v %v, want hit %v place %v (%v) %v", r, ok, tc.hit, tc.place, tc.canPlace, tc.ok)
			}
		})
	}
}
