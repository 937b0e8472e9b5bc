package render

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

var update = flag.Bool("update", false, "rewrite golden images in testdata")

func at(img *image.RGBA, x, y int) color.RGBA { return img.RGBAAt(x, y) }

func TestTopDownSeesTopFace(t *testing.T) {
	var g world.Grid
	g.Set(world.V(5, 3, 5), world.Stone)
	img := image.NewRGBA(image.Rect(0, 0, 41, 41))
	Render(img, &g, Camera{Eye: [3]float64{5.5, 9.5, 5.5}, Pitch: 90, FOV: 30}, Options{})
	if got := at(img, 20, 20); !inTexture(got, world.Stone, 3) {
		t.Errorf("centre %v is not a texel of the stone top", got)
	}
	if got := at(img, 0, 0); got != Sky {
		t.Errorf("corner %v, want sky", got)
	}
}

func TestSideViewAndFaces(t *testing.T) {
	g := world.NewGround()
	g.Set(world.V(5, 2, 8), world.Planks)
	img := image.NewRGBA(image.Rect(0, 0, 41, 41))
	// Eye at block height looking +z at the planks' −z face.
	Render(img, &g, Camera{Eye: [3]float64{5.5, 2.5, 1.5}, Yaw: 0, Pitch: 0, FOV: 20}, Options{})
	if got := at(img, 20, 20); !inTexture(got, world.Planks, 4) {
		t.Errorf("centre %v is not a texel of the planks side", got)
	}
	if at(img, 20, 0) != Sky {
		t.Errorf("top row should be sky, got %v", at(img, 20, 0))
	}
	if got := at(img, 20, 40); !inGround(got, 3) {
		t.Errorf("bottom row %v is not a texel of the ground's grass top", got)
	}
}

func TestBlueprintOverlay(t *testing.T) {
	cur := world.NewGround()
	goal := cur
	goal.Set(world.V(5, 2, 8), world.Stone) // missing: ghost
	cur.Set(world.V(4, 2, 8), world.Wool)   // wrong: red
	cam := Camera{Eye: [3]float64{5.5, 2.5, 1.5}, FOV: 40}
	plain := image.NewRGBA(image.Rect(0, 0, 41, 41))
	Render(plain, &cur, cam, Options{})
	withGoal := image.NewRGBA(image.Rect(0, 0, 41, 41))
	Render(withGoal, &cur, cam, Options{Goal: &goal})
	c, p := at(withGoal, 20, 20), at(plain, 20, 20)
	if c == p {
		t.Error("missing goal block leaves no ghost")
	}
	// The wool is left of centre on screen? yaw 0 looks +z, screen right is
	// −x, so x=4 appears right of the centre column.
	found := false
	for x := 21; x < 41; x++ {
		if w := at(withGoal, x, 20); w.R > w.G+40 {
			found = true
		}
	}
	if !found {
		t.Error("wrong block is not tinted red")
	}
}

// inTexture reports whether c is one of the lit texels of block b's face.
func inTexture(c color.RGBA, b world.Block, face int) bool {
	for _, tc := range faceTex[b][face] {
		if tc == c {
			return true
		}
	}
	return false
}

// inGround reports whether c is a texel of the ground layer's grass-block face.
func inGround(c color.RGBA, face int) bool {
	for _, tc := range groundTex[face] {
		if tc == c {
			return true
		}
	}
	return false
}

