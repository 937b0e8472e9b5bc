package goals

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"

	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// spec describes one catalog entry for the generator.
type spec struct {
	id, name string
	split    Split
	size     world.Vec
	build    func(s *Structure, rng *rand.Rand)
	params   mats
}

// mats are the materials an archetype is drawn with.
type mats struct{ wall, floor, roof, frame, window world.Block }

const (
	air    = world.Air
	dirt   = world.Dirt
	cobble = world.Cobblestone
	glass  = world.Glass
	logb   = world.Log
	plank  = world.Planks
	stone  = world.Stone
	brick  = world.StoneBrick
	wool   = world.Wool
)

// Generate builds the shipped catalog deterministically: the same code
// always yields byte-identical files, so regenerating is safe and reviews
// see only intended changes. Each goal gets its own RNG seeded from its id.
func Generate() ([]*Structure, error) {
	var out []*Structure
	for _, sp := range catalogSpecs() {
		s, err := NewStructure(sp.id, sp.size)
		if err != nil {
			return nil, fmt.Errorf("generate %s: %w", sp.id, err)
		}
		s.Name, s.Split = sp.name, sp.split
		h := fnv.New64a()
		h.Write([]byte(sp.id))
		rng := rand.New(rand.NewPCG(h.Sum64(), 0x5ba55ba5))
		sp.build(s, rng)
		s.Difficulty = DifficultyFor(s.Changes())
		if err := s.Validate(); err != nil {
			return nil, fmt.Errorf("generate %s: %w", sp.id, err)
		}
		out = append(out, s)
	}
	return out, nil
}

func catalogSpecs() []spec {
	m := func(wall, floor, roof, frame, window world.Block) mats { return mats{wall, floor, roof, frame, window} }
	sp := func(id, name string, split Split, x, y, z int, b func(*Structure, *rand.Rand, mats), p mats) spec {
		return spec{id: id, name: name, split: split, size: v3(x, y, z), params: p,
			build: func(s *Structure, r *rand.Rand) { b(s, r, p) }}
	}
	return []spec{
		// train
		sp("garden_wall", "Garden wall", Train, 7, 3, 3, gardenWall, m(cobble, dirt, cobble, logb, glass)),
		sp("dirt_hut", "Dirt hut", Train, 5, 4, 5, hut, m(dirt, dirt, plank, dirt, glass)),
		sp("stone_hut", "Stone hut", Train, 5, 5, 5, hut, m(stone, cobble, stone, cobble, glass)),
		sp("market_stall", "Market stall", Train, 5, 5, 4, stall, m(plank, plank, wool, logb, glass)),
		sp("village_well", "Village well", Train, 5, 5, 5, well, m(cobble, cobble, plank, logb, glass)),
		sp("garden_gazebo", "Garden gazebo", Train, 6, 5, 6, gazebo, m(plank, plank, plank, logb, glass)),
		sp("lakeside_pier", "Lakeside pier", Train, 9, 3, 5, pier, m(plank, plank, plank, logb, glass)),
		sp("arch_bridge", "Arch bridge", Train, 9, 5, 4, bridge, m(brick, cobble, brick, stone, glass)),
		sp("oak_cottage", "Oak cottage", Train, 7, 7, 7, cottage, m(plank, cobble, plank, logb, glass)),
		sp("wool_cottage", "Wool cottage", Train, 7, 7, 6, cottage, m(wool, plank, plank, logb, glass)),
		sp("river_hut", "River hut", Train, 6, 6, 5, cottage, m(plank, plank, cobble, logb, glass)),
		sp("hill_bunker", "Hill bunker", Train, 7, 4, 7, bunker, m(cobble, stone, stone, brick, glass)),
		sp("glass_greenhouse", "Glass greenhouse", Train, 7, 5, 6, greenhouse, m(glass, dirt, glass, logb, glass)),
		sp("desert_shrine", "Desert shrine", Train, 7, 5, 7, shrine, m(cobble, stone, stone, brick, glass)),
		sp("stone_watchtower", "Stone watchtower", Train, 5, 8, 5, tower, m(brick, cobble, stone, stone, glass)),
		sp("spruce_longhouse", "Spruce longhouse", Train, 9, 6, 6, cottage, m(logb, plank, plank, logb, glass)),
		sp("library_pavilion", "Library pavilion", Train, 8, 6, 7, pavilion, m(plank, stone, brick, stone, glass)),
		sp("frost_keep", "Frost keep", Train, 9, 7, 8, keep, m(brick, stone, brick, stone, glass)),
		// test
		sp("woolen_hut", "Woolen hut", Test, 5, 5, 5, hut, m(wool, plank, plank, logb, glass)),
		sp("orchard_yard", "Orchard yard", Test, 8, 6, 8, orchard, m(cobble, dirt, dirt, logb, glass)),
		sp("harbor_warehouse", "Harbor warehouse", Test, 8, 6, 6, cottage, m(brick, stone, plank, logb, glass)),
		sp("modern_loft", "Modern loft", Test, 7, 7, 6, loft, m(stone, stone, stone, brick, glass)),
		sp("observatory_dome", "Observatory dome", Test, 7, 8, 7, observatory, m(brick, stone, glass, stone, glass)),
		sp("cobble_cottage", "Cobble cottage", Test, 6, 7, 6, cottage, m(cobble, plank, plank, logb, glass)),
	}
}

