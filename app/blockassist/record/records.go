package record

import (
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// SchemaVersion is stored in Meta; bump it when record payloads change.
const SchemaVersion = 1

// Meta describes a session: enough to rebuild the MBAG env config and to
// tell sessions apart.
type Meta struct {
	Schema      int      `json:"schema"`
	WorldSize   [3]int   `json:"world_size"`
	Palette     []string `json:"palette"`
	GoalID      string   `json:"goal_id"`
	GoalSplit   string   `json:"goal_split,omitempty"`
	Placement   string   `json:"placement,omitempty"`
	TickSeconds float64  `json:"tick_seconds"`
	Players     []Player `json:"players"`
	StartUnixMs int64    `json:"start_unix_ms"`
	AppVersion  string   `json:"app_version,omitempty"`
	Assistant   string   `json:"assistant,omitempty"`
}

// Player is one participant. Human players see the goal; the assistant's
// exported observations have the goal channels zeroed (MBAG mask_goal).
type Player struct {
	Name        string `json:"name"`
	Human       bool   `json:"human"`
	GoalVisible bool   `json:"goal_visible"`
}

// NewMeta fills the fixed MBAG fields.
func NewMeta(goalID string, tickSeconds float64, players []Player, startUnixMs int64) Meta {
	return Meta{
		Schema: SchemaVersion, WorldSize: [3]int{world.Width, world.Height, world.Depth},
		Palette: world.BlockNames(), GoalID: goalID, TickSeconds: tickSeconds,
		Players: players, StartUnixMs: startUnixMs,
	}
}

func (m *Meta) validate() error {
	if m.Schema != SchemaVersion {
		return fmt.Errorf("session schema %d not supported (this build reads %d): update the app", m.Schema, SchemaVersion)
	}
	if m.WorldSize != [3]int{world.Width, world.Height, world.Depth} {
		return fmt.Errorf("world size %v, want 11x10x10", m.WorldSize)
	}
	if len(m.Players) == 0 || len(m.Players) > 8 {
		return fmt.Errorf("%d players, want 1..8", len(m.Players))
	}
	if !(m.TickSeconds > 0 && m.TickSeconds < 60) {
		return fmt.Errorf("tick seconds %v out of (0,60)", m.TickSeconds)
	}
	return nil
}

// PlayerStep is one player's part of a tick: what they tried, what happened,
// where they stand afterwards and the goal-dependent reward.
type PlayerStep struct {
	Attempted world.Action
	Effective world.Action
	Pos       world.Vec
	Reward    int8
	Correct   bool
}

// Tick is one env step. WallMs is milliseconds since session start so the
// per-minute metrics follow real time as MBAG's do with Malmo.
type Tick struct {
	Tick       uint32
	WallMs     int64
	Similarity int16
	Players    []PlayerStep
}

// EndReason says why a session ended. Completion and a manual stop are both
// normal endings that finalise the file the same way.
type EndReason uint8

// End reasons.
const (
	EndCompleted   EndReason = 1 // world equals goal (100 %)
	EndStopped     EndReason = 2 // player stopped
	EndHorizon     EndReason = 3 // tick limit reached
	EndInterrupted EndReason = 4 // found unfinished by Recover (crash, power loss)
)

// String names the reason for metadata and UI.
func (r EndReason) String() string {
	switch r {
	case EndCompleted:
		return "completed"
	case EndStopped:
		return "stopped"
	case EndHorizon:
		return "horizon"
	case EndInterrupted:
		return "interrupted"
	}
	return fmt.Sprintf("reason(%d)", uint8(r))
}

// End closes a session.
type End struct {
	Reason EndReason
	Tick   uint32
	WallMs int64
}

func encodeMeta(m Meta) ([]byte, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode meta: %w", err)
	}
	return b, nil
}

func decodeMeta(p []byte) (Meta, error) {
	var m Meta
	if err := json.Unmarshal(p, &m); err != nil {
		return m, fmt.Errorf("decode meta: %w", err)
	}
	return m, m.validate()
}

func encodeGrid(g *world.Grid) []byte {
	b := make([]byte, world.NumVoxels)
	for i, x := range g {
		b[i] = byte(x)
	}
	return b
}

func decodeGrid(p []byte) (world.Grid, error) {
	var g world.Grid
	if len(p) < world.NumVoxels {
		return g, fmt.Errorf("grid has %d bytes, want %d", len(p), world.NumVoxels)
	}
	for i := range g {
		g[i] = world.Block(p[i])
	}
	return g, g.Validate()
}

func encodeInitial(g *world.Grid, pos []world.Vec) []byte {
	b := encodeGrid(g)
	b = append(b, byte(len(pos)))
	for _, p := range pos {
		b = append(b, byte(p.X), byte(p.Y), byte(p.Z))
	}
	return b
}

