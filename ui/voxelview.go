package ui

import (
	"image"
	"image/color"
	"math"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/swarmdesk/swarmdesk/app/blockassist/render"
	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// Voxel view tuning. The renderer ray-casts every pixel on the CPU, so the image is drawn at most
// maxRenderWidth wide and stretched by the raster: that keeps a full-screen window interactive on
// one core while small views (and the golden tests) render 1:1.
const (
	maxRenderWidth = 480
	flySpeed       = 4.0  // voxels per second while a movement key is held
	lookPerPixel   = 0.3  // degrees of yaw/pitch per dragged pixel
	maxPitch       = 89.0 // looking straight up/down would make the strafe direction undefined
	frameInterval  = time.Second / 30
	camMargin      = 4.0 // how far outside the 11×10×10 world the camera may fly
)

// hotbarBlocks are the blocks a player can place, in hotbar order (slot 1 = Dirt … slot 8 =
// Wool). Air and bedrock are not placeable in MBAG, so the hotbar has 8 slots; keys 9 and 0 do
// nothing.
var hotbarBlocks = func() []world.Block {
	var out []world.Block
	for b := world.Block(0); b < world.NumBlocks; b++ {
		if b.Placeable() {
			out = append(out, b)
		}
	}
	return out
}()

// movementKeys maps held keys to a camera-relative direction: x = strafe right, y = up,
// z = forward.
var movementKeys = map[fyne.KeyName][3]float64{
	fyne.KeyW: {0, 0, 1}, fyne.KeyS: {0, 0, -1},
	fyne.KeyD: {1, 0, 0}, fyne.KeyA: {-1, 0, 0},
	fyne.KeySpace:         {0, 1, 0},
	desktop.KeyShiftLeft:  {0, -1, 0},
	desktop.KeyShiftRight: {0, -1, 0},
}

// VoxelView is the BlockAssist 3D view: a canvas.Raster filled by app/blockassist/render's
// software ray caster (the same path in the app and in headless golden tests), with the goal
// blueprint, both avatars and a crosshair. It takes first-person input: drag to look, WASD +
// Space/Shift to fly, left click breaks and right click places the hotbar block, 1–8 pick the
// hotbar slot. It holds no game rules: clicks and movement become world.Actions handed to Queue
// (Session.Queue), and the game decides on its tick whether they are allowed.
//
// All methods are called on the UI goroutine.
type VoxelView struct {
	widget.BaseWidget

	// Queue receives the player's actions (blockassist.Session.Queue); nil ignores input.
	Queue func(world.Action) error
	// OnSlot is called after the hotbar selection changed (the screen highlights the slot).
	OnSlot func(slot int)

	cam     render.Camera
	grid    world.Grid
	goal    *world.Grid
	players []world.Vec
	slot    int

	keys    map[fyne.KeyName]bool
	lastErr error

	// hover is the mouse position while it is over the view (hovering false otherwise); target
	// is the solid voxel under it, outlined in the image so the player sees what a click acts on.
	hover    fyne.Position
	hovering bool
	target   *world.Vec

	// pending counts actions queued but not yet applied (one per tick); the avatar is only
	// walked toward the camera when nothing is pending, so moves never pile up behind clicks.
	pending int

	// every runs step on the UI goroutine every frame while keys are held; tests replace it
	// and call step themselves.
	every func(d time.Duration, step func() bool)

	raster *canvas.Raster
}

// NewVoxelView returns a view of the starting ground, camera at player 0's default start.
func NewVoxelView() *VoxelView {
	v := &VoxelView{grid: world.NewGround(), keys: map[fyne.KeyName]bool{}}
	v.players = world.DefaultStarts(2)
	v.cam = startCamera(v.players[0])
	v.every = animate
	v.raster = canvas.NewRaster(v.draw)
	v.raster.ScaleMode = canvas.ImageScalePixels
	v.ExtendBaseWidget(v)
	return v
}

// buildCentre is where a new camera looks: the middle of the plot, just above the ground.
var buildCentre = [3]float64{world.Width / 2.0, 2, world.Depth / 2.0}

// startCamera is the idle view before any session: up and behind the start position, looking at
// the middle of the plot, so the empty plot is shown whole. A session starts at the player's eye
// instead (Reset), where the game measures reach from.
func startCamera(feet world.Vec) render.Camera {
	eye := world.Eye(feet)
	return lookAt([3]float64{eye[0] - 1.5, eye[1] + 2.5, eye[2] - 1.5}, buildCentre)
}

// eyeCamera is the first-person view from a player's eye toward the plot.
func eyeCamera(feet world.Vec) render.Camera { return lookAt(world.Eye(feet), buildCentre) }

// lookAt returns a camera at eye that looks at target (the inverse of the renderer's yaw/pitch
// convention: yaw 0 looks toward +z, yaw 90 toward −x, pitch 90 looks down).
func lookAt(eye, target [3]float64) render.Camera {
	dx, dy, dz := target[0]-eye[0], target[1]-eye[1], target[2]-eye[2]
	yaw := math.Atan2(-dx, dz) * 180 / math.Pi
	pitch := math.Atan2(-dy, math.Hypot(dx, dz)) * 180 / math.Pi
	return render.Camera{Eye: eye, Yaw: yaw, Pitch: pitch, FOV: 70}
}

// CreateRenderer implements fyne.Widget.
func (v *VoxelView) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(v.raster)
}

