package ui

import (
	"bytes"
	"errors"
	"image"
	"math"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/swarmdesk/swarmdesk/app/blockassist/render"
	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// testScene is a fixed world for the golden images: a goal of a 3×2 planks wall and a glass
// block, with one planks block built, one wrong (cobblestone where planks belong) and one stray
// dirt block outside the goal.
func testScene() (cur, goal world.Grid, players []world.Vec) {
	goal = world.NewGround()
	for x := 4; x <= 6; x++ {
		for y := 2; y <= 3; y++ {
			goal.Set(world.V(x, y, 5), world.Planks)
		}
	}
	goal.Set(world.V(5, 4, 5), world.Glass)
	cur = world.NewGround()
	cur.Set(world.V(4, 2, 5), world.Planks)
	cur.Set(world.V(5, 2, 5), world.Cobblestone)
	cur.Set(world.V(2, 2, 2), world.Dirt)
	return cur, goal, []world.Vec{world.V(2, 2, 7), world.V(8, 2, 7)}
}

// newTestVoxelView is a view in a 320×240 unpadded test window showing testScene from a fixed
// camera, with movement driven by the test (no frame ticker).
func newTestVoxelView(t *testing.T) (*VoxelView, fyne.Window, *[]world.Action) {
	t.Helper()
	test.NewTempApp(t)
	v := NewVoxelView()
	var queued []world.Action
	v.Queue = func(a world.Action) error { queued = append(queued, a); return nil }
	v.every = func(time.Duration, func() bool) {}
	cur, goal, players := testScene()
	v.SetWorld(cur, &goal, players, 0)
	v.SetCamera(lookAt([3]float64{5.5, 6.5, -3}, [3]float64{5.5, 2.5, 5}))
	queued = nil // SetWorld may walk the avatar; tests look at their own input only
	v.pending = 0
	w := test.NewTempWindow(t, v)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(320, 240))
	return v, w, &queued
}

func TestVoxelViewGolden(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cam   render.Camera
		goal  bool
		hover *fyne.Position // mouse over the view: the block under it is outlined
	}{
		{"voxelview_front.png", lookAt([3]float64{5.5, 6.5, -3}, [3]float64{5.5, 2.5, 5}), true, nil},
		{"voxelview_overview.png", render.Overview(), true, nil},
		{"voxelview_nogoal.png", render.Overview(), false, nil},
		// The cursor on the cobblestone (5,2,5) of the front view.
		{"voxelview_hover.png", lookAt([3]float64{5.5, 6.5, -3}, [3]float64{5.5, 2.5, 5}), true, &fyne.Position{X: 155, Y: 110}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, w, _ := newTestVoxelView(t)
			if !tc.goal {
				cur, _, players := testScene()
				v.SetWorld(cur, nil, players, 0)
			}
			v.SetCamera(tc.cam)
			if tc.hover != nil {
				test.MoveMouse(w.Canvas(), *tc.hover)
				if got, ok := v.Target(); !ok || got != world.V(5, 2, 5) {
					t.Fatalf("hover target %v %v, want the cobblestone (5,2,5)", got, ok)
				}
			}
			test.AssertImageMatches(t, tc.name, w.Canvas().Capture())
		})
	}
}

// TestVoxelViewHidesOwnAvatar checks first person: with the eye inside player 0's head the
// frame is not filled with the avatar colour.
func TestVoxelViewHidesOwnAvatar(t *testing.T) {
	v, _, _ := newTestVoxelView(t)
	v.SetCamera(eyeCamera(v.players[0]))
	img := v.draw(64, 48)
	c := img.At(32, 10)
	if r, g, b, _ := c.RGBA(); uint8(r>>8) == render.PlayerColor[0].R && uint8(g>>8) == render.PlayerColor[0].G && uint8(b>>8) == render.PlayerColor[0].B {
		t.Fatalf("the view is inside the player's own avatar: pixel %v", c)
	}
	if got := v.visiblePlayers(); got[0].InBounds() || got[1] != v.players[1] {
		t.Fatalf("the assistant's avatar was hidden: %v", got)
	}
}

