package host

import (
	"fmt"
	"math"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/cpu"
)

func (b *Backend) Zero(v backend.View) {
	if dtype(v) == backend.F32 {
		x := f32(v)
		cpu.ParallelFor(len(x), func(lo, hi int) { clear(x[lo:hi]) })
		return
	}
	clear(bits(v))
}

func (b *Backend) Copy(dst, src backend.View) {
	if dst.N != src.N {
		panic(fmt.Sprintf("cpu backend: copy %d elements into %d", src.N, dst.N))
	}
	sd, dd := dtype(src), dtype(dst)
	switch {
	case sd == backend.F32:
		_ = b.Upload(dst, f32(src))
	case dd == backend.F32:
		_ = b.Download(f32(dst), src)
	case sd == dd:
		copy(bits(dst), bits(src))
	default: // bf16 <-> f16 through float32
		tmp := make([]float32, src.N)
		_ = b.Download(tmp, src)
		_ = b.Upload(dst, tmp)
	}
}

func (b *Backend) Add(dst, x, y backend.View) {
	d, p, q := f32(dst), f32(x), f32(y)
	p, q = p[:len(d)], q[:len(d)]
	for i := range d {
		d[i] = p[i] + q[i]
	}
}

func (b *Backend) Scale(v backend.View, s float32) {
	x := f32(v)
	cpu.ParallelFor(len(x), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			x[i] *= s
		}
	})
}

// normBlock is the fixed block of SumSquares' parallel reduction: partial
// sums are per block, not per thread, so the result does not depend on how
// many threads ran.
const normBlock = 1 << 16

// SumSquares is Σ x² in float64. It is NaN or Inf exactly when some element
// is (float32 squares cannot overflow a float64 sum of fewer than 1e230
// terms), which is how the optimizer detects a bad gradient.
func (b *Backend) SumSquares(v backend.View) (float64, error) {
	g := f32(v)
	blocks := (len(g) + normBlock - 1) / normBlock
	partial := make([]float64, blocks)
	cpu.ParallelFor(blocks, func(lo, hi int) {
		for bl := lo; bl < hi; bl++ {
			var s0, s1, s2, s3 float64
			x := g[bl*normBlock : min((bl+1)*normBlock, len(g))]
			i := 0
			for ; i+4 <= len(x); i += 4 {
				a0, a1, a2, a3 := float64(x[i]), float64(x[i+1]), float64(x[i+2]), float64(x[i+3])
				s0 += a0 * a0
				s1 += a1 * a1
				s2 += a2 * a2
				s3 += a3 * a3
			}
			for ; i < len(x); i++ {
				a := float64(x[i])
				s0 += a * a
			}
			partial[bl] = (s0 + s1) + (s2 + s3)
		}
	})
	var s float64
	for _, p := range partial {
		s += p
	}
	return s, nil
}

func (b *Backend) GatherRows(dst, src backend.View, rows []int, cols int) {
	d, s := f32(dst), f32(src)
	for i, r := range rows {
		copy(d[i*cols:(i+1)*cols], s[r*cols:(r+1)*cols])
	}
}

// Gemm maps the three transformer products onto engine/cpu's kernels
// (MatMulT/MatMulTBF16, MatMulNN, MatMulTNAccNN); other combinations are
// not needed by the model and are refused loudly.
func (b *Backend) Gemm(out, x, w, bias backend.View, g backend.Gemm) {
	o, a := f32(out), f32(x)
	M, N, K := g.M, g.N, g.K
	switch {
	case !g.TransA && g.TransB:
		if g.Accumulate {
			panic("cpu backend: accumulating x·Wᵀ is not supported")
		}
		if dtype(w) != backend.F32 {
			cpu.MatMulTBF16(o, a, bits(w), f32(bias), M, N, K)
			return
		}
		cpu.MatMulT(o, a, f32(w), f32(bias), M, N, K)
	case !g.TransA && !g.TransB && bias.Nil():
		cpu.MatMulNN(o, a, f32(w), M, N, K, g.Accumulate, b.scratch(cpu.MatMulNNScratch(M, N, K, g.Accumulate)))
	case g.TransA && !g.TransB && bias.Nil():
		// out[M,N] (+)= aᵀ·w with a stored [K,M]: MatMulTNAccNN's dW += dYᵀ·X
		// with dY = a [K rows, M cols] and X = w [K rows, N cols].
		if !g.Accumulate {
			clear(o[:M*N])
		}
		cpu.MatMulTNAccNN(o, a, f32(w), K, M, N, b.scratch(cpu.MatMulTNAccNNScratch(K, M, N)))
	default:
		panic(fmt.Sprintf("cpu backend: unsupported gemm %+v", g))
	}
}