// MinSize keeps the view usable when the window is small.
func (v *VoxelView) MinSize() fyne.Size { return fyne.NewSize(320, 240) }

// Camera is the current camera.
func (v *VoxelView) Camera() render.Camera { return v.cam }

// SetCamera moves the camera (tests, replays) and redraws.
func (v *VoxelView) SetCamera(c render.Camera) {
	v.cam = c
	v.retarget()
	v.raster.Refresh()
}

// Slot is the selected hotbar slot (0-based).
func (v *VoxelView) Slot() int { return v.slot }

// SelectSlot selects a hotbar slot; out-of-range slots are ignored.
func (v *VoxelView) SelectSlot(i int) {
	if i < 0 || i >= len(hotbarBlocks) || i == v.slot {
		return
	}
	v.slot = i
	if v.OnSlot != nil {
		v.OnSlot(i)
	}
}

// Block is the block the right mouse button places.
func (v *VoxelView) Block() world.Block { return hotbarBlocks[v.slot] }

// LastError is the last refusal from Queue (a full input queue), for the screen to show.
func (v *VoxelView) LastError() error { return v.lastErr }

// SetWorld shows a new state of the world. applied is how many queued actions the game consumed
// since the last call (1 per tick while any were waiting); it keeps the avatar-follow logic in
// step with the session.
func (v *VoxelView) SetWorld(g world.Grid, goal *world.Grid, players []world.Vec, applied int) {
	v.grid, v.goal = g, goal
	v.players = append(v.players[:0], players...)
	v.pending = max(v.pending-applied, 0)
	v.follow()
	v.retarget()
	v.raster.Refresh()
}

// Reset shows a new session's first state with the camera at player 0's eye; nothing is queued.
// The game judges reach and line of sight from that eye, so the view must start there: from the
// old up-and-behind start camera (outside the world, so the avatar never followed it) the player
// saw and clicked blocks the avatar could not reach, and clicks silently did nothing.
func (v *VoxelView) Reset(g world.Grid, goal *world.Grid, players []world.Vec) {
	v.grid, v.goal = g, goal
	v.players = append(v.players[:0], players...)
	v.pending = 0
	if len(players) > 0 {
		v.cam = eyeCamera(players[0])
	}
	v.retarget()
	v.raster.Refresh()
}

// draw is the raster generator: the same code path draws the app window and the test capture.
func (v *VoxelView) draw(w, h int) image.Image {
	if w > maxRenderWidth {
		h = max(h*maxRenderWidth/w, 1)
		w = maxRenderWidth
	}
	// A fresh image per frame: the painter may still hold the previous one (texture upload).
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	render.Render(img, &v.grid, v.cam, render.Options{Goal: v.goal, Players: v.visiblePlayers(), Target: v.target})
	drawCrosshair(img)
	return img
}

// visiblePlayers leaves out the player's own avatar (player 0): the camera is the player, so
// their own 1×2 column is never drawn in their view. Drawing it whenever the eye was outside it
// put a large blue column in the middle of the start view (up and behind the avatar) and in
// front of the camera whenever the avatar lagged behind a flying camera. The assistant stays.
func (v *VoxelView) visiblePlayers() []world.Vec {
	out := append([]world.Vec(nil), v.players...)
	if len(out) > 0 {
		// Keep the colour index stable: render colours players by position in the list.
		out[0] = world.Vec{X: -100, Y: -100, Z: -100}
	}
	return out
}