func TestVoxelViewKeysFly(t *testing.T) {
	for _, tc := range []struct {
		key  fyne.KeyName
		axis int     // eye coordinate that must change
		sign float64 // its direction
	}{
		{fyne.KeyW, 2, +1}, // the test camera looks toward +z
		{fyne.KeyS, 2, -1},
		{fyne.KeyA, 0, +1}, // facing +z, screen left is +x
		{fyne.KeyD, 0, -1},
		{fyne.KeySpace, 1, +1},
		{desktop.KeyShiftLeft, 1, -1},
	} {
		t.Run(string(tc.key), func(t *testing.T) {
			v, _, _ := newTestVoxelView(t)
			v.SetCamera(render.Camera{Eye: [3]float64{5.5, 5, 2}, Yaw: 0, Pitch: 20, FOV: 70})
			before := v.Camera().Eye
			v.KeyDown(&fyne.KeyEvent{Name: tc.key})
			v.step(0.25)
			moved := v.Camera().Eye
			if d := (moved[tc.axis] - before[tc.axis]) * tc.sign; math.Abs(d-flySpeed*0.25) > 1e-9 {
				t.Fatalf("%s moved eye %v → %v, want %.2f along axis %d", tc.key, before, moved, tc.sign*flySpeed*0.25, tc.axis)
			}
			v.KeyUp(&fyne.KeyEvent{Name: tc.key})
			v.step(0.25)
			if v.Camera().Eye != moved {
				t.Fatalf("the camera kept moving after key up: %v → %v", moved, v.Camera().Eye)
			}
		})
	}
}

func TestVoxelViewFlyStaysNearWorld(t *testing.T) {
	v, _, _ := newTestVoxelView(t)
	v.SetCamera(render.Camera{Eye: [3]float64{5.5, 5, 2}, FOV: 70})
	v.KeyDown(&fyne.KeyEvent{Name: fyne.KeyS})
	v.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	for range 100 {
		v.step(0.25)
	}
	if e := v.Camera().Eye; e[2] != -camMargin || e[1] != 0.5 {
		t.Fatalf("eye %v, want clamped at z=%v y=0.5", e, -camMargin)
	}
}

func TestVoxelViewDragLooks(t *testing.T) {
	for _, tc := range []struct {
		dx, dy      float32
		yaw, pitch  float64
		wantClamped bool
	}{
		{dx: 10, yaw: 10 * lookPerPixel},
		{dx: -20, yaw: -20 * lookPerPixel},
		{dy: 10, pitch: 10 * lookPerPixel},
		{dy: -1000, pitch: -maxPitch - 20, wantClamped: true},
	} {
		v, _, _ := newTestVoxelView(t)
		v.SetCamera(render.Camera{Eye: [3]float64{5.5, 5, 2}, Yaw: 0, Pitch: 20, FOV: 70})
		test.Drag(fyne.CurrentApp().Driver().CanvasForObject(v), fyne.NewPos(160, 120), tc.dx, tc.dy)
		c := v.Camera()
		wantPitch := 20 + tc.pitch
		if tc.wantClamped {
			wantPitch = -maxPitch
		}
		if math.Abs(c.Yaw-tc.yaw) > 1e-4 || math.Abs(c.Pitch-wantPitch) > 1e-4 {
			t.Fatalf("drag (%v,%v): yaw %.2f pitch %.2f, want %.2f %.2f", tc.dx, tc.dy, c.Yaw, c.Pitch, tc.yaw, wantPitch)
		}
	}
}

func TestVoxelViewHotbarKeys(t *testing.T) {
	v, _, _ := newTestVoxelView(t)
	var seen []int
	v.OnSlot = func(i int) { seen = append(seen, i) }
	for _, tc := range []struct {
		key  fyne.KeyName
		want int
	}{
		{fyne.Key3, 2}, {fyne.Key8, 7}, {fyne.Key1, 0},
		{fyne.Key9, 0}, {fyne.Key0, 0}, // only 8 placeable blocks: 9 and 0 are empty slots
		{fyne.KeyW, 0},
	} {
		v.TypedKey(&fyne.KeyEvent{Name: tc.key})
		if v.Slot() != tc.want {
			t.Fatalf("key %s: slot %d, want %d", tc.key, v.Slot(), tc.want)
		}
	}
	v.TypedRune('5')
	if v.Slot() != 4 || v.Block() != hotbarBlocks[4] {
		t.Fatalf("rune 5: slot %d block %v", v.Slot(), v.Block())
	}
	if want := []int{2, 7, 0, 4}; len(seen) != len(want) || seen[0] != 2 || seen[3] != 4 {
		t.Fatalf("OnSlot saw %v, want %v", seen, want)
	}
}

