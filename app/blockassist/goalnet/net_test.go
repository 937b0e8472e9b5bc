package goalnet

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

func randSlice(rng *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = rng.NormFloat64()
	}
	return s
}

// naiveConv is the textbook definition: every output voxel sums every tap
// with an explicit bounds test, no row tricks.
func naiveConv(in, w, b []float64, cin, cout int, d dims) []float64 {
	n := d.n()
	out := make([]float64, cout*n)
	for o := 0; o < cout; o++ {
		for x := 0; x < d.X; x++ {
			for y := 0; y < d.Y; y++ {
				for z := 0; z < d.Z; z++ {
					s := b[o]
					for i := 0; i < cin; i++ {
						for kx := 0; kx < K; kx++ {
							for ky := 0; ky < K; ky++ {
								for kz := 0; kz < K; kz++ {
									ix, iy, iz := x+kx-1, y+ky-1, z+kz-1
									if ix < 0 || iy < 0 || iz < 0 || ix >= d.X || iy >= d.Y || iz >= d.Z {
										continue
									}
									s += w[(((o*cin+i)*K+kx)*K+ky)*K+kz] * in[i*n+(ix*d.Y+iy)*d.Z+iz]
								}
							}
						}
					}
					out[o*n+(x*d.Y+y)*d.Z+z] = s
				}
			}
		}
	}
	return out
}

// TestConvMatchesNaive checks the forward pass against naiveConv and the
// backward pass against the adjoint identity ⟨dOut, conv(in)⟩ derivatives,
// computed here by the naive definition of each gradient.
func TestConvMatchesNaive(t *testing.T) {
	for _, tc := range []struct {
		name      string
		d         dims
		cin, cout int
	}{
		{"cube", dims{3, 3, 3}, 2, 3},
		{"flat", dims{5, 1, 4}, 1, 2},
		{"line", dims{1, 1, 6}, 3, 1},
		{"world", worldDims, 2, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			n := tc.d.n()
			in := randSlice(rng, tc.cin*n)
			w := randSlice(rng, tc.cout*tc.cin*k3)
			b := randSlice(rng, tc.cout)
			got := make([]float64, tc.cout*n)
			convForward(got, in, w, b, tc.cin, tc.cout, tc.d)
			want := naiveConv(in, w, b, tc.cin, tc.cout, tc.d)
			for i := range want {
				if math.Abs(got[i]-want[i]) > 1e-12 {
					t.Fatalf("forward[%d] = %v, naive %v", i, got[i], want[i])
				}
			}
			// Backward: L = ⟨g, conv(in)⟩ is linear, so dL/din[j] and
			// dL/dw[j] equal L(e_j-perturbed) − L(0-perturbed) exactly.
			g := randSlice(rng, tc.cout*n)
			dIn, dW, dB := make([]float64, len(in)), make([]float64, len(w)), make([]float64, len(b))
			convBackward(dIn, dW, dB, g, in, w, tc.cin, tc.cout, tc.d)
			dot := func(a, c []float64) float64 {
				s := 0.0
				for i := range a {
					s += a[i] * c[i]
				}
				return s
			}
			zeroB := make([]float64, len(b))
			stride := 1
			if n > 100 {
				stride = 37 // the naive adjoint is O(n²): sample the world case
			}
			for j := 0; j < len(in); j += stride {
				e := make([]float64, len(in))
				e[j] = 1
				if want := dot(g, naiveConv(e, w, zeroB, tc.cin, tc.cout, tc.d)); math.Abs(dIn[j]-want) > 1e-9 {
					t.Fatalf("dIn[%d] = %v, naive %v", j, dIn[j], want)
				}
			}
			for j := 0; j < len(w); j += stride {
				e := make([]float64, len(w))
				e[j] = 1
				if want := dot(g, naiveConv(in, e, zeroB, tc.cin, tc.cout, tc.d)); math.Abs(dW[j]-want) > 1e-9 {
					t.Fatalf("dW[%d] = %v, naive %v", j, dW[j], want)
				}
			}
			for o := range b {
				want := 0.0
				for v := 0; v < n; v++ {
					want += g[o*n+v]
				}
				if math.Abs(dB[o]-want) > 1e-9 {
					t.Fatalf("dB[%d] = %v, want %v", o, dB[o], want)
				}
			}
		})
	}
}

