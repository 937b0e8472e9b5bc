package render

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/png"
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
	if got, want := at(img, 20, 20), shade(Palette[world.Stone], 3); got != want {
		t.Errorf("centre %v, want stone top %v", got, want)
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
	if got, want := at(img, 20, 20), shade(Palette[world.Planks], 4); got != want {
		t.Errorf("centre %v, want planks side %v", got, want)
	}
	if at(img, 20, 0) != Sky {
		t.Errorf("top row should be sky, got %v", at(img, 20, 0))
	}
	if got, want := at(img, 20, 40), shade(Palette[world.Dirt], 3); got != want {
		t.Errorf("bottom row %v, want dirt top %v", got, want)
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
