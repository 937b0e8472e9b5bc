package goals

import "github.com/swarmdesk/swarmdesk/app/blockassist/world"

// Drawing helpers for the generator. Coordinates are structure-local and
// inclusive; writes outside the structure are dropped by Set.

func v3(x, y, z int) world.Vec { return world.Vec{X: x, Y: y, Z: z} }

// fill sets every voxel of the box a..b.
func (s *Structure) fill(a, b world.Vec, blk world.Block) {
	for x := min(a.X, b.X); x <= max(a.X, b.X); x++ {
		for y := min(a.Y, b.Y); y <= max(a.Y, b.Y); y++ {
			for z := min(a.Z, b.Z); z <= max(a.Z, b.Z); z++ {
				s.Set(v3(x, y, z), blk)
			}
		}
	}
}

// ring draws the four walls of the rectangle x0..x1 × z0..z1 for layers
// y0..y1.
func (s *Structure) ring(x0, z0, x1, z1, y0, y1 int, blk world.Block) {
	s.fill(v3(x0, y0, z0), v3(x1, y1, z0), blk)
	s.fill(v3(x0, y0, z1), v3(x1, y1, z1), blk)
	s.fill(v3(x0, y0, z0), v3(x0, y1, z1), blk)
	s.fill(v3(x1, y0, z0), v3(x1, y1, z1), blk)
}

// corners puts pillars at the four corners of the rectangle.
func (s *Structure) corners(x0, z0, x1, z1, y0, y1 int, blk world.Block) {
	for _, c := range [][2]int{{x0, z0}, {x1, z0}, {x0, z1}, {x1, z1}} {
		s.fill(v3(c[0], y0, c[1]), v3(c[0], y1, c[1]), blk)
	}
}

// gable draws a pitched roof over x0..x1 × z0..z1 whose ridge runs along
// x: each layer steps one voxel in from both z sides; the end walls (x0, x1)
// under the slope are filled with wall.
func (s *Structure) gable(x0, z0, x1, z1, y int, roof, wall world.Block) {
	for k := 0; z0+k <= z1-k; k++ {
		s.fill(v3(x0, y+k, z0+k), v3(x1, y+k, z0+k), roof)
		s.fill(v3(x0, y+k, z1-k), v3(x1, y+k, z1-k), roof)
		if z0+k+1 <= z1-k-1 {
			s.fill(v3(x0, y+k, z0+k+1), v3(x0, y+k, z1-k-1), wall)
			s.fill(v3(x1, y+k, z0+k+1), v3(x1, y+k, z1-k-1), wall)
		}
	}
}
