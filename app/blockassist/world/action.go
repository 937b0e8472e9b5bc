package world

import "fmt"

// ActionType numbers follow MBAG's MbagAction so recorded actions are MBAG
// action tuples unchanged.
type ActionType uint8

// MBAG action types. GIVE_BLOCK (9) exists only with finite inventories,
// which BlockAssist does not use, so it is never valid here.
const (
	Noop ActionType = iota
	Place
	Break
	MovePosX
	MoveNegX
	MovePosY
	MoveNegY
	MovePosZ
	MoveNegZ
	Give
)

// NumActionTypes is MBAG's NUM_ACTION_TYPES.
const NumActionTypes = 10

var actionNames = [NumActionTypes]string{
	"noop", "place", "break", "move+x", "move-x", "move+y", "move-y", "move+z", "move-z", "give",
}

// String returns a short lower-case name.
func (t ActionType) String() string {
	if int(t) < NumActionTypes {
		return actionNames[t]
	}
	return fmt.Sprintf("action(%d)", uint8(t))
}

// IsMove reports whether t is one of the six one-voxel moves.
func (t ActionType) IsMove() bool { return t >= MovePosX && t <= MoveNegZ }

// MoveDelta returns the voxel step of a move action and false for others.
func (t ActionType) MoveDelta() (Vec, bool) {
	switch t {
	case MovePosX:
		return Vec{1, 0, 0}, true
	case MoveNegX:
		return Vec{-1, 0, 0}, true
	case MovePosY:
		return Vec{0, 1, 0}, true
	case MoveNegY:
		return Vec{0, -1, 0}, true
	case MovePosZ:
		return Vec{0, 0, 1}, true
	case MoveNegZ:
		return Vec{0, 0, -1}, true
	}
	return Vec{}, false
}

// Action is MBAG's (action_type, flat_voxel_index, block_id) tuple. Voxel
// and Block are ignored (and should be 0) where the type does not use them.
type Action struct {
	Type  ActionType
	Voxel int
	Block Block
}

// NoopAction is the effective action of anything that failed.
var NoopAction = Action{}

// PlaceAt builds a place action at v.
func PlaceAt(v Vec, b Block) Action { return Action{Type: Place, Voxel: v.Index(), Block: b} }

// BreakAt builds a break action at v.
func BreakAt(v Vec) Action { return Action{Type: Break, Voxel: v.Index()} }

// Move builds a move action of the given type.
func Move(t ActionType) Action { return Action{Type: t} }

// String formats the action for logs and test failures.
func (a Action) String() string {
	switch a.Type {
	case Place:
		return fmt.Sprintf("place %s at %s", a.Block, VecOf(a.Voxel))
	case Break:
		return fmt.Sprintf("break %s", VecOf(a.Voxel))
	}
	return a.Type.String()
}

// Validate checks the fields a decoder got from outside data.
func (a Action) Validate() error {
	if int(a.Type) >= NumActionTypes {
		return fmt.Errorf("invalid action type %d", a.Type)
	}
	if a.Voxel < 0 || a.Voxel >= NumVoxels {
		return fmt.Errorf("action voxel %d out of range [0,%d)", a.Voxel, NumVoxels)
	}
	if !a.Block.Valid() {
		return fmt.Errorf("action block id %d invalid", a.Block)
	}
	return nil
}

// MovesBetween discretises a continuous position change into MBAG move
// actions, one per voxel boundary crossed, x then y then z — how MBAG turns
// a Minecraft position diff into human actions. UIs call it every tick with
// the voxel the avatar stood in and the one it stands in now.
func MovesBetween(from, to Vec) []Action {
	var out []Action
	add := func(n int, pos, neg ActionType) {
		t := pos
		if n < 0 {
			t, n = neg, -n
		}
		for i := 0; i < n; i++ {
			out = append(out, Move(t))
		}
	}
	add(to.X-from.X, MovePosX, MoveNegX)
	add(to.Y-from.Y, MovePosY, MoveNegY)
	add(to.Z-from.Z, MovePosZ, MoveNegZ)
	return out
}