// TestTexturePixels renders one block face-on, filling the view, and checks that every pixel is
// a texel of that face (nearest-neighbour sampling, lit by the face's light, no other mixing)
// and that the centre shows the centre texel.
func TestTexturePixels(t *testing.T) {
	for _, tc := range []struct {
		name string
		blk  world.Block
		cam  Camera
		face int
	}{
		{"stone top", world.Stone, Camera{Eye: [3]float64{5.5, 4.5, 5.5}, Pitch: 90, FOV: 40}, 3},
		{"planks side", world.Planks, Camera{Eye: [3]float64{5.5, 3.5, 4.5 - 2}, FOV: 20}, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var g world.Grid
			g.Set(world.V(5, 3, 5), tc.blk)
			img := image.NewRGBA(image.Rect(0, 0, 65, 65))
			Render(img, &g, tc.cam, Options{})
			// The ray through the centre pixel meets the face centre: texel (8, 8).
			if got, want := at(img, 32, 32), faceTex[tc.blk][tc.face][8*texSize+8]; got != want {
				t.Errorf("centre pixel %v, want texel (8,8) %v", got, want)
			}
			distinct := map[color.RGBA]bool{}
			for y := 16; y < 48; y++ {
				for x := 16; x < 48; x++ {
					if c := at(img, x, y); c != Sky {
						if !inTexture(c, tc.blk, tc.face) {
							t.Fatalf("pixel (%d,%d) %v is not a %s texel", x, y, c, tc.name)
						}
						distinct[c] = true
					}
				}
			}
			if len(distinct) < 5 {
				t.Errorf("only %d colours on the face: the texture is not sampled", len(distinct))
			}
		})
	}
}

// TestTextures checks the generated textures: every block has detail, its average stays close
// to the palette colour (so flat-colour uses such as thumbnails and ghosts still match), glass is
// see-through inside an opaque frame, and generation is deterministic.
func TestTextures(t *testing.T) {
	for b := world.Block(1); b < world.NumBlocks; b++ {
		t.Run(b.String(), func(t *testing.T) {
			tex := faceTex[b][3] // top face, light factor 1
			distinct := map[color.RGBA]bool{}
			var sum [3]float64
			opaque := 0
			for _, c := range tex {
				distinct[c] = true
				if c.A == 255 {
					opaque++
				}
				sum[0] += float64(c.R)
				sum[1] += float64(c.G)
				sum[2] += float64(c.B)
			}
			if want := map[bool]int{true: 3, false: 8}[b == world.Glass]; len(distinct) < want {
				t.Errorf("%d distinct texels: the texture is nearly flat", len(distinct))
			}
			n := float64(len(tex))
			if b == world.Glass {
				if opaque == len(tex) || opaque < 4*texSize-4 {
					t.Errorf("glass has %d opaque texels, want only the frame and glints", opaque)
				}
				if tex[0].A != 255 || tex[8*texSize+1].A >= 128 {
					t.Errorf("glass frame alpha %d, inside %d", tex[0].A, tex[8*texSize+1].A)
				}
				return
			}
			if opaque != len(tex) {
				t.Errorf("%d of %d texels opaque", opaque, len(tex))
			}
			p := Palette[b]
			tol := 30.0
			if b == world.Log {
				tol = 70 // rings are the light heartwood, not the bark colour
			}
			for k, want := range [3]uint8{p.R, p.G, p.B} {
				if got := sum[k] / n; math.Abs(got-float64(want)) > tol {
					t.Errorf("mean channel %d = %.0f, palette %d", k, got, want)
				}
			}
		})
	}
	if *buildTextures() != *faceTex {
		t.Error("texture generation is not deterministic")
	}
	if faceTex[world.Log][3] == faceTex[world.Log][0] {
		t.Error("log top shows bark instead of rings")
	}
}

func TestGlassSeeThrough(t *testing.T) {
	cam := Camera{Eye: [3]float64{5.5, 2.5, 1.5}, FOV: 20}
	glassOnly := world.NewGround()
	glassOnly.Set(world.V(5, 2, 4), world.Glass)
	behind := glassOnly
	behind.Set(world.V(5, 2, 7), world.Wool)
	a := image.NewRGBA(image.Rect(0, 0, 41, 41))
	b := image.NewRGBA(image.Rect(0, 0, 41, 41))
	Render(a, &glassOnly, cam, Options{})
	Render(b, &behind, cam, Options{})
	if at(a, 20, 20) == at(b, 20, 20) {
		t.Errorf("the wool behind the glass does not show through: %v", at(b, 20, 20))
	}
	if c := at(a, 20, 20); c == Sky || inTexture(c, world.Glass, 4) {
		t.Errorf("glass centre %v is not a blend of glass over sky", c)
	}
}

