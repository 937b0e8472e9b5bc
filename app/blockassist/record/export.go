package record

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// MBAG world-observation channels (mbag/environment/types.py).
const (
	ChanCurrentBlocks = iota
	ChanCurrentStates
	ChanGoalBlocks
	ChanGoalStates
	ChanPlayerLocations
	ChanLastInteracted
	NumObsChannels
)

// ObsSize is the size of one world observation, (6, 11, 10, 10) uint8.
const ObsSize = NumObsChannels * world.NumVoxels

// Observation builds MBAG's world observation of player p from a replay
// frame, in C order (channel, x, y, z):
//
//	0 current block ids       1 block states (always 0: no orientations)
//	2 goal block ids, zeroed unless the player sees the goal (MBAG mask_goal)
//	3 goal states (0)
//	4 player locations: 1 = this player (feet and head voxels), 2+k = the
//	  k-th other player in index order
//	5 last player to touch each voxel with the same markers; 0 = nobody
//	  (MBAG keeps −1 in its float state; uint8 tensors use 0)
func Observation(dst []byte, fr *Frame, goal *world.Grid, p int, goalVisible bool) []byte {
	dst = append(dst[:0], make([]byte, ObsSize)...)
	for i := 0; i < world.NumVoxels; i++ {
		dst[ChanCurrentBlocks*world.NumVoxels+i] = byte(fr.Cur[i])
		if goalVisible {
			dst[ChanGoalBlocks*world.NumVoxels+i] = byte(goal[i])
		}
		if li := fr.LastInteracted[i]; li >= 0 {
			dst[ChanLastInteracted*world.NumVoxels+i] = marker(p, int(li))
		}
	}
	for q, pos := range fr.Players {
		m := marker(p, q)
		for _, v := range []world.Vec{pos, pos.Add(world.Vec{Y: 1})} {
			if v.InBounds() {
				dst[ChanPlayerLocations*world.NumVoxels+v.Index()] = m
			}
		}
	}
	return dst
}

func marker(self, other int) byte {
	switch {
	case other == self:
		return 1
	case other < self:
		return byte(2 + other)
	default:
		return byte(1 + other)
	}
}

// Export writes the session as numpy .npy tensors into dir (created if
// missing), the layout MBAG's episodes use so Python tooling can load them
// with numpy.load:
//
//	world_obs.npy      uint8  (T, P, 6, 11, 10, 10)  state before each tick
//	actions.npy        int32  (T, P, 3)  effective (type, flat voxel, block)
//	attempted.npy      int32  (T, P, 3)  attempted actions
//	rewards.npy        int32  (T, P)     goal-dependent reward
//	goal_percentage.npy float32 (T,)     after each tick
//	timestep.npy       int32  (T,)
//	wall_ms.npy        int64  (T,)
//
// T is the tick count and P the player count (meta.json order).
func Export(s *Session, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	T, P := len(s.Ticks), len(s.Meta.Players)
	obs, err := newNpy(filepath.Join(dir, "world_obs.npy"), "|u1", T, P, NumObsChannels, world.Width, world.Height, world.Depth)
	if err != nil {
		return err
	}
	defer obs.close()
	var one []byte
	env, err := Replay(s, func(i int, fr *Frame, t *Tick) error {
		for p := 0; p < P; p++ {
			one = Observation(one, fr, &s.Goal, p, s.Meta.Players[p].GoalVisible)
			if _, err := obs.w.Write(one); err != nil {
				return fmt.Errorf("export world_obs: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := obs.close(); err != nil {
		return err
	}
	init := env.InitialSimilarity()
	acts := make([]int32, 0, T*P*3)
	att := make([]int32, 0, T*P*3)
	rew := make([]int32, 0, T*P)
	pct := make([]float32, 0, T)
	ts := make([]int32, 0, T)
	wall := make([]int64, 0, T)
	for _, t := range s.Ticks {
		for _, ps := range t.Players {
			acts = append(acts, int32(ps.Effective.Type), int32(ps.Effective.Voxel), int32(ps.Effective.Block))
			att = append(att, int32(ps.Attempted.Type), int32(ps.Attempted.Voxel), int32(ps.Attempted.Block))
			rew = append(rew, int32(ps.Reward))
		}
		pct = append(pct, float32(world.GoalPercent(init, int(t.Similarity))))
		ts = append(ts, int32(t.Tick))
		wall = append(wall, t.WallMs)
	}
	for _, f := range []struct {
		name, descr string
		data        any
		shape       []int
	}{
		{"actions.npy", "<i4", acts, []int{T, P, 3}},
		{"attempted.npy", "<i4", att, []int{T, P, 3}},
		{"rewards.npy", "<i4", rew, []int{T, P}},
		{"goal_percentage.npy", "<f4", pct, []int{T}},
		{"timestep.npy", "<i4", ts, []int{T}},
		{"wall_ms.npy", "<i8", wall, []int{T}},
	} {
		n, err := newNpy(filepath.Join(dir, f.name), f.descr, f.shape...)
		if err != nil {
			return err
		}
		if err := binary.Write(n.w, binary.LittleEndian, f.data); err != nil {
			n.close()
			return fmt.Errorf("export %s: %w", f.name, err)
		}
		if err := n.close(); err != nil {
			return err
		}
	}
	return nil
}

type npyFile struct {
	f      *os.File
	w      *bufio.Writer
	closed bool
}

// newNpy writes an NPY v1.0 header (magic, version, little-endian header
// length, Python dict literal padded to a 64-byte boundary).
func newNpy(path, descr string, shape ...int) (*npyFile, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	n := &npyFile{f: f, w: bufio.NewWriterSize(f, 1<<16)}
	n.w.Write(NpyHeader(descr, shape...))
	return n, nil
}

// NpyHeader returns the NPY v1.0 header for a C-order array.
func NpyHeader(descr string, shape ...int) []byte {
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = fmt.Sprint(d)
	}
	sh := strings.Join(dims, ", ")
	if len(shape) == 1 {
		sh += ","
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, sh)
	total := 10 + len(dict) + 1
	pad := (64 - total%64) % 64
	dict += strings.Repeat(" ", pad) + "\n"
	h := []byte("\x93NUMPY\x01\x00")
	h = binary.LittleEndian.AppendUint16(h, uint16(len(dict)))
	return append(h, dict...)
}

func (n *npyFile) close() error {
	if n.closed {
		return nil
	}
	n.closed = true
	if err := n.w.Flush(); err != nil {
		n.f.Close()
		return fmt.Errorf("export %s: %w", n.f.Name(), err)
	}
	if err := n.f.Close(); err != nil {
		return fmt.Errorf("export %s: %w", n.f.Name(), err)
	}
	return nil
}