// RMSNorm normalises row by row with cpu.RMSNorm's arithmetic (float64
// mean of squares), keeping rstd when asked.
func (b *Backend) RMSNorm(out, rstd, x, w backend.View, rows, C int, eps float32) {
	o, xs, ws, rs := f32(out), f32(x), f32(w), f32(rstd)
	run := func(lo, hi int) {
		for r := lo; r < hi; r++ {
			s := rmsnormRow(o[r*C:(r+1)*C], xs[r*C:(r+1)*C], ws, eps)
			if rs != nil {
				rs[r] = s
			}
		}
	}
	if rows == 1 {
		run(0, 1)
		return
	}
	cpu.ParallelFor(rows, run)
}

// rmsnormRow normalises one row and returns its rstd.
func rmsnormRow(out, x, w []float32, eps float32) float32 {
	var ss float64
	for _, v := range x {
		ss += float64(v) * float64(v)
	}
	s := float32(1 / math.Sqrt(ss/float64(len(x))+float64(eps)))
	scaleRow(out, x, w, s)
	return s
}

// scaleRow writes out = x·s·w (an RMSNorm with a known rstd s).
func scaleRow(out, x, w []float32, s float32) {
	out, w = out[:len(x)], w[:len(x)]
	for i, v := range x {
		out[i] = v * s * w[i]
	}
}

func (b *Backend) RMSNormScale(out, x, w, rstd backend.View, rows, C int) {
	o, xs, ws, rs := f32(out), f32(x), f32(w), f32(rstd)
	cpu.ParallelFor(rows, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			scaleRow(o[r*C:(r+1)*C], xs[r*C:(r+1)*C], ws, rs[r])
		}
	})
}

// RMSNormBackward: see backend.Backend. Columns of dw are split across
// threads with rows summed in order, so results are deterministic.
func (b *Backend) RMSNormBackward(dx, dw, dy, x, w, rstd backend.View, rows, C int) {
	dxs, dys, xs, ws, rs := f32(dx), f32(dy), f32(x), f32(w), f32(rstd)
	cpu.ParallelFor(rows, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			rmsnormRowBackward(dxs[r*C:(r+1)*C], dys[r*C:(r+1)*C], xs[r*C:(r+1)*C], ws, rs[r])
		}
	})
	if dw.Nil() {
		return
	}
	dws := f32(dw)
	cpu.ParallelFor(C, func(lo, hi int) {
		for r := 0; r < rows; r++ {
			normWeightGrad(dws[lo:hi], dys[r*C+lo:r*C+hi], xs[r*C+lo:r*C+hi], rs[r])
		}
	})
}

// rmsnormRowBackward adds one row's input gradient.
func rmsnormRowBackward(dx, dy, x, w []float32, s float32) {
	dx, dy, w = dx[:len(x)], dy[:len(x)], w[:len(x)]
	var dot float64
	for i, v := range x {
		dot += float64(dy[i]) * float64(w[i]) * float64(v)
	}
	c := float32(dot) * s * s * s / float32(len(x))
	for i, v := range x {
		dx[i] += s*dy[i]*w[i] - c*v
	}
}

// normWeightGrad adds dy∘x·s into dw (one row's norm-weight gradient).
func normWeightGrad(dw, dy, x []float32, s float32) {
	dy, x = dy[:len(dw)], x[:len(dw)]
	for i := range dw {
		dw[i] += dy[i] * x[i] * s
	}
}

// RoPETables computes angles in float64 so long positions keep full float32
// accuracy.
func (b *Backend) RoPETables(cos, sin backend.View, pos []int, hd int, theta float64) {
	half := hd / 2
	c, s := f32(cos), f32(sin)
	inv := make([]float64, half)
	for i := range inv {
		inv[i] = math.Pow(theta, -float64(2*i)/float64(hd))
	}
	for r, p := range pos {
		for i := 0; i < half; i++ {
			a := float64(p) * inv[i]
			c[r*half+i] = float32(math.Cos(a))
			s[r*half+i] = float32(math.Sin(a))
		}
	}
}

func (b *Backend) RoPE(x, cos, sin backend.View, rows, stride, cols, hd int, inverse bool) {
	xs, c, s := f32(x), f32(cos), f32(sin)
	half := hd / 2
	run := func(lo, hi int) {
		for r := lo; r < hi; r++ {
			ropeRotate(xs[r*stride:r*stride+cols], c[r*half:(r+1)*half], s[r*half:(r+1)*half], hd, inverse)
		}
	}
	if rows < 4 {
		run(0, rows)
		return
	}
	cpu.ParallelFor(rows, run)
}