func TestVoxelViewClicksQueueActions(t *testing.T) {
	v, w, queued := newTestVoxelView(t)
	// Look straight at the built planks block (4,2,5) from in front of it.
	v.SetCamera(lookAt([3]float64{4.5, 2.5, 2.5}, [3]float64{4.5, 2.5, 5}))
	v.SelectSlot(6) // Stone
	mid := fyne.NewPos(160, 120)
	c := w.Canvas()
	test.TapCanvas(c, mid)
	test.TapSecondaryAt(v, mid)
	want := []world.Action{world.BreakAt(world.V(4, 2, 5)), world.PlaceAt(world.V(4, 2, 4), hotbarBlocks[6])}
	if len(*queued) != 2 || (*queued)[0] != want[0] || (*queued)[1] != want[1] {
		t.Fatalf("queued %v, want %v", *queued, want)
	}
	if c.Focused() != v {
		t.Fatal("a click did not give the view keyboard focus")
	}
	// Into the sky: nothing to break or place against.
	v.SetCamera(render.Camera{Eye: [3]float64{5.5, 5, 2}, Pitch: -60, FOV: 70})
	*queued = nil
	test.TapCanvas(c, mid)
	test.TapSecondaryAt(v, mid)
	if len(*queued) != 0 {
		t.Fatalf("clicks at the sky queued %v", *queued)
	}
}

// TestVoxelViewHoverHighlights checks the hover highlight end to end: moving the mouse targets
// the voxel pick reports under it, the frame then differs from the plain one only on pixels
// whose own pick is that voxel (its outline) and they are darker, moving within the block keeps
// the target, and the target follows the cursor to another block, to the sky and out.
func TestVoxelViewHoverHighlights(t *testing.T) {
	v, w, _ := newTestVoxelView(t)
	c := w.Canvas()
	plain := drawRGBA(t, v)
	cases := []struct {
		name string
		pos  fyne.Position
		want *world.Vec // nil: nothing targeted
	}{
		{"cobblestone", fyne.NewPos(155, 110), &world.Vec{X: 5, Y: 2, Z: 5}},
		{"same block, moved", fyne.NewPos(163, 108), &world.Vec{X: 5, Y: 2, Z: 5}},
		{"built planks", fyne.NewPos(178, 112), &world.Vec{X: 4, Y: 2, Z: 5}},
		{"sky", fyne.NewPos(160, 5), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			test.MoveMouse(c, tc.pos)
			got, ok := v.Target()
			if tc.want == nil {
				if ok {
					t.Fatalf("target %v over the sky", got)
				}
				if !imagesEqual(plain, drawRGBA(t, v)) {
					t.Fatal("the frame changed with nothing targeted")
				}
				return
			}
			r, picked := v.pickAt(tc.pos)
			if !ok || got != *tc.want || !picked || r.Hit != got {
				t.Fatalf("target %v %v, want %v (pick %v %v)", got, ok, *tc.want, r.Hit, picked)
			}
			lit := drawRGBA(t, v)
			changed := 0
			for y := 0; y < 240; y++ {
				for x := 0; x < 320; x++ {
					p, l := plain.RGBAAt(x, y), lit.RGBAAt(x, y)
					if p == l || onCrosshair(x, y) {
						continue
					}
					changed++
					o, d := v.cam.Ray(320, 240, float64(x)+0.5, float64(y)+0.5)
					if hit, ok := render.Pick(&v.grid, o, d); !ok || hit.Hit != got {
						t.Fatalf("pixel (%d,%d) changed but shows %v, not the target %v", x, y, hit.Hit, got)
					}
					if int(l.R)+int(l.G)+int(l.B) >= int(p.R)+int(p.G)+int(p.B) {
						t.Fatalf("outline pixel (%d,%d) %v is not darker than %v", x, y, l, p)
					}
				}
			}
			if changed < 40 {
				t.Fatalf("only %d pixels outline the target", changed)
			}
		})
	}
	test.MoveMouse(c, fyne.NewPos(155, 110))
	v.MouseOut()
	if got, ok := v.Target(); ok {
		t.Fatalf("target %v after the mouse left", got)
	}
}