func decodeInitial(p []byte, players int) (world.Grid, []world.Vec, error) {
	g, err := decodeGrid(p)
	if err != nil {
		return g, nil, fmt.Errorf("initial world: %w", err)
	}
	p = p[world.NumVoxels:]
	if len(p) < 1 || int(p[0]) != players || len(p) != 1+3*players {
		return g, nil, fmt.Errorf("initial positions: %d bytes for %d players", len(p), players)
	}
	pos := make([]world.Vec, players)
	for i := range pos {
		v := world.Vec{X: int(p[1+3*i]), Y: int(p[2+3*i]), Z: int(p[3+3*i])}
		if !v.InBounds() {
			return g, nil, fmt.Errorf("initial position %d %s out of the world", i, v)
		}
		pos[i] = v
	}
	return g, pos, nil
}

// action wire form: type u8 | voxel u16le | block u8.
func appendAction(b []byte, a world.Action) []byte {
	b = append(b, byte(a.Type))
	b = binary.LittleEndian.AppendUint16(b, uint16(a.Voxel))
	return append(b, byte(a.Block))
}

func readAction(p []byte) (world.Action, error) {
	a := world.Action{Type: world.ActionType(p[0]), Voxel: int(binary.LittleEndian.Uint16(p[1:3])), Block: world.Block(p[3])}
	return a, a.Validate()
}

const playerStepSize = 4 + 4 + 3 + 1 + 1

func encodeTick(t *Tick) []byte {
	b := make([]byte, 0, 16+playerStepSize*len(t.Players))
	b = binary.LittleEndian.AppendUint32(b, t.Tick)
	b = binary.AppendVarint(b, t.WallMs)
	b = binary.LittleEndian.AppendUint16(b, uint16(t.Similarity))
	b = append(b, byte(len(t.Players)))
	for _, p := range t.Players {
		b = appendAction(b, p.Attempted)
		b = appendAction(b, p.Effective)
		b = append(b, byte(p.Pos.X), byte(p.Pos.Y), byte(p.Pos.Z), byte(p.Reward))
		c := byte(0)
		if p.Correct {
			c = 1
		}
		b = append(b, c)
	}
	return b
}

func decodeTick(p []byte, players int) (Tick, error) {
	var t Tick
	if len(p) < 4 {
		return t, fmt.Errorf("tick record %d bytes", len(p))
	}
	t.Tick = binary.LittleEndian.Uint32(p)
	p = p[4:]
	ms, n := binary.Varint(p)
	if n <= 0 || ms < 0 {
		return t, fmt.Errorf("tick %d: bad wall time", t.Tick)
	}
	t.WallMs = ms
	p = p[n:]
	if len(p) < 3 {
		return t, fmt.Errorf("tick %d: truncated", t.Tick)
	}
	t.Similarity = int16(binary.LittleEndian.Uint16(p))
	if int(p[2]) != players || len(p) != 3+players*playerStepSize {
		return t, fmt.Errorf("tick %d: %d bytes for %d players", t.Tick, len(p), players)
	}
	p = p[3:]
	t.Players = make([]PlayerStep, players)
	for i := range t.Players {
		q := p[i*playerStepSize:]
		var err error
		ps := &t.Players[i]
		if ps.Attempted, err = readAction(q[0:4]); err != nil {
			return t, fmt.Errorf("tick %d player %d attempted: %w", t.Tick, i, err)
		}
		if ps.Effective, err = readAction(q[4:8]); err != nil {
			return t, fmt.Errorf("tick %d player %d effective: %w", t.Tick, i, err)
		}
		ps.Pos = world.Vec{X: int(q[8]), Y: int(q[9]), Z: int(q[10])}
		if !ps.Pos.InBounds() {
			return t, fmt.Errorf("tick %d player %d position %s out of the world", t.Tick, i, ps.Pos)
		}
		ps.Reward = int8(q[11])
		if q[12] > 1 {
			return t, fmt.Errorf("tick %d player %d: correct flag %d", t.Tick, i, q[12])
		}
		ps.Correct = q[12] == 1
	}
	return t, nil
}

func encodeEnd(e End) []byte {
	b := []byte{byte(e.Reason)}
	b = binary.LittleEndian.AppendUint32(b, e.Tick)
	return binary.AppendVarint(b, e.WallMs)
}

func decodeEnd(p []byte) (End, error) {
	var e End
	if len(p) < 6 {
		return e, fmt.Errorf("end record %d bytes", len(p))
	}
	e.Reason = EndReason(p[0])
	if e.Reason < EndCompleted || e.Reason > EndInterrupted {
		return e, fmt.Errorf("end reason %d unknown", p[0])
	}
	e.Tick = binary.LittleEndian.Uint32(p[1:5])
	ms, n := binary.Varint(p[5:])
	if n <= 0 || 5+n != len(p) || ms < 0 {
		return e, fmt.Errorf("end record: bad wall time")
	}
	e.WallMs = ms
	return e, nil
}