// ropeRotate rotates each head of width hd in v by the angles of cos/sin,
// or by their negatives when inverse is set (RoPE is orthogonal, so that is
// its backward pass). Pairs are (x[i], x[i+hd/2]), NeoX/HF rotate_half.
func ropeRotate(v, cos, sin []float32, hd int, inverse bool) {
	half := hd / 2
	for h := 0; h+hd <= len(v); h += hd {
		x := v[h : h+hd]
		for i := 0; i < half; i++ {
			a, b, c, s := x[i], x[i+half], cos[i], sin[i]
			if inverse {
				s = -s
			}
			x[i] = a*c - b*s
			x[i+half] = b*c + a*s
		}
	}
}

func (b *Backend) SwiGLU(act, gu backend.View, rows, F int) {
	a, g := f32(act), f32(gu)
	run := func(lo, hi int) {
		for r := lo; r < hi; r++ {
			cpu.SiLUMul(a[r*F:(r+1)*F], g[r*2*F:r*2*F+F], g[r*2*F+F:(r+1)*2*F])
		}
	}
	if rows == 1 {
		run(0, 1) // SiLUMul itself fans a long row out
		return
	}
	cpu.ParallelFor(rows, run)
}

func (b *Backend) SwiGLUBackward(dgu, dact, gu backend.View, rows, F int) {
	d, da, g := f32(dgu), f32(dact), f32(gu)
	cpu.ParallelFor(rows, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			cpu.SiLUMulBackward(d[r*2*F:r*2*F+F], d[r*2*F+F:(r+1)*2*F], da[r*F:(r+1)*F], g[r*2*F:r*2*F+F], g[r*2*F+F:(r+1)*2*F])
		}
	})
}

func (b *Backend) Embed(out, table backend.View, tokens []int, H int) {
	o := f32(out)
	if dtype(table) == backend.F32 {
		t := f32(table)
		for i, tok := range tokens {
			copy(o[i*H:(i+1)*H], t[tok*H:(tok+1)*H])
		}
		return
	}
	t := bits(table)
	for i, tok := range tokens {
		for j, x := range t[tok*H : (tok+1)*H] {
			o[i*H+j] = cpu.BF16ToF32(x)
		}
	}
}

func (b *Backend) EmbedBackward(dtable, dx backend.View, tokens []int, H int) {
	dt, d := f32(dtable), f32(dx)
	for r, tok := range tokens {
		cpu.Axpy(1, d[r*H:(r+1)*H], dt[tok*H:(tok+1)*H])
	}
}

// SumRows adds column sums, rows in order for determinism.
func (b *Backend) SumRows(dst, x backend.View, M, N int) {
	db, dy := f32(dst), f32(x)
	cpu.ParallelFor(N, func(lo, hi int) {
		for r := 0; r < M; r++ {
			row := dy[r*N : (r+1)*N]
			for c := lo; c < hi; c++ {
				db[c] += row[c]
			}
		}
	})
}

// AdamWStep is torch.optim.Adam/AdamW's single-tensor, non-amsgrad update,
// with torch's float32 rounding at each step, on all cores; every element
// is independent, so results do not depend on the thread count.
func (b *Backend) AdamWStep(param, grad, m, v backend.View, h backend.AdamW) {
	params, gr, ms, vs := f32(param), f32(grad), f32(m), f32(v)
	step := float64(h.Step)
	bc1 := 1 - math.Pow(h.Beta1, step)
	bc2sqrt := math.Sqrt(1 - math.Pow(h.Beta2, step))
	var (
		w1       = float32(1 - h.Beta1) // lerp weight of exp_avg.lerp_(grad, 1-beta1)
		b2       = float32(h.Beta2)
		w2       = float32(1 - h.Beta2)
		stepSize = float32(h.LR / bc1)
		bc2      = float32(bc2sqrt)
		eps      = float32(h.Eps)
		decay    = float32(1 - h.LR*h.WeightDecay) // AdamW: param.mul_(1 - lr*wd)
		l2       = float32(h.WeightDecay)          // Adam: grad + wd*param
		adamw    = h.Decoupled && h.WeightDecay != 0
		adamL2   = !h.Decoupled && h.WeightDecay != 0
	)
	cpu.ParallelFor(len(params), func(lo, hi int) {
		p := params[lo:hi]
		g, m, v := gr[lo:hi][:len(p)], ms[lo:hi][:len(p)], vs[lo:hi][:len(p)]
		for i := range p {
			gi := g[i]
			pi := p[i]
			if adamw {
				pi = float32(pi * decay)
			}
			if adamL2 {
				gi = float32(gi + float32(l2*pi))
			}
			// torch lerp with weight < 0.5: self + weight*(end-self).
			mi := float32(m[i] + float32(w1*float32(gi-m[i])))
			vi := float32(float32(v[i]*b2) + float32(float32(w2*gi)*gi))
			den := float32(float32(float32(math.Sqrt(float64(vi)))/bc2) + eps)
			p[i] = float32(pi - float32(stepSize*float32(mi/den)))
			m[i], v[i] = mi, vi
		}
	})
}