// drawCrosshair inverts a small plus in the middle so it shows on any background.
func drawCrosshair(img *image.RGBA) {
	b := img.Bounds()
	cx, cy := b.Min.X+b.Dx()/2, b.Min.Y+b.Dy()/2
	inv := func(x, y int) {
		if !(image.Point{x, y}.In(b)) {
			return
		}
		c := img.RGBAAt(x, y)
		img.SetRGBA(x, y, color.RGBA{255 - c.R, 255 - c.G, 255 - c.B, 255})
	}
	for i := -5; i <= 5; i++ {
		inv(cx+i, cy)
		if i != 0 {
			inv(cx, cy+i)
		}
	}
}

// Tapped breaks the block under the cursor (left click) and takes keyboard focus.
func (v *VoxelView) Tapped(ev *fyne.PointEvent) {
	v.focus()
	if r, ok := v.pickAt(ev.Position); ok {
		v.queue(world.BreakAt(r.Hit))
	}
}

// TappedSecondary places the hotbar block against the face under the cursor (right click).
func (v *VoxelView) TappedSecondary(ev *fyne.PointEvent) {
	v.focus()
	if r, ok := v.pickAt(ev.Position); ok && r.CanPlace {
		v.queue(world.PlaceAt(r.Place, v.Block()))
	}
}

func (v *VoxelView) pickAt(p fyne.Position) (render.Picked, bool) {
	s := v.Size()
	o, d := v.cam.Ray(float64(s.Width), float64(s.Height), float64(p.X), float64(p.Y))
	return render.Pick(&v.grid, o, d)
}

// Target is the voxel outlined under the mouse; ok is false when the mouse is not over a block.
func (v *VoxelView) Target() (world.Vec, bool) {
	if v.target == nil {
		return world.Vec{}, false
	}
	return *v.target, true
}

// MouseIn starts highlighting the block under the cursor.
func (v *VoxelView) MouseIn(ev *desktop.MouseEvent) { v.MouseMoved(ev) }

// MouseMoved follows the cursor with the highlight. It redraws only when the targeted voxel
// changes: a full software frame per mouse event would make hovering stutter.
func (v *VoxelView) MouseMoved(ev *desktop.MouseEvent) {
	v.hover, v.hovering = ev.Position, true
	if v.retarget() {
		v.raster.Refresh()
	}
}

// MouseOut removes the highlight: with the cursor elsewhere no click can act on the block.
func (v *VoxelView) MouseOut() {
	v.hovering = false
	if v.retarget() {
		v.raster.Refresh()
	}
}

// retarget picks the voxel under the last hover position again and reports whether it changed.
// The callers that move the camera or change the world call it too, because the block under a
// still cursor changes with them; they refresh anyway, so they ignore the result.
func (v *VoxelView) retarget() bool {
	var next *world.Vec
	if v.hovering {
		if r, ok := v.pickAt(v.hover); ok {
			next = &r.Hit
		}
	}
	if (next == nil) == (v.target == nil) && (next == nil || *next == *v.target) {
		return false
	}
	v.target = next
	return true
}

func (v *VoxelView) queue(a world.Action) {
	if v.Queue == nil {
		return
	}
	if err := v.Queue(a); err != nil {
		v.lastErr = err
		return
	}
	v.lastErr = nil
	v.pending++
}

func (v *VoxelView) focus() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(v); c != nil {
		c.Focus(v)
	}
}

// Dragged turns the camera: right/left changes yaw, down/up pitch (mouse-look).
func (v *VoxelView) Dragged(ev *fyne.DragEvent) {
	v.cam.Yaw = math.Mod(v.cam.Yaw+float64(ev.Dragged.DX)*lookPerPixel, 360)
	v.cam.Pitch = min(max(v.cam.Pitch+float64(ev.Dragged.DY)*lookPerPixel, -maxPitch), maxPitch)
	v.retarget()
	v.raster.Refresh()
}

// DragEnd implements fyne.Draggable.
func (v *VoxelView) DragEnd() {}

// KeyDown starts flying while a movement key is held.
func (v *VoxelView) KeyDown(ev *fyne.KeyEvent) {
	if _, ok := movementKeys[ev.Name]; !ok {
		return
	}
	wasIdle := !v.moving()
	v.keys[ev.Name] = true
	if wasIdle {
		last := time.Now()
		v.every(frameInterval, func() bool {
			now := time.Now()
			v.step(now.Sub(last).Seconds())
			last = now
			return v.moving()
		})
	}
}

