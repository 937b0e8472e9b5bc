// Package goals holds the BlockAssist goal catalog: house structures that fit
// the MBAG 9×8×8 goal interior, their text file format, the train/test split
// with difficulty labels, the transforms (rotation, mirror, offset) that
// place a structure in the 11×10×10 world, and the deterministic generator
// that wrote the shipped catalog in assets/goals.
package goals

import (
	"fmt"

	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// Split says whether a goal may be used for training (assistant catalog,
// learned predictors) or is held out for evaluation, as in MBAG's
// CraftAssist train/test split.
type Split string

// The two splits.
const (
	Train Split = "train"
	Test  Split = "test"
)

// Difficulty is a coarse label shown to players; it follows the number of
// voxels the builder has to change.
type Difficulty string

// Difficulty labels.
const (
	Easy   Difficulty = "easy"
	Medium Difficulty = "medium"
	Hard   Difficulty = "hard"
)

// DifficultyFor labels a structure by the number of voxels that differ from
// the ground (blocks to place plus dirt to dig/replace).
func DifficultyFor(changes int) Difficulty {
	switch {
	case changes < 60:
		return Easy
	case changes < 140:
		return Medium
	}
	return Hard
}

// Structure is one goal in structure-local coordinates: layer y=0 sits on the
// world's dirt layer (world y=1), so a structure can keep (dirt), replace
// (floor) or dig (air) the ground. Blocks are stored x-major like world
// grids: index (x*Size.Y+y)*Size.Z+z.
type Structure struct {
	ID         string
	Name       string
	Split      Split
	Difficulty Difficulty
	Size       world.Vec
	Blocks     []world.Block
}

// NewStructure returns a structure of the given size with dirt at layer 0
// (untouched ground) and air above.
func NewStructure(id string, size world.Vec) (*Structure, error) {
	if err := checkSize(size); err != nil {
		return nil, fmt.Errorf("structure %s: %w", id, err)
	}
	s := &Structure{ID: id, Size: size, Blocks: make([]world.Block, size.X*size.Y*size.Z)}
	for x := 0; x < size.X; x++ {
		for z := 0; z < size.Z; z++ {
			s.Set(world.Vec{X: x, Z: z}, world.Dirt)
		}
	}
	return s, nil
}

func checkSize(size world.Vec) error {
	m := world.InteriorSize
	if size.X < 1 || size.Y < 1 || size.Z < 1 || size.X > m.X || size.Y > m.Y || size.Z > m.Z {
		return fmt.Errorf("size %dx%dx%d outside 1..%dx%dx%d (the goal interior)", size.X, size.Y, size.Z, m.X, m.Y, m.Z)
	}
	return nil
}

func (s *Structure) in(v world.Vec) bool {
	return v.X >= 0 && v.Y >= 0 && v.Z >= 0 && v.X < s.Size.X && v.Y < s.Size.Y && v.Z < s.Size.Z
}

// At returns the block at local v (air outside).
func (s *Structure) At(v world.Vec) world.Block {
	if !s.in(v) {
		return world.Air
	}
	return s.Blocks[(v.X*s.Size.Y+v.Y)*s.Size.Z+v.Z]
}

// Set stores b at local v; outside writes are ignored so generators can
// draw shapes that overhang without bounds checks.
func (s *Structure) Set(v world.Vec, b world.Block) {
	if s.in(v) {
		s.Blocks[(v.X*s.Size.Y+v.Y)*s.Size.Z+v.Z] = b
	}
}

// Changes counts voxels that differ from the untouched ground.
func (s *Structure) Changes() int {
	n := 0
	for x := 0; x < s.Size.X; x++ {
		for y := 0; y < s.Size.Y; y++ {
			for z := 0; z < s.Size.Z; z++ {
				want := world.Air
				if y == 0 {
					want = world.Dirt
				}
				if s.At(world.Vec{X: x, Y: y, Z: z}) != want {
					n++
				}
			}
		}
	}
	return n
}

// Validate checks everything a decoder of outside data must not trust.
func (s *Structure) Validate() error {
	if !validID(s.ID) {
		return fmt.Errorf("goal id %q: use 1-64 characters a-z, 0-9, _ or -", s.ID)
	}
	if s.Split != Train && s.Split != Test {
		return fmt.Errorf("goal %s: split %q must be train or test", s.ID, s.Split)
	}
	switch s.Difficulty {
	case Easy, Medium, Hard:
	default:
		return fmt.Errorf("goal %s: difficulty %q must be easy, medium or hard", s.ID, s.Difficulty)
	}
	if err := checkSize(s.Size); err != nil {
		return fmt.Errorf("goal %s: %w", s.ID, err)
	}
	if len(s.Blocks) != s.Size.X*s.Size.Y*s.Size.Z {
		return fmt.Errorf("goal %s: %d blocks for size %v", s.ID, len(s.Blocks), s.Size)
	}
	for i, b := range s.Blocks {
		if b != world.Air && !b.Placeable() {
			return fmt.Errorf("goal %s: block %d is %s, which players cannot place", s.ID, i, b)
		}
	}
	return nil
}

func validID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}
