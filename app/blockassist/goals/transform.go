package goals

import (
	"fmt"
	"math/rand/v2"

	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// Placement says how a structure is put into the world: optional mirror
// along x, then Rotation quarter turns about the vertical axis, then a shift
// by Offset (x and z) inside the goal interior. This mirrors MBAG's
// randomly_place transform plus the symmetric variants an assistant must
// consider when it infers the goal.
type Placement struct {
	Mirror   bool
	Rotation int // 0..3 quarter turns
	Offset   world.Vec
}

// String formats the placement for session metadata.
func (p Placement) String() string {
	return fmt.Sprintf("mirror=%v rot=%d off=%d,%d", p.Mirror, p.Rotation, p.Offset.X, p.Offset.Z)
}

// Transformed returns the structure after mirror and rotation (no offset).
func (s *Structure) Transformed(mirror bool, rotation int) *Structure {
	rotation = ((rotation % 4) + 4) % 4
	size := s.Size
	if rotation%2 == 1 {
		size.X, size.Z = s.Size.Z, s.Size.X
	}
	out := &Structure{ID: s.ID, Name: s.Name, Split: s.Split, Difficulty: s.Difficulty, Size: size,
		Blocks: make([]world.Block, len(s.Blocks))}
	for x := 0; x < s.Size.X; x++ {
		for y := 0; y < s.Size.Y; y++ {
			for z := 0; z < s.Size.Z; z++ {
				sx := x
				if mirror {
					sx = s.Size.X - 1 - x
				}
				tx, tz := sx, z
				w, d := s.Size.X, s.Size.Z
				for r := 0; r < rotation; r++ {
					tx, tz = d-1-tz, tx
					w, d = d, w
				}
				out.Set(world.Vec{X: tx, Y: y, Z: tz}, s.At(world.Vec{X: x, Y: y, Z: z}))
			}
		}
	}
	return out
}

// Place builds the full MBAG goal grid: the standard ground with the
// transformed structure written at InteriorMin+Offset. It fails when the
// transformed structure does not fit the interior at that offset.
func Place(s *Structure, p Placement) (world.Grid, error) {
	t := s.Transformed(p.Mirror, p.Rotation)
	g := world.NewGround()
	lim := world.InteriorSize
	if p.Offset.Y != 0 || p.Offset.X < 0 || p.Offset.Z < 0 ||
		p.Offset.X+t.Size.X > lim.X || p.Offset.Z+t.Size.Z > lim.Z || t.Size.Y > lim.Y {
		return g, fmt.Errorf("place goal %s: %dx%dx%d at offset %d,%d does not fit the %dx%dx%d interior",
			s.ID, t.Size.X, t.Size.Y, t.Size.Z, p.Offset.X, p.Offset.Z, lim.X, lim.Y, lim.Z)
	}
	base := world.InteriorMin.Add(p.Offset)
	for x := 0; x < t.Size.X; x++ {
		for y := 0; y < t.Size.Y; y++ {
			for z := 0; z < t.Size.Z; z++ {
				v := world.Vec{X: x, Y: y, Z: z}
				g.Set(base.Add(v), t.At(v))
			}
		}
	}
	return g, nil
}

// Placements lists every placement of s that fits, in a fixed order
// (mirror, rotation, x offset, z offset). Symmetric structures produce
// duplicate grids; callers that need distinct goals deduplicate.
func Placements(s *Structure) []Placement {
	var out []Placement
	lim := world.InteriorSize
	for _, m := range []bool{false, true} {
		for r := 0; r < 4; r++ {
			w, d := s.Size.X, s.Size.Z
			if r%2 == 1 {
				w, d = d, w
			}
			for ox := 0; ox+w <= lim.X; ox++ {
				for oz := 0; oz+d <= lim.Z; oz++ {
					out = append(out, Placement{Mirror: m, Rotation: r, Offset: world.Vec{X: ox, Z: oz}})
				}
			}
		}
	}
	return out
}

// RandomPlacement picks a fitting placement with rotation 0..3 and no mirror
// (MBAG places houses as built, only shifting them); deterministic for a
// given rng.
func RandomPlacement(s *Structure, rng *rand.Rand) (Placement, error) {
	var fit []Placement
	for _, p := range Placements(s) {
		if !p.Mirror {
			fit = append(fit, p)
		}
	}
	if len(fit) == 0 {
		return Placement{}, fmt.Errorf("goal %s (%v) fits no placement", s.ID, s.Size)
	}
	return fit[rng.IntN(len(fit))], nil
}