// KeyUp stops flying in that direction.
func (v *VoxelView) KeyUp(ev *fyne.KeyEvent) { delete(v.keys, ev.Name) }

func (v *VoxelView) moving() bool { return len(v.keys) > 0 }

// step moves the camera by dt seconds of the held keys, then walks the avatar after it.
func (v *VoxelView) step(dt float64) {
	var dir [3]float64
	for k := range v.keys {
		m := movementKeys[k]
		for i := range dir {
			dir[i] += m[i]
		}
	}
	if dir == ([3]float64{}) || dt <= 0 {
		return
	}
	dt = min(dt, 0.25) // a stalled frame must not teleport the camera
	yaw := v.cam.Yaw * math.Pi / 180
	fwd := [3]float64{-math.Sin(yaw), 0, math.Cos(yaw)} // horizontal: W does not dive when looking down
	right := [3]float64{-math.Cos(yaw), 0, -math.Sin(yaw)}
	lims := [3]float64{world.Width, world.Height, world.Depth}
	for i := range v.cam.Eye {
		delta := (dir[0]*right[i] + dir[2]*fwd[i]) * flySpeed * dt
		if i == 1 {
			delta = dir[1] * flySpeed * dt
		}
		lo := -camMargin
		if i == 1 {
			lo = 0.5
		}
		v.cam.Eye[i] = min(max(v.cam.Eye[i]+delta, lo), lims[i]+camMargin)
	}
	v.follow()
	v.retarget()
	v.raster.Refresh()
}

// follow queues the moves that bring the player's avatar to the voxel the camera is in, so reach
// (measured from the avatar by the game) matches what the player sees. It waits until earlier
// actions were applied so clicks are not stuck behind a long walk.
func (v *VoxelView) follow() {
	if v.pending > 0 || len(v.players) == 0 || v.Queue == nil {
		return
	}
	feet := world.Vec{
		X: int(math.Floor(v.cam.Eye[0])),
		Y: int(math.Floor(v.cam.Eye[1] - world.EyeHeight + 0.5)),
		Z: int(math.Floor(v.cam.Eye[2])),
	}
	if !feet.InBounds() || feet == v.players[0] {
		return
	}
	for _, a := range world.MovesBetween(v.players[0], feet) {
		v.queue(a)
		if v.lastErr != nil {
			return
		}
	}
}

// TypedKey selects hotbar slots with the number keys 1–9 and 0.
func (v *VoxelView) TypedKey(ev *fyne.KeyEvent) {
	if i, ok := slotKey(string(ev.Name)); ok {
		v.SelectSlot(i)
	}
}

// TypedRune handles number keys on drivers that report them as text.
func (v *VoxelView) TypedRune(r rune) {
	if i, ok := slotKey(string(r)); ok {
		v.SelectSlot(i)
	}
}

// slotKey maps "1".."9" to slots 0..8 and "0" to slot 9, like a Minecraft hotbar.
func slotKey(s string) (int, bool) {
	if len(s) != 1 || s[0] < '0' || s[0] > '9' {
		return 0, false
	}
	if s[0] == '0' {
		return 9, true
	}
	return int(s[0] - '1'), true
}

// FocusGained implements fyne.Focusable.
func (v *VoxelView) FocusGained() {}

// FocusLost drops held keys: their key-up events will go elsewhere.
func (v *VoxelView) FocusLost() { clear(v.keys) }

// animate is the real every: a frame ticker that runs step on the UI goroutine until it reports
// that nothing moves any more.
func animate(d time.Duration, step func() bool) {
	go func() {
		t := time.NewTicker(d)
		defer t.Stop()
		var stop atomic.Bool
		for range t.C {
			if stop.Load() {
				return
			}
			fyne.Do(func() { stop.Store(!step()) })
		}
	}()
}

var (
	_ desktop.Keyable        = (*VoxelView)(nil)
	_ fyne.Draggable         = (*VoxelView)(nil)
	_ fyne.Tappable          = (*VoxelView)(nil)
	_ fyne.SecondaryTappable = (*VoxelView)(nil)
	_ fyne.Focusable         = (*VoxelView)(nil)
	_ desktop.Hoverable      = (*VoxelView)(nil)
	_ fyne.Widget            = (*VoxelView)(nil)
)
