// Package render draws a BlockAssist world into an *image.RGBA with a small
// software ray caster (no GPU, no UI toolkit), so the game view, thumbnails
// and golden-image tests all share one deterministic renderer. The Fyne/GL
// view can replace it later; this stays the reference.
package render

import (
	"image/color"

	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// Palette gives each block its average colour, close to its Minecraft texture:
// the procedural textures (textures.go) are generated from it, and blueprint
// ghosts are drawn in it flat.
var Palette = [world.NumBlocks]color.RGBA{
	world.Air:         {0, 0, 0, 0},
	world.Bedrock:     {60, 60, 60, 255},
	world.Dirt:        {134, 96, 67, 255},
	world.Cobblestone: {122, 122, 122, 255},
	world.Glass:       {200, 230, 240, 255},
	world.Log:         {102, 81, 50, 255},
	world.Planks:      {162, 130, 78, 255},
	world.Stone:       {125, 125, 125, 255},
	world.StoneBrick:  {110, 110, 115, 255},
	world.Wool:        {234, 236, 237, 255},
}

// Colours for things that are not blocks.
var (
	Sky         = color.RGBA{150, 190, 235, 255}
	WrongTint   = color.RGBA{220, 40, 40, 255}
	PlayerColor = [2]color.RGBA{{40, 90, 200, 255}, {230, 140, 30, 255}}
)