func gardenWall(s *Structure, r *rand.Rand, m mats) {
	s.fill(v3(0, 1, 0), v3(6, 1, 0), m.wall)
	s.fill(v3(0, 1, 0), v3(0, 1, 2), m.wall)
	s.corners(0, 0, 6, 2, 1, 2, m.frame)
	s.Set(v3(3, 2, 0), m.frame)
}

// hut: floor, four walls with a door and side windows, flat roof.
func hut(s *Structure, r *rand.Rand, m mats) {
	w, h, d := s.Size.X-1, s.Size.Y-2, s.Size.Z-1
	s.fill(v3(0, 0, 0), v3(w, 0, d), m.floor)
	s.ring(0, 0, w, d, 1, h, m.wall)
	s.corners(0, 0, w, d, 1, h, m.frame)
	door := w / 2
	s.fill(v3(door, 1, 0), v3(door, 2, 0), air)
	if h >= 3 {
		s.Set(v3(0, 2, d/2), m.window)
		s.Set(v3(w, 2, d/2), m.window)
	}
	s.fill(v3(0, h+1, 0), v3(w, h+1, d), m.roof)
}

// cottage: hut body with log corners, windows on the long sides and a gable
// roof.
func cottage(s *Structure, r *rand.Rand, m mats) {
	w, d := s.Size.X-1, s.Size.Z-1
	wallTop := 3
	s.fill(v3(0, 0, 0), v3(w, 0, d), m.floor)
	s.ring(0, 0, w, d, 1, wallTop, m.wall)
	s.corners(0, 0, w, d, 1, wallTop, m.frame)
	door := 1 + r.IntN(max(1, w-1))
	s.fill(v3(door, 1, 0), v3(door, 2, 0), air)
	for x := 1; x < w; x++ {
		if x%2 == 0 && x != door {
			s.Set(v3(x, 2, 0), m.window)
		}
		if x%2 == 1 {
			s.Set(v3(x, 2, d), m.window)
		}
	}
	s.gable(0, 0, w, d, wallTop+1, m.roof, m.wall)
}

func stall(s *Structure, r *rand.Rand, m mats) {
	w, h, d := s.Size.X-1, s.Size.Y-2, s.Size.Z-1
	s.corners(0, 0, w, d, 1, h, m.frame)
	s.fill(v3(1, 1, 0), v3(w-1, 1, 0), m.wall) // counter
	s.fill(v3(0, h+1, 0), v3(w, h+1, d), m.roof)
	s.fill(v3(0, h, 0), v3(w, h, 0), m.roof) // awning lip
}

func well(s *Structure, r *rand.Rand, m mats) {
	s.ring(0, 0, 4, 4, 1, 1, m.wall)
	s.fill(v3(1, 0, 1), v3(3, 0, 3), air) // dug shaft
	s.corners(0, 0, 4, 4, 2, 3, m.frame)
	s.fill(v3(0, 4, 0), v3(4, 4, 4), m.roof)
	s.fill(v3(1, 4, 1), v3(3, 4, 3), air)
}

