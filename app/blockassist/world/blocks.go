// Package world implements the MBAG (Minecraft Building Assistance Game)
// world rules that BlockAssist mode plays by: an 11×10×10 voxel grid, the
// ten MBAG block ids, place/break/move actions with reach and line of sight,
// infinite blocks and goal similarity with the −1 partial credit for a wrong
// block. Ids, index order and action numbering match MBAG exactly so that
// recorded sessions convert to MBAG tensors without remapping.
package world

import (
	"fmt"
	"strings"
)

// Block is an MBAG block id. The numbering is MBAG's MinecraftBlocks.ID2NAME
// order; changing it would break every recorded session and exported tensor.
type Block uint8

// The ten MBAG block types.
const (
	Air Block = iota
	Bedrock
	Dirt
	Cobblestone
	Glass
	Log
	Planks
	Stone
	StoneBrick
	Wool
)

// NumBlocks is the number of block types (MBAG NUM_BLOCKS).
const NumBlocks = 10

var blockNames = [NumBlocks]string{
	"air", "bedrock", "dirt", "cobblestone", "glass",
	"log", "planks", "stone", "stonebrick", "wool",
}

// String returns the MBAG name of the block, or "block(N)" for an invalid id.
func (b Block) String() string {
	if int(b) < NumBlocks {
		return blockNames[b]
	}
	return fmt.Sprintf("block(%d)", uint8(b))
}

// Valid reports whether b is one of the ten MBAG ids; decoders use it to
// reject corrupt data instead of indexing past tables.
func (b Block) Valid() bool { return int(b) < NumBlocks }

// Solid reports whether the block occupies its voxel (everything but air).
// Solid blocks stop players, block line of sight and can be clicked against.
func (b Block) Solid() bool { return b != Air && b.Valid() }

// Placeable reports whether a player may place this block (MBAG
// PLACEABLE_BLOCK_IDS: dirt through wool). Bedrock is world-only.
func (b Block) Placeable() bool { return b >= Dirt && b <= Wool }

// Breakable reports whether a player may break this block. Bedrock is the
// unbreakable floor that keeps the world closed from below.
func (b Block) Breakable() bool { return b.Solid() && b != Bedrock }

// ParseBlock maps an MBAG block name (case-insensitive; "grass" and
// "barrier" accepted as MBAG aliases) to its id.
func ParseBlock(name string) (Block, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	switch n {
	case "grass":
		return Dirt, nil
	case "barrier":
		return Bedrock, nil
	}
	for i, s := range blockNames {
		if s == n {
			return Block(i), nil
		}
	}
	return Air, fmt.Errorf("unknown block %q: use one of %s", name, strings.Join(blockNames[:], ", "))
}

// BlockNames returns the palette in id order, for session metadata.
func BlockNames() []string { return append([]string(nil), blockNames[:]...) }