// randomExample fills a workspace input with a random world (one-hot) and
// random touched markers, and returns a random target.
func randomExample[T float](rng *rand.Rand, ws *workspace[T]) []world.Block {
	n := ws.d.n()
	clear(ws.x)
	target := make([]world.Block, n)
	for v := 0; v < n; v++ {
		ws.x[rng.IntN(world.NumBlocks)*n+v] = 1
		if r := rng.IntN(4); r == 1 {
			ws.x[ChanTouchedHuman*n+v] = 1
		} else if r == 2 {
			ws.x[ChanTouchedOther*n+v] = 1
		}
		target[v] = world.Block(rng.IntN(world.NumBlocks))
	}
	return target
}

func randomParams(rng *rand.Rand, l layout) []float64 {
	p := randSlice(rng, l.end)
	for i := range p {
		p[i] *= 0.3
	}
	return p
}

// TestGradientFiniteDifference checks the whole net's backward pass (skip,
// three convolutions, two ReLUs, softmax cross-entropy) against float64
// central differences of the loss, for every parameter.
func TestGradientFiniteDifference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	l := newLayout(3, 2)
	d := dims{4, 3, 5}
	ws := newWorkspace[float64](l, d)
	target := randomExample(rng, ws)
	p := randomParams(rng, l)
	lossAt := func(p []float64) float64 {
		forward(l, p, ws)
		loss, _ := lossGrad(ws, target, 1)
		return loss
	}
	lossAt(p)
	grad := make([]float64, l.end)
	backward(l, p, grad, ws)
	const h = 1e-6
	worst := 0.0
	for j := range p {
		old := p[j]
		p[j] = old + h
		lp := lossAt(p)
		p[j] = old - h
		lm := lossAt(p)
		p[j] = old
		num := (lp - lm) / (2 * h)
		err := math.Abs(num-grad[j]) / max(1, math.Abs(num))
		worst = max(worst, err)
		if err > 1e-5 {
			t.Fatalf("param %d: analytic %v, central difference %v", j, grad[j], num)
		}
	}
	t.Logf("%d params, worst relative error %.2g", l.end, worst)
}

// TestFloat32MatchesFloat64 runs the production float32 instantiation on
// the real world size and compares loss and gradient with float64.
func TestFloat32MatchesFloat64(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	l := newLayout(4, 4)
	w64 := newWorkspace[float64](l, worldDims)
	target := randomExample(rng, w64)
	p64 := randomParams(rng, l)
	w32 := newWorkspace[float32](l, worldDims)
	p32 := make([]float32, len(p64))
	for i := range p64 {
		p32[i] = float32(p64[i])
		p64[i] = float64(p32[i])
	}
	for i := range w64.x {
		w32.x[i] = float32(w64.x[i])
	}
	forward(l, p64, w64)
	forward(l, p32, w32)
	scale := 1.0 / world.NumVoxels
	l64, _ := lossGrad(w64, target, scale)
	l32, _ := lossGrad(w32, target, scale)
	if math.Abs(l64-l32) > 1e-4*math.Abs(l64) {
		t.Fatalf("loss float32 %v, float64 %v", l32, l64)
	}
	g64, g32 := make([]float64, l.end), make([]float32, l.end)
	backward(l, p64, g64, w64)
	backward(l, p32, g32, w32)
	var num, den float64
	for i := range g64 {
		num += (float64(g32[i]) - g64[i]) * (float64(g32[i]) - g64[i])
		den += g64[i] * g64[i]
	}
	if rel := math.Sqrt(num / den); rel > 1e-4 {
		t.Fatalf("float32 gradient relative error %.3g", rel)
	}
}

// The untrained net is the status-quo predictor: argmax = current block.
func TestUntrainedIsStatusQuo(t *testing.T) {
	n := New(7)
	ws := newWorkspace[float32](n.lay, worldDims)
	cur := world.NewGround()
	cur[world.V(3, 2, 3).Index()] = world.Planks
	var touched [world.NumVoxels]uint8
	encode(ws.x, &cur, &touched)
	forward(n.lay, n.Params, ws)
	_, correct := lossGrad(ws, cur[:], 1)
	if correct != world.NumVoxels {
		t.Fatalf("untrained net agrees with the current world at %d of %d voxels", correct, world.NumVoxels)
	}
}

func BenchmarkStep(b *testing.B) {
	n := New(1)
	ws := newWorkspace[float32](n.lay, worldDims)
	rng := rand.New(rand.NewPCG(1, 1))
	target := randomExample(rng, ws)
	grad := make([]float32, len(n.Params))
	for b.Loop() {
		forward(n.lay, n.Params, ws)
		lossGrad(ws, target, 1)
		backward(n.lay, n.Params, grad, ws)
	}
}