func gazebo(s *Structure, r *rand.Rand, m mats) {
	w, h, d := s.Size.X-1, s.Size.Y-2, s.Size.Z-1
	s.fill(v3(0, 0, 0), v3(w, 0, d), m.floor)
	s.corners(0, 0, w, d, 1, h, m.frame)
	s.fill(v3(0, h+1, 0), v3(w, h+1, d), m.roof)
	s.fill(v3(w/2-1, h+1, d/2-1), v3(w/2, h+1, d/2), air) // oculus
}

func pier(s *Structure, r *rand.Rand, m mats) {
	w, d := s.Size.X-1, s.Size.Z-1
	s.fill(v3(3, 0, 0), v3(w, 0, d), air) // water channel
	s.fill(v3(0, 1, 1), v3(w, 1, d-1), m.floor)
	for x := 2; x <= w; x += 3 {
		s.Set(v3(x, 0, 1), m.frame)
		s.Set(v3(x, 0, d-1), m.frame)
		s.Set(v3(x, 2, 1), m.frame)
		s.Set(v3(x, 2, d-1), m.frame)
	}
}

func bridge(s *Structure, r *rand.Rand, m mats) {
	w, d := s.Size.X-1, s.Size.Z-1
	s.fill(v3(2, 0, 0), v3(w-2, 0, d), air) // river
	s.fill(v3(0, 1, 0), v3(1, 2, d), m.floor)
	s.fill(v3(w-1, 1, 0), v3(w, 2, d), m.floor)
	s.fill(v3(0, 3, 0), v3(w, 3, d), m.wall)
	s.fill(v3(2, 2, 0), v3(2, 2, d), m.wall)
	s.fill(v3(w-2, 2, 0), v3(w-2, 2, d), m.wall)
	s.fill(v3(0, 4, 0), v3(w, 4, 0), m.frame)
	s.fill(v3(0, 4, d), v3(w, 4, d), m.frame)
}

func bunker(s *Structure, r *rand.Rand, m mats) {
	w, d := s.Size.X-1, s.Size.Z-1
	s.fill(v3(1, 0, 1), v3(w-1, 0, d-1), air) // sunken floor
	s.fill(v3(2, 0, 2), v3(w-2, 0, d-2), m.floor)
	s.ring(0, 0, w, d, 1, 2, m.wall)
	s.fill(v3(w/2, 1, 0), v3(w/2, 2, 0), air)
	s.fill(v3(0, 3, 0), v3(w, 3, d), m.roof)
	s.corners(0, 0, w, d, 1, 3, m.frame)
}

func greenhouse(s *Structure, r *rand.Rand, m mats) {
	w, d := s.Size.X-1, s.Size.Z-1
	s.ring(0, 0, w, d, 1, 3, m.wall)
	s.corners(0, 0, w, d, 1, 3, m.frame)
	s.fill(v3(w/2, 1, 0), v3(w/2, 2, 0), air)
	s.fill(v3(1, 4, 1), v3(w-1, 4, d-1), m.roof)
	s.fill(v3(0, 4, 0), v3(w, 4, 0), m.frame)
	s.fill(v3(0, 4, d), v3(w, 4, d), m.frame)
}

func shrine(s *Structure, r *rand.Rand, m mats) {
	n := s.Size.X - 1
	for k := 0; 2*k <= n; k++ {
		s.ring(k, k, n-k, n-k, k+1, k+1, m.wall)
		s.ring(k+1, k+1, n-k-1, n-k-1, k+1, k+1, m.wall) // supports the next step
	}
	s.fill(v3(0, 0, 0), v3(n, 0, n), m.floor)
	s.Set(v3(n/2, 4, n/2), m.frame)
}

