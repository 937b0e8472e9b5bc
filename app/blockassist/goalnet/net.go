package goalnet

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// Input channels: the one-hot current block, then two edit markers.
const (
	ChanTouchedHuman = world.NumBlocks     // last touched by a human player
	ChanTouchedOther = world.NumBlocks + 1 // last touched by another player (the assistant)
	NumInputs        = world.NumBlocks + 2
	NumOutputs       = world.NumBlocks
)

// Hidden is the default width of both hidden layers.
const Hidden = 16

// SkipInit is the starting skip gain: with W3 = 0 the untrained net gives
// the current block probability e^s/(e^s+9) ≈ 0.58, i.e. "nothing changes"
// with honest uncertainty.
const SkipInit = 2.5

// layout is where each tensor lives in the flat parameter buffer.
type layout struct {
	c1, c2                            int
	w1, b1, w2, b2, w3, b3, skip, end int
}

func newLayout(c1, c2 int) layout {
	l := layout{c1: c1, c2: c2}
	off := 0
	take := func(n int) int { o := off; off += n; return o }
	l.w1 = take(c1 * NumInputs * k3)
	l.b1 = take(c1)
	l.w2 = take(c2 * c1 * k3)
	l.b2 = take(c2)
	l.w3 = take(NumOutputs * c2 * k3)
	l.b3 = take(NumOutputs)
	l.skip = take(NumOutputs)
	l.end = off
	return l
}

// views slices p (params or a gradient of the same layout) into tensors.
type views[T float] struct{ w1, b1, w2, b2, w3, b3, skip []T }

func viewsOf[T float](l layout, p []T) views[T] {
	return views[T]{
		w1: p[l.w1:l.b1], b1: p[l.b1:l.w2], w2: p[l.w2:l.b2], b2: p[l.b2:l.w3],
		w3: p[l.w3:l.b3], b3: p[l.b3:l.skip], skip: p[l.skip:l.end],
	}
}

// Net is the goal network. Params is the only state; the views and sizes
// are derived from C1 and C2. A Net is read-only after training, so one
// may back several predictors.
type Net struct {
	C1, C2 int
	Params []float32
	lay    layout
}

// New returns an untrained net: He-normal W1 and W2 (std √(2/fan_in), the
// right scale in front of a ReLU), zero biases, W3 = 0 and skip = SkipInit,
// which makes it the status-quo predictor (see the package comment).
func New(seed uint64) *Net { return newNet(Hidden, Hidden, seed) }

func newNet(c1, c2 int, seed uint64) *Net {
	n := &Net{C1: c1, C2: c2, lay: newLayout(c1, c2)}
	n.Params = make([]float32, n.lay.end)
	rng := rand.New(rand.NewPCG(seed, 0x676f616c6e6574)) // "goalnet"
	v := viewsOf(n.lay, n.Params)
	he := func(w []float32, fanIn int) {
		std := math.Sqrt(2 / float64(fanIn))
		for i := range w {
			w[i] = float32(rng.NormFloat64() * std)
		}
	}
	he(v.w1, NumInputs*k3)
	he(v.w2, c1*k3)
	for i := range v.skip {
		v.skip[i] = SkipInit
	}
	return n
}

func (n *Net) String() string {
	return fmt.Sprintf("goalnet %d→%d→%d→%d (%d params)", NumInputs, n.C1, n.C2, NumOutputs, len(n.Params))
}

// workspace holds one example's activations and their gradients.
type workspace[T float] struct {
	d            dims
	x, h1, h2, z []T // input, hidden activations (post-ReLU), logits
	dh1, dh2, dz []T
}

func newWorkspace[T float](l layout, d dims) *workspace[T] {
	n := d.n()
	return &workspace[T]{
		d: d, x: make([]T, NumInputs*n), h1: make([]T, l.c1*n), h2: make([]T, l.c2*n), z: make([]T, NumOutputs*n),
		dh1: make([]T, l.c1*n), dh2: make([]T, l.c2*n), dz: make([]T, NumOutputs*n),
	}
}