// TestTargetOutline checks the highlight: only pixels on the target block change, they get
// darker, they lie along its edges (the face centre keeps its texture), and other blocks of the
// same kind are untouched.
func TestTargetOutline(t *testing.T) {
	g := world.NewGround()
	g.Set(world.V(5, 2, 5), world.Stone)
	g.Set(world.V(3, 2, 5), world.Stone)
	cam := Camera{Eye: [3]float64{5.5, 2.5, 2.5}, FOV: 40}
	target := world.V(5, 2, 5)
	plain := image.NewRGBA(image.Rect(0, 0, 81, 81))
	lit := image.NewRGBA(image.Rect(0, 0, 81, 81))
	Render(plain, &g, cam, Options{})
	Render(lit, &g, cam, Options{Target: &target})
	changed := 0
	minX, maxX := 81, -1
	for y := 0; y < 81; y++ {
		for x := 0; x < 81; x++ {
			p, l := at(plain, x, y), at(lit, x, y)
			if p == l {
				continue
			}
			changed++
			minX, maxX = min(minX, x), max(maxX, x)
			if int(l.R)+int(l.G)+int(l.B) >= int(p.R)+int(p.G)+int(p.B) {
				t.Fatalf("outline pixel (%d,%d) %v is not darker than %v", x, y, l, p)
			}
		}
	}
	// The face spans 1/(2.5·tan 20°) of the half-width: about 44 pixels. Its outline is four
	// lines of a pixel or two.
	if changed < 4*30 || changed > 4*44*3 {
		t.Errorf("%d outline pixels, want four thin lines", changed)
	}
	if at(plain, 40, 40) != at(lit, 40, 40) {
		t.Error("the outline covers the face centre")
	}
	if minX < 40-30 || maxX > 40+30 {
		t.Errorf("outline spans x %d..%d: it reaches the other stone block", minX, maxX)
	}
}

func TestPlayersDrawn(t *testing.T) {
	g := world.NewGround()
	img := image.NewRGBA(image.Rect(0, 0, 41, 41))
	Render(img, &g, Camera{Eye: [3]float64{5.5, 2.5, 1.5}, FOV: 20}, Options{Players: []world.Vec{world.V(5, 2, 6)}})
	if got, want := at(img, 20, 20), shade(PlayerColor[0], 4); got != want {
		t.Errorf("player pixel %v, want %v", got, want)
	}
}

func goldenScene() (*world.Grid, Options) {
	g := world.NewGround()
	goal := g
	for x := 3; x <= 7; x++ {
		for z := 3; z <= 6; z++ {
			for y := 2; y <= 4; y++ {
				if x == 3 || x == 7 || z == 3 || z == 6 {
					goal.Set(world.V(x, y, z), world.Planks)
				}
			}
			goal.Set(world.V(x, 5, z), world.StoneBrick)
		}
	}
	for x := 3; x <= 7; x++ {
		g.Set(world.V(x, 2, 3), world.Planks)
	}
	g.Set(world.V(3, 2, 4), world.Wool) // wrong
	g.Set(world.V(4, 3, 3), world.Glass)
	return &g, Options{Goal: &goal, Players: []world.Vec{world.V(1, 2, 1), world.V(9, 2, 8)}}
}

