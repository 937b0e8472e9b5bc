package goalnet

import (
	"math"
	"slices"

	"github.com/swarmdesk/swarmdesk/app/blockassist/assist"
	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// Predictor returns an assist.Predictor backed by the net. The network
// reads everything from the observation, so Observe does nothing. Each
// predictor has its own scratch memory; like assist's other predictors it
// is for one assistant (one goroutine).
func (n *Net) Predictor() assist.Predictor {
	return &predictor{net: n, ws: newWorkspace[float32](n.lay, worldDims)}
}

type predictor struct {
	net     *Net
	ws      *workspace[float32]
	touched [world.NumVoxels]uint8
}

func (p *predictor) Observe(assist.Event) {}

// Predict fills out with the net's per-voxel softmax.
func (p *predictor) Predict(obs *assist.Observation, out *assist.Marginals) {
	clear(p.touched[:])
	if obs.LastInteracted != nil {
		markTouched(&p.touched, obs.LastInteracted, func(q int) bool { return slices.Contains(obs.Humans, q) })
	}
	encode(p.ws.x, obs.Cur, &p.touched)
	forward(p.net.lay, p.net.Params, p.ws)
	const n = world.NumVoxels
	for v := 0; v < n; v++ {
		m := math.Inf(-1)
		for b := 0; b < NumOutputs; b++ {
			m = max(m, float64(p.ws.z[b*n+v]))
		}
		sum := 0.0
		for b := 0; b < NumOutputs; b++ {
			e := math.Exp(float64(p.ws.z[b*n+v]) - m)
			out[v][b] = e
			sum += e
		}
		for b := range out[v] {
			out[v][b] /= sum
		}
	}
}

// Mix returns a predictor whose marginals are w·a + (1−w)·b per voxel
// (w clamped to [0, 1]); both see every event. It lets the learned net
// share the assistant with assist.Inference, whose catalog posterior is
// sharper on known houses while the net carries what it learned from the
// player's sessions.
func Mix(a, b assist.Predictor, w float64) assist.Predictor {
	return &mix{a: a, b: b, w: min(1, max(0, w))}
}

type mix struct {
	a, b assist.Predictor
	w    float64
	tmp  assist.Marginals
}

func (m *mix) Observe(e assist.Event) { m.a.Observe(e); m.b.Observe(e) }

func (m *mix) Predict(obs *assist.Observation, out *assist.Marginals) {
	m.a.Predict(obs, out)
	m.b.Predict(obs, &m.tmp)
	for v := range out {
		for k := range out[v] {
			out[v][k] = m.w*out[v][k] + (1-m.w)*m.tmp[v][k]
		}
	}
}
