package world

import "fmt"

// World dimensions (MBAG world_size (11, 10, 10)): x is width, y is height
// (up), z is depth.
const (
	Width  = 11
	Height = 10
	Depth  = 10
	// NumVoxels is the length of a flattened grid.
	NumVoxels = Width * Height * Depth
)

// Vec is an integer voxel coordinate.
type Vec struct{ X, Y, Z int }

// Add returns v+o.
func (v Vec) Add(o Vec) Vec { return Vec{v.X + o.X, v.Y + o.Y, v.Z + o.Z} }

// InBounds reports whether v lies inside the world.
func (v Vec) InBounds() bool {
	return v.X >= 0 && v.X < Width && v.Y >= 0 && v.Y < Height && v.Z >= 0 && v.Z < Depth
}

// Index flattens v the way numpy's ravel_multi_index does for shape
// (11, 10, 10) in C order, which is MBAG's flat voxel index in actions.
func (v Vec) Index() int { return (v.X*Height+v.Y)*Depth + v.Z }

// String formats v as (x,y,z).
func (v Vec) String() string { return fmt.Sprintf("(%d,%d,%d)", v.X, v.Y, v.Z) }

// VecOf is the inverse of Vec.Index.
func VecOf(index int) Vec {
	return Vec{index / (Height * Depth), (index / Depth) % Height, index % Depth}
}

// Grid holds one block id per voxel in MBAG flat order. It is a value type
// (1100 bytes) so copies are cheap and snapshots need no allocation.
type Grid [NumVoxels]Block

// At returns the block at v, or Bedrock outside the world: the world is
// walled, so out-of-bounds reads act like an unbreakable solid.
func (g *Grid) At(v Vec) Block {
	if !v.InBounds() {
		return Bedrock
	}
	return g[v.Index()]
}

// Set stores b at v; out-of-bounds writes are ignored.
func (g *Grid) Set(v Vec, b Block) {
	if v.InBounds() {
		g[v.Index()] = b
	}
}

// Ground layers: MBAG reset sets y=0 to bedrock and y=1 to dirt.
const (
	BedrockY = 0
	DirtY    = 1
)

// NewGround returns the MBAG starting world: bedrock floor, one dirt layer,
// air above.
func NewGround() Grid {
	var g Grid
	for x := 0; x < Width; x++ {
		for z := 0; z < Depth; z++ {
			g.Set(Vec{x, BedrockY, z}, Bedrock)
			g.Set(Vec{x, DirtY, z}, Dirt)
		}
	}
	return g
}

// Validate returns an error naming the first voxel that holds an id outside
// the palette; decoders call it before trusting outside data.
func (g *Grid) Validate() error {
	for i, b := range g {
		if !b.Valid() {
			return fmt.Errorf("voxel %s holds invalid block id %d", VecOf(i), b)
		}
	}
	return nil
}

// Goal interior: MBAG keeps a one-voxel margin on the x and z sides and
// places the goal from y=1 (the dirt layer) upward. The issue fixes the
// interior at 9×8×8 so the top layer (y=9) stays free as headroom.
var (
	// InteriorMin is the lowest corner of the goal interior.
	InteriorMin = Vec{1, 1, 1}
	// InteriorSize is the size of the goal interior.
	InteriorSize = Vec{9, 8, 8}
)

// V is shorthand for Vec{x, y, z}; other packages use it because go vet
// rejects unkeyed literals of imported struct types.
func V(x, y, z int) Vec { return Vec{x, y, z} }