// The golden comparison allows a few differing pixels: architectures that
// fuse multiply-adds (arm64) may flip pixels exactly on voxel edges.
func TestGoldenOverview(t *testing.T) {
	g, opt := goldenScene()
	img := image.NewRGBA(image.Rect(0, 0, 160, 120))
	Render(img, g, Overview(), opt)
	path := filepath.Join("testdata", "overview.png")
	if *update {
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	defer f.Close()
	want, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if want.Bounds() != img.Bounds() {
		t.Fatalf("golden size %v, rendered %v", want.Bounds(), img.Bounds())
	}
	diff := 0
	for y := 0; y < 120; y++ {
		for x := 0; x < 160; x++ {
			r, g, b, _ := want.At(x, y).RGBA()
			c := img.RGBAAt(x, y)
			if absd(uint8(r>>8), c.R) > 6 || absd(uint8(g>>8), c.G) > 6 || absd(uint8(b>>8), c.B) > 6 {
				diff++
			}
		}
	}
	if diff > 160*120/100 {
		t.Errorf("%d pixels differ from %s", diff, path)
	}
}

func absd(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

func BenchmarkRender320x240(b *testing.B) {
	g, opt := goldenScene()
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	for i := 0; i < b.N; i++ {
		Render(img, g, Overview(), opt)
	}
}

// BenchmarkRender measures a frame at the view's largest render size (ui's maxRenderWidth is
// 480), the number that decides whether the software renderer stays interactive on one core.
func BenchmarkRender(b *testing.B) {
	g, opt := goldenScene()
	img := image.NewRGBA(image.Rect(0, 0, 480, 360))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Render(img, g, Overview(), opt)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/frame")
}

// TestPlacedDirtStandsOutFromGround is the newcomer's "placed dirt cannot be told from the dirt
// ground": looking down at a dirt block placed on the ground, its top must read as dirt (brown,
// red over green) and the ground around it as grass (green over red), averaged over a patch so
// texture noise does not decide.
func TestPlacedDirtStandsOutFromGround(t *testing.T) {
	g := world.NewGround()
	g.Set(world.V(5, 2, 5), world.Dirt)
	img := image.NewRGBA(image.Rect(0, 0, 81, 81))
	Render(img, &g, Camera{Eye: [3]float64{5.5, 9.5, 5.5}, Pitch: 90, FOV: 40}, Options{})
	mean := func(cx, cy int) (r, gr float64) {
		for y := cy - 3; y <= cy+3; y++ {
			for x := cx - 3; x <= cx+3; x++ {
				c := at(img, x, y)
				r, gr = r+float64(c.R)/49, gr+float64(c.G)/49
			}
		}
		return r, gr
	}
	for _, tc := range []struct {
		name    string
		x, y    int
		greener bool
	}{
		{"placed dirt top", 40, 40, false},
		{"ground top", 8, 8, true},
		{"ground top (other corner)", 72, 72, true},
	} {
		r, gr := mean(tc.x, tc.y)
		if (gr > r) != tc.greener {
			t.Errorf("%s at (%d,%d): mean red %.0f green %.0f, want green > red = %v", tc.name, tc.x, tc.y, r, gr, tc.greener)
		}
	}
}

// TestAvatarIsSlim: an avatar is 0.6 wide like a Minecraft player, not a whole voxel column, so
// one standing next to the camera does not cover the view. A ray through the outer tenth of the
// avatar's voxel passes it by; one through the middle hits it.
func TestAvatarIsSlim(t *testing.T) {
	g := world.NewGround()
	opt := Options{Players: []world.Vec{world.V(5, 2, 5)}}
	for _, tc := range []struct {
		x   float64
		hit bool
	}{{5.5, true}, {5.1, false}, {5.9, false}} {
		img := image.NewRGBA(image.Rect(0, 0, 41, 41))
		Render(img, &g, Camera{Eye: [3]float64{tc.x, 2.5, 1.5}, FOV: 10}, opt)
		got := at(img, 20, 20) == shade(PlayerColor[0], 4)
		if got != tc.hit {
			t.Errorf("ray at x=%.1f: avatar hit %v, want %v (pixel %v)", tc.x, got, tc.hit, at(img, 20, 20))
		}
	}
}
