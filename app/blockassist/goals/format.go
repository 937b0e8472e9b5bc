package goals

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// File format (".goal", UTF-8 text, diff-friendly so designers can edit
// goals by hand):
//
//	# comment lines start with '#'
//	id: oak_cottage
//	name: Oak cottage
//	split: train
//	difficulty: medium
//	size: 7 6 7          (x y z)
//	y 0                  (one block per layer, bottom up)
//	ppppppp              (Size.Z rows, row r is z=r, column c is x=c)
//	...
//
// Block characters are the blockChars table below.

// FormatHeader is the first line every encoded goal starts with.
const FormatHeader = "# swarmdesk blockassist goal v1"

// blockChars maps block ids to their character; bedrock has none because it
// is not placeable.
var blockChars = [world.NumBlocks]byte{'.', 0, 'd', 'c', 'g', 'l', 'p', 's', 'b', 'w'}

func charBlock(c byte) (world.Block, bool) {
	for i, bc := range blockChars {
		if bc != 0 && bc == c {
			return world.Block(i), true
		}
	}
	return world.Air, false
}

// Encode writes s in the .goal text format.
func Encode(s *Structure) []byte {
	var b bytes.Buffer
	fmt.Fprintln(&b, FormatHeader)
	fmt.Fprintln(&b, "# legend: . air, d dirt, c cobblestone, g glass, l log, p planks, s stone, b stonebrick, w wool")
	fmt.Fprintf(&b, "id: %s\nname: %s\nsplit: %s\ndifficulty: %s\nsize: %d %d %d\n",
		s.ID, s.Name, s.Split, s.Difficulty, s.Size.X, s.Size.Y, s.Size.Z)
	for y := 0; y < s.Size.Y; y++ {
		fmt.Fprintf(&b, "y %d\n", y)
		for z := 0; z < s.Size.Z; z++ {
			for x := 0; x < s.Size.X; x++ {
				b.WriteByte(blockChars[s.At(world.Vec{X: x, Y: y, Z: z})])
			}
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// Decode parses a .goal file. It never panics on malformed input; errors
// name the line so a hand-edited file can be fixed.
func Decode(data []byte) (*Structure, error) {
	if len(data) > 1<<20 {
		return nil, fmt.Errorf("goal file is %d bytes, over the 1 MiB limit", len(data))
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	var (
		s      = &Structure{}
		sized  bool
		layer  = -1
		row    int
		lineNo int
		seen   = map[int]bool{}
	)
	for sc.Scan() {
		lineNo++
		line := strings.TrimRight(sc.Text(), " \t\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fail := func(format string, a ...any) error {
			return fmt.Errorf("goal line %d: %s", lineNo, fmt.Sprintf(format, a...))
		}
		if k, v, ok := strings.Cut(line, ":"); ok && layer < 0 {
			v = strings.TrimSpace(v)
			switch strings.TrimSpace(k) {
			case "id":
				s.ID = v
			case "name":
				s.Name = v
			case "split":
				s.Split = Split(v)
			case "difficulty":
				s.Difficulty = Difficulty(v)
			case "size":
				f := strings.Fields(v)
				if len(f) != 3 {
					return nil, fail("size needs 3 numbers x y z, got %q", v)
				}
				var n [3]int
				for i := range f {
					x, err := strconv.Atoi(f[i])
					if err != nil {
						return nil, fail("size: %v", err)
					}
					n[i] = x
				}
				size := world.Vec{X: n[0], Y: n[1], Z: n[2]}
				if err := checkSize(size); err != nil {
					return nil, fail("%v", err)
				}
				s.Size = size
				s.Blocks = make([]world.Block, size.X*size.Y*size.Z)
				sized = true
			default:
				return nil, fail("unknown key %q", k)
			}
			continue
		}
		if rest, ok := strings.CutPrefix(line, "y "); ok {
			if !sized {
				return nil, fail("layer before size")
			}
			if layer >= 0 && row != s.Size.Z {
				return nil, fail("layer %d has %d rows, want %d", layer, row, s.Size.Z)
			}
			y, err := strconv.Atoi(strings.TrimSpace(rest))
			if err != nil || y < 0 || y >= s.Size.Y || seen[y] {
				return nil, fail("bad or repeated layer %q (want 0..%d once each)", rest, s.Size.Y-1)
			}
			seen[y] = true
			layer, row = y, 0
			continue
		}
		if layer < 0 {
			return nil, fail("expected key: value or 'y N', got %q", line)
		}
		if row >= s.Size.Z {
			return nil, fail("layer %d has more than %d rows", layer, s.Size.Z)
		}
		if len(line) != s.Size.X {
			return nil, fail("row has %d blocks, want %d", len(line), s.Size.X)
		}
		for x := 0; x < len(line); x++ {
			b, ok := charBlock(line[x])
			if !ok {
				return nil, fail("unknown block character %q", line[x])
			}
			s.Set(world.Vec{X: x, Y: layer, Z: row}, b)
		}
		row++
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("goal: read: %w", err)
	}
	if !sized {
		return nil, fmt.Errorf("goal: missing size line")
	}
	if layer >= 0 && row != s.Size.Z {
		return nil, fmt.Errorf("goal: last layer has %d rows, want %d", row, s.Size.Z)
	}
	if len(seen) != s.Size.Y {
		return nil, fmt.Errorf("goal %s: %d layers present, want %d", s.ID, len(seen), s.Size.Y)
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}