// drawRGBA renders the view at its 320×240 test size, where image and view pixels coincide.
func drawRGBA(t *testing.T, v *VoxelView) *image.RGBA {
	t.Helper()
	img, ok := v.draw(320, 240).(*image.RGBA)
	if !ok {
		t.Fatal("draw did not return an *image.RGBA")
	}
	return img
}

// onCrosshair reports pixels of the inverted crosshair at the centre of a 320×240 frame, whose
// colour is not the scene's.
func onCrosshair(x, y int) bool {
	return (y == 120 && x >= 155 && x <= 165) || (x == 160 && y >= 115 && y <= 125)
}

func imagesEqual(a, b *image.RGBA) bool {
	return a.Bounds() == b.Bounds() && bytes.Equal(a.Pix, b.Pix)
}

func TestVoxelViewWalksAvatarAfterCamera(t *testing.T) {
	v, _, queued := newTestVoxelView(t)
	v.SetCamera(eyeCamera(v.players[0])) // eye in player 0 at (2,2,7)
	v.KeyDown(&fyne.KeyEvent{Name: fyne.KeyD})
	v.cam.Yaw = 0 // facing +z: D strafes toward −x
	v.step(0.25)  // 1 voxel
	if len(*queued) != 1 || (*queued)[0] != world.Move(world.MoveNegX) {
		t.Fatalf("queued %v, want one move −x", *queued)
	}
	v.step(0.25) // another voxel, but the first move is still pending
	if len(*queued) != 1 {
		t.Fatalf("moved again before the first move was applied: %v", *queued)
	}
	// The game applied the move: the avatar is at x=1 and the camera at x=0.
	cur, goal, _ := testScene()
	v.SetWorld(cur, &goal, []world.Vec{world.V(1, 2, 7), world.V(8, 2, 7)}, 1)
	if len(*queued) != 2 || (*queued)[1] != world.Move(world.MoveNegX) {
		t.Fatalf("queued %v, want a second move −x", *queued)
	}
	v.Queue = func(world.Action) error { return errors.New("input queue full") }
	v.pending = 0
	v.KeyUp(&fyne.KeyEvent{Name: fyne.KeyD})
	v.KeyDown(&fyne.KeyEvent{Name: fyne.KeyW})
	v.step(0.25)
	if v.LastError() == nil {
		t.Fatal("a refused action was not reported")
	}
}

func TestCameraRayMatchesCentre(t *testing.T) {
	cam := lookAt([3]float64{0, 5, 0}, [3]float64{5, 1, 7})
	_, d := cam.Ray(320, 240, 160, 120)
	want := normalize([3]float64{5, -4, 7})
	for k := range d {
		if math.Abs(d[k]-want[k]) > 1e-9 {
			t.Fatalf("centre ray %v, want %v", d, want)
		}
	}
}

func normalize(a [3]float64) [3]float64 {
	l := math.Sqrt(a[0]*a[0] + a[1]*a[1] + a[2]*a[2])
	return [3]float64{a[0] / l, a[1] / l, a[2] / l}
}

// TestVoxelViewStartFrameShowsNoOwnColumn is the newcomer's "large blue column in the middle of
// the view": the first frame of a session looks past the player's own avatar from behind it.
// The camera is the player, so player 0 is never drawn in their own view, wherever the camera is.
func TestVoxelViewStartFrameShowsNoOwnColumn(t *testing.T) {
	v, _, _ := newTestVoxelView(t)
	v.Reset(world.NewGround(), nil, world.DefaultStarts(2))
	img := v.draw(480, 270).(*image.RGBA)
	own := map[[3]uint8]bool{}
	for _, f := range []float64{0.8, 0.5, 1.0, 0.65} {
		c := render.PlayerColor[0]
		own[[3]uint8{uint8(float64(c.R) * f), uint8(float64(c.G) * f), uint8(float64(c.B) * f)}] = true
	}
	n := 0
	for y := 0; y < 270; y++ {
		for x := 0; x < 480; x++ {
			c := img.RGBAAt(x, y)
			if own[[3]uint8{c.R, c.G, c.B}] {
				n++
			}
		}
	}
	if n > 0 {
		t.Fatalf("%d pixels of the start frame show the player's own avatar", n)
	}
}