func tower(s *Structure, r *rand.Rand, m mats) {
	w, h, d := s.Size.X-1, s.Size.Y-1, s.Size.Z-1
	s.fill(v3(0, 0, 0), v3(w, 0, d), m.floor)
	s.ring(0, 0, w, d, 1, h-1, m.wall)
	s.fill(v3(w/2, 1, 0), v3(w/2, 2, 0), air)
	for y := 3; y < h-1; y += 2 {
		s.Set(v3(w/2, y, d), m.window)
		s.Set(v3(0, y, d/2), m.window)
	}
	for x := 0; x <= w; x += 2 {
		s.Set(v3(x, h, 0), m.roof)
		s.Set(v3(x, h, d), m.roof)
	}
	for z := 0; z <= d; z += 2 {
		s.Set(v3(0, h, z), m.roof)
		s.Set(v3(w, h, z), m.roof)
	}
	s.fill(v3(1, h-1, 1), v3(w-1, h-1, d-1), m.frame)
}

func pavilion(s *Structure, r *rand.Rand, m mats) {
	w, d := s.Size.X-1, s.Size.Z-1
	s.fill(v3(0, 0, 0), v3(w, 0, d), m.floor)
	for x := 0; x <= w; x += 2 {
		s.fill(v3(x, 1, 0), v3(x, 3, 0), m.frame)
	}
	s.ring(0, 1, w, d, 1, 3, m.wall)
	s.fill(v3(1, 2, d), v3(w-1, 2, d), m.window)
	s.fill(v3(0, 4, 0), v3(w, 4, d), m.roof)
	s.fill(v3(2, 5, 2), v3(w-2, 5, d-2), m.roof)
}

func keep(s *Structure, r *rand.Rand, m mats) {
	w, h, d := s.Size.X-1, s.Size.Y-1, s.Size.Z-1
	s.fill(v3(0, 0, 0), v3(w, 0, d), m.floor)
	s.ring(1, 1, w-1, d-1, 1, h-2, m.wall)
	for _, c := range [][2]int{{0, 0}, {w - 1, 0}, {0, d - 1}, {w - 1, d - 1}} {
		s.ring(c[0], c[1], c[0]+1, c[1]+1, 1, h, m.frame)
	}
	s.fill(v3(w/2, 1, 1), v3(w/2, 2, 1), air)
	s.fill(v3(1, h-1, 1), v3(w-1, h-1, d-1), m.roof)
}

func orchard(s *Structure, r *rand.Rand, m mats) {
	w, d := s.Size.X-1, s.Size.Z-1
	s.ring(0, 0, w, d, 1, 1, m.wall)
	s.Set(v3(w/2, 1, 0), air)
	for _, t := range [][2]int{{2, 2}, {w - 2, d - 2}, {2, d - 2}} {
		s.fill(v3(t[0], 1, t[1]), v3(t[0], 3, t[1]), m.frame)
		s.fill(v3(t[0]-1, 4, t[1]-1), v3(t[0]+1, 4, t[1]+1), m.roof) // leaves map to dirt in MBAG
		s.Set(v3(t[0], 5, t[1]), m.roof)
	}
}

func loft(s *Structure, r *rand.Rand, m mats) {
	w, h, d := s.Size.X-1, s.Size.Y-1, s.Size.Z-1
	s.fill(v3(0, 0, 0), v3(w, 0, d), m.floor)
	s.ring(0, 0, w, d, 1, h-1, m.wall)
	s.fill(v3(1, 2, 0), v3(w-1, 2, 0), m.window)
	s.fill(v3(1, 5, 0), v3(w-1, 5, 0), m.window)
	s.fill(v3(1, 3, 1), v3(w-1, 3, d-1), m.frame) // upper floor
	s.fill(v3(w/2, 1, 0), v3(w/2, 2, 0), air)
	s.fill(v3(0, h, 0), v3(w, h, d), m.roof)
}

func observatory(s *Structure, r *rand.Rand, m mats) {
	w, h, d := s.Size.X-1, s.Size.Y-1, s.Size.Z-1
	s.fill(v3(0, 0, 0), v3(w, 0, d), m.floor)
	s.ring(1, 1, w-1, d-1, 1, 4, m.wall)
	s.fill(v3(w/2, 1, 1), v3(w/2, 2, 1), air)
	s.fill(v3(1, 5, 1), v3(w-1, 5, d-1), m.roof)
	s.fill(v3(2, 6, 2), v3(w-2, 6, d-2), m.roof)
	s.Set(v3(w/2, h, d/2), m.roof)
	s.fill(v3(2, 4, 2), v3(w-2, 4, d-2), m.frame)
}