// forward fills ws.h1, ws.h2 and ws.z (logits) from ws.x.
func forward[T float](l layout, p []T, ws *workspace[T]) {
	v := viewsOf(l, p)
	n := ws.d.n()
	convForward(ws.h1, ws.x, v.w1, v.b1, NumInputs, l.c1, ws.d)
	relu(ws.h1)
	convForward(ws.h2, ws.h1, v.w2, v.b2, l.c1, l.c2, ws.d)
	relu(ws.h2)
	convForward(ws.z, ws.h2, v.w3, v.b3, l.c2, NumOutputs, ws.d)
	for b := 0; b < NumOutputs; b++ {
		s := v.skip[b]
		zb, xb := ws.z[b*n:(b+1)*n], ws.x[b*n:(b+1)*n]
		for j := range zb {
			zb[j] += s * xb[j]
		}
	}
}

func relu[T float](a []T) {
	for i, x := range a {
		if x < 0 {
			a[i] = 0
		}
	}
}

// lossGrad computes the per-voxel softmax cross-entropy of the logits ws.z
// against target (the goal block per voxel), summed over voxels, and sets
// ws.dz = scale·(softmax − onehot). It also counts the voxels whose argmax
// is the target. The sum is accumulated in float64.
func lossGrad[T float](ws *workspace[T], target []world.Block, scale float64) (loss float64, correct int) {
	n := ws.d.n()
	var e [NumOutputs]float64
	for v := 0; v < n; v++ {
		m, arg := math.Inf(-1), 0
		for b := 0; b < NumOutputs; b++ {
			if z := float64(ws.z[b*n+v]); z > m {
				m, arg = z, b
			}
		}
		sum := 0.0
		for b := 0; b < NumOutputs; b++ {
			e[b] = math.Exp(float64(ws.z[b*n+v]) - m)
			sum += e[b]
		}
		t := int(target[v])
		loss += math.Log(sum) - (float64(ws.z[t*n+v]) - m)
		if arg == t {
			correct++
		}
		for b := 0; b < NumOutputs; b++ {
			g := e[b] / sum
			if b == t {
				g--
			}
			ws.dz[b*n+v] = T(scale * g)
		}
	}
	return loss, correct
}

// backward accumulates into grad (same layout as p) the gradient of the
// loss whose logit gradient is ws.dz; forward must have run on ws.
func backward[T float](l layout, p, grad []T, ws *workspace[T]) {
	v, g := viewsOf(l, p), viewsOf(l, grad)
	n := ws.d.n()
	for b := 0; b < NumOutputs; b++ {
		dzb, xb := ws.dz[b*n:(b+1)*n], ws.x[b*n:(b+1)*n]
		var s T
		for j := range dzb {
			s += dzb[j] * xb[j]
		}
		g.skip[b] += s
	}
	clear(ws.dh2)
	convBackward(ws.dh2, g.w3, g.b3, ws.dz, ws.h2, v.w3, l.c2, NumOutputs, ws.d)
	reluBack(ws.dh2, ws.h2)
	clear(ws.dh1)
	convBackward(ws.dh1, g.w2, g.b2, ws.dh2, ws.h1, v.w2, l.c1, l.c2, ws.d)
	reluBack(ws.dh1, ws.h1)
	convBackward(nil, g.w1, g.b1, ws.dh1, ws.x, v.w1, NumInputs, l.c1, ws.d)
}

// reluBack zeroes the gradient where the ReLU output is 0 (its input was
// ≤ 0; the subgradient at exactly 0 is taken as 0, like torch).
func reluBack[T float](dh, h []T) {
	for i := range dh {
		if h[i] <= 0 {
			dh[i] = 0
		}
	}
}

// encode writes the network input for one frame into x (length
// NumInputs·NumVoxels): cur one-hot and the touched markers, where
// touched[v] is 0 (nobody), 1 (a human) or 2 (another player).
func encode[T float](x []T, cur *world.Grid, touched *[world.NumVoxels]uint8) {
	clear(x)
	const n = world.NumVoxels
	for v, b := range cur {
		if b.Valid() {
			x[int(b)*n+v] = 1
		}
		switch touched[v] {
		case 1:
			x[ChanTouchedHuman*n+v] = 1
		case 2:
			x[ChanTouchedOther*n+v] = 1
		}
	}
}

// worldDims is the production volume.
var worldDims = dims{world.Width, world.Height, world.Depth}
