package vulkan

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend/conformance"
	"github.com/swarmdesk/swarmdesk/engine/backend/gpu"

	"github.com/swarmdesk/swarmdesk/engine/cpu"
	"github.com/swarmdesk/swarmdesk/engine/safetensors"
)

// Parity tests: every op on the Vulkan device (lavapipe in CI) against the
// CPU kernels of engine/cpu or a float64 reference written out here.
// Shapes are small (lavapipe runs shaders on the CPU) but cover partial
// tiles, GQA and several heads.

func randv(r *rand.Rand, n int, scale float32) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = (r.Float32()*2 - 1) * scale
	}
	return v
}

func up(t testing.TB, d *Device, v []float32) *Buffer {
	t.Helper()
	b, err := d.AllocF32(max(len(v), 1), v)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Free)
	return b
}

func zeros(t testing.TB, d *Device, n int) *Buffer { return up(t, d, make([]float32, n)) }

func upU32(t testing.TB, d *Device, v []uint32) *Buffer {
	t.Helper()
	b, err := d.Alloc(uint64(max(len(v), 1)) * 4)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Free)
	if err := UploadU32(d, b, 0, v); err != nil {
		t.Fatal(err)
	}
	return b
}

func down(t testing.TB, d *Device, b gpu.Buffer, n int) []float32 {
	t.Helper()
	v := make([]float32, n)
	if err := DownloadF32(d, b.(*Buffer), 0, v); err != nil {
		t.Fatal(err)
	}
	return v
}

func run(t testing.TB, d *Device, rec func(b *gpu.Recorder)) {
	t.Helper()
	b, err := d.NewBatch()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Release()
	r := gpu.NewRecorder(b)
	rec(r)
	if err := r.Run(); err != nil {
		t.Fatal(err)
	}
}

func TestGemmLayouts(t *testing.T) {
	d := device(t)
	r := rand.New(rand.NewPCG(1, 2))
	for _, sh := range []struct{ M, N, K int }{{1, 70, 33}, {5, 64, 64}, {67, 130, 40}, {128, 96, 200}} {
		M, N, K := sh.M, sh.N, sh.K
		x, w, bias := randv(r, M*K, 1), randv(r, N*K, 1), randv(r, N, 1)
		t.Run(fmt.Sprintf("%dx%dx%d", M, N, K), func(t *testing.T) {
			// y = x·wᵀ + b against engine/cpu.MatMulT.
			want := make([]float32, M*N)
			cpu.MatMulT(want, x, w, bias, M, N, K)
			out := zeros(t, d, M*N)
			xb, wb, bb := up(t, d, x), up(t, d, w), up(t, d, bias)
			run(t, d, func(b *gpu.Recorder) { b.MatMulT(out, xb, wb, bb, gpu.F32, M, N, K) })
			conformance.Near(t, "x·wᵀ+b", down(t, d, out, M*N), want, 1e-5)

			// dx = dy·w, accumulated onto an existing dx.
			dy := randv(r, M*N, 1)
			dx0 := randv(r, M*K, 1)
			wantDx := make([]float32, M*K)
			cpu.MatMul(wantDx, dy, w, M, K, N)
			for i := range wantDx {
				wantDx[i] += dx0[i]
			}
			dxb, dyb := up(t, d, dx0), up(t, d, dy)
			run(t, d, func(b *gpu.Recorder) { b.MatMul(dxb, dyb, wb, gpu.F32, M, N, K, true) })
			conformance.Near(t, "dx += dy·w", down(t, d, dxb, M*K), wantDx, 1e-5)

			// dw += dyᵀ·x.
			dw0 := randv(r, N*K, 1)
			wantDw := append([]float32(nil), dw0...)
			cpu.MatMulTNAcc(wantDw, dy, x, M, N, K)
			dwb := up(t, d, dw0)
			run(t, d, func(b *gpu.Recorder) { b.MatMulTNAcc(dwb, dyb, xb, M, N, K) })
			conformance.Near(t, "dw += dyᵀ·x", down(t, d, dwb, N*K), wantDw, 1e-5)
		})
	}
}

// TestGemm16BitWeights: bf16 and f16 weights widened in the kernel give
// x·wᵀ of the rounded weights (fp32 accumulation).
func TestGemm16BitWeights(t *testing.T) {
	d := device(t)
	r := rand.New(rand.NewPCG(3, 4))
	N, K := 75, 50
	w := randv(r, N*K, 1)
	for _, c := range []struct {
		M  int
		dt gpu.DType
	}{{3, gpu.BF16}, {9, gpu.BF16}, {2, gpu.F16}, {9, gpu.F16}} { // M ≤ 8 takes the decode kernel
		M, dt := c.M, c.dt
		x := randv(r, M*K, 1)
		bits := make([]uint16, N*K)
		wr := make([]float32, N*K)
		for i, v := range w {
			if dt == gpu.BF16 {
				bits[i] = cpu.F32ToBF16(v)
				wr[i] = cpu.BF16ToF32(bits[i])
			} else {
				bits[i] = safetensors.F32ToF16(v)
				wr[i] = safetensors.F16ToF32(bits[i])
			}
		}
		want := make([]float32, M*N)
		cpu.MatMulT(want, x, wr, nil, M, N, K)
		wb, err := d.Alloc(uint64(N*K) * 2)
		if err != nil {
			t.Fatal(err)
		}
		if err := UploadU16(d, wb, 0, bits); err != nil {
			t.Fatal(err)
		}
		out, xb := zeros(t, d, M*N), up(t, d, x)
		run(t, d, func(b *gpu.Recorder) { b.MatMulT(out, xb, wb, nil, dt, M, N, K) })
		conformance.Near(t, fmt.Sprint("x·wᵀ dtype ", dt), down(t, d, out, M*N), want, 1e-5)
		wb.Free()
	}
}

func TestRMSNormForwardBackward(t *testing.T) {
	d := device(t)
	r := rand.New(rand.NewPCG(5, 6))
	rows, n := 7, 200
	x, w, dy := randv(r, rows*n, 2), randv(r, n, 1), randv(r, rows*n, 1)
	want := make([]float32, rows*n)
	for i := 0; i < rows; i++ {
		cpu.RMSNorm(want[i*n:(i+1)*n], x[i*n:(i+1)*n], w, 1e-6)
	}
	// float64 reference gradients.
	wantDx, wantDw := make([]float64, rows*n), make([]float64, n)
	for i := 0; i < rows; i++ {
		var ss, dot float64
		for j := 0; j < n; j++ {
			v := float64(x[i*n+j])
			ss += v * v
		}
		rs := 1 / math.Sqrt(ss/float64(n)+1e-6)
		for j := 0; j < n; j++ {
			dot += float64(w[j]) * float64(dy[i*n+j]) * float64(x[i*n+j])
		}
		for j := 0; j < n; j++ {
			xv := float64(x[i*n+j])
			wantDx[i*n+j] = rs*float64(w[j])*float64(dy[i*n+j]) - xv*rs*rs*rs*dot/float64(n)
			wantDw[j] += float64(dy[i*n+j]) * xv * rs
		}
	}
	xb, wb, dyb := up(t, d, x), up(t, d, w), up(t, d, dy)
	out, rstd, dx, dw := zeros(t, d, rows*n), zeros(t, d, rows), zeros(t, d, rows*n), zeros(t, d, n)
	run(t, d, func(b *gpu.Recorder) {
		b.RMSNorm(out, rstd, xb, wb, rows, n, 1e-6)
		b.RMSNormBackward(dx, dw, dyb, xb, wb, rstd, rows, n, false)
	})
	conformance.Near(t, "rmsnorm", down(t, d, out, rows*n), want, 1e-5)
	conformance.Near(t, "rmsnorm dx", down(t, d, dx, rows*n), wantDx, 1e-5)
	conformance.Near(t, "rmsnorm dw", down(t, d, dw, n), wantDw, 1e-5)
}

func TestRoPEForwardInverse(t *testing.T) {
	d := device(t)
	r := rand.New(rand.NewPCG(7, 8))
	rows, heads, D := 5, 3, 16
	stride := heads*D + 8 // rows carry other columns too
	pos := []int{0, 1, 7, 100, 4095}
	x := randv(r, rows*stride, 1)
	cs, sn := gpu.RoPETables(pos, D, 1e6)
	want := make([]float64, len(x))
	for i := range x {
		want[i] = float64(x[i])
	}
	half := D / 2
	for rr := 0; rr < rows; rr++ {
		for h := 0; h < heads; h++ {
			for i := 0; i < half; i++ {
				a := float64(pos[rr]) * math.Pow(1e6, -float64(2*i)/float64(D))
				o := rr*stride + h*D
				x0, x1 := float64(x[o+i]), float64(x[o+i+half])
				want[o+i] = x0*math.Cos(a) - x1*math.Sin(a)
				want[o+i+half] = x1*math.Cos(a) + x0*math.Sin(a)
			}
		}
	}
	xb, cb, sb := up(t, d, x), up(t, d, cs), up(t, d, sn)
	run(t, d, func(b *gpu.Recorder) { b.RoPE(xb, cb, sb, rows, heads, D, stride, 0, false) })
	conformance.Near(t, "rope", down(t, d, xb, len(x)), want, 1e-6)
	run(t, d, func(b *gpu.Recorder) { b.RoPE(xb, cb, sb, rows, heads, D, stride, 0, true) })
	conformance.Near(t, "rope⁻¹·rope", down(t, d, xb, len(x)), x, 1e-6)
}

// attnRef is causal GQA attention in float64: out[t, h·D+j] for query rows
// at positions pos0+t against keys 0..pos0+t; also the probabilities.
func attnRef(q, k, v []float32, T, S, pos0, Hq, Hkv, D int) (out []float64, P [][]float64) {
	grp := Hq / Hkv
	out = make([]float64, T*Hq*D)
	scale := 1 / math.Sqrt(float64(D))
	for h := 0; h < Hq; h++ {
		g := h / grp
		for t := 0; t < T; t++ {
			lim := min(S, pos0+t+1)
			s := make([]float64, S)
			m := math.Inf(-1)
			for j := 0; j < lim; j++ {
				for c := 0; c < D; c++ {
					s[j] += float64(q[t*Hq*D+h*D+c]) * float64(k[j*Hkv*D+g*D+c])
				}
				s[j] *= scale
				m = math.Max(m, s[j])
			}
			var z float64
			for j := 0; j < lim; j++ {
				s[j] = math.Exp(s[j] - m)
				z += s[j]
			}
			for j := 0; j < lim; j++ {
				s[j] /= z
				for c := 0; c < D; c++ {
					out[t*Hq*D+h*D+c] += s[j] * float64(v[j*Hkv*D+g*D+c])
				}
			}
			P = append(P, s)
		}
	}
	return out, P
}

func TestAttentionPrefillDecodeBackward(t *testing.T) {
	d := device(t)
	r := rand.New(rand.NewPCG(9, 10))
	Hq, Hkv, D := 4, 2, 16
	for _, tc := range []struct{ T, S, pos0 int }{{6, 6, 0}, {3, 9, 6}, {1, 5, 4}} {
		T, S, pos0 := tc.T, tc.S, tc.pos0
		t.Run(fmt.Sprintf("T%d_S%d", T, S), func(t *testing.T) {
			q, k, v := randv(r, T*Hq*D, 1), randv(r, S*Hkv*D, 1), randv(r, S*Hkv*D, 1)
			want, P := attnRef(q, k, v, T, S, pos0, Hq, Hkv, D)
			a := gpu.Attn{Q: up(t, d, q), K: up(t, d, k), V: up(t, d, v), Out: zeros(t, d, T*Hq*D),
				P: zeros(t, d, Hq*T*S), LSE: zeros(t, d, Hq*T), T: T, S: S, Pos0: pos0, Hq: Hq, Hkv: Hkv, D: D}
			run(t, d, func(b *gpu.Recorder) { b.Attention(a) })
			conformance.Near(t, "attention", down(t, d, a.Out, T*Hq*D), want, 2e-5)

			// Backward against central finite differences of
			// L = Σ dout·out in float64 (through attnRef).
			dout := randv(r, T*Hq*D, 1)
			loss := func(q, k, v []float32) float64 {
				o, _ := attnRef(q, k, v, T, S, pos0, Hq, Hkv, D)
				var s float64
				for i := range o {
					s += o[i] * float64(dout[i])
				}
				return s
			}
			dq, dk, dv := zeros(t, d, T*Hq*D), zeros(t, d, S*Hkv*D), zeros(t, d, S*Hkv*D)
			dP := zeros(t, d, Hq*T*S)
			run(t, d, func(b *gpu.Recorder) {
				b.AttentionBackward(a, gpu.AttnGrad{DOut: up(t, d, dout), DQ: dq, DK: dk, DV: dv, DP: dP})
			})
			_ = P
			for _, g := range []struct {
				name string
				x    []float32
				got  []float32
			}{{"dq", q, down(t, d, dq, len(q))}, {"dk", k, down(t, d, dk, len(k))}, {"dv", v, down(t, d, dv, len(v))}} {
				num := make([]float64, len(g.x))
				for i := range g.x {
					orig := g.x[i]
					h := float32(1e-2)
					g.x[i] = orig + h
					lp := loss(q, k, v)
					g.x[i] = orig - h
					lm := loss(q, k, v)
					g.x[i] = orig
					num[i] = (lp - lm) / float64(2*h)
				}
				conformance.Near(t, "attention "+g.name, g.got, num, 2e-3)
			}
		})
	}
}

func TestAttentionDecodeBatched(t *testing.T) {
	d := device(t)
	r := rand.New(rand.NewPCG(11, 12))
	B, Hq, Hkv, D, Smax := 3, 4, 1, 32, 10
	lens := []uint32{1, 7, 10}
	q := randv(r, B*Hq*D, 1)
	kc, vc := randv(r, B*Smax*Hkv*D, 1), randv(r, B*Smax*Hkv*D, 1)
	var want []float64
	for b := 0; b < B; b++ {
		n := int(lens[b])
		o, _ := attnRef(q[b*Hq*D:(b+1)*Hq*D], kc[b*Smax*Hkv*D:], vc[b*Smax*Hkv*D:], 1, n, n-1, Hq, Hkv, D)
		want = append(want, o...)
	}
	a := gpu.AttnDecode{Q: up(t, d, q), K: up(t, d, kc), V: up(t, d, vc), Lens: upU32(t, d, lens), Out: zeros(t, d, B*Hq*D),
		Scratch: zeros(t, d, B*Hq*Smax), B: B, Hq: Hq, Hkv: Hkv, D: D, Smax: Smax, SeqStride: Smax * Hkv * D}
	run(t, d, func(b *gpu.Recorder) { b.AttentionDecode(a) })
	conformance.Near(t, "decode attention", down(t, d, a.Out, B*Hq*D), want, 2e-5)
}

func TestSwiGLU(t *testing.T) {
	d := device(t)
	r := rand.New(rand.NewPCG(13, 14))
	n := 1000
	g, u, dout := randv(r, n, 8), randv(r, n, 2), randv(r, n, 1)
	want := make([]float32, n)
	cpu.SiLUMul(want, g, u)
	wdg, wdu := make([]float32, n), make([]float32, n)
	cpu.SiLUMulBackward(wdg, wdu, dout, g, u)
	gb, ub, db := up(t, d, g), up(t, d, u), up(t, d, dout)
	out, dg, du := zeros(t, d, n), zeros(t, d, n), zeros(t, d, n)
	run(t, d, func(b *gpu.Recorder) {
		b.SwiGLU(out, gb, ub, n)
		b.SwiGLUBackward(dg, du, db, gb, ub, n)
	})
	conformance.Near(t, "swiglu", down(t, d, out, n), want, 1e-5)
	conformance.Near(t, "swiglu dgate", down(t, d, dg, n), wdg, 1e-5)
	conformance.Near(t, "swiglu dup", down(t, d, du, n), wdu, 1e-5)
}

func TestElementwiseAndReductions(t *testing.T) {
	d := device(t)
	r := rand.New(rand.NewPCG(15, 16))
	n := 3000
	a, c := randv(r, n, 1), randv(r, n, 1)
	sum, ax := make([]float32, n), make([]float32, n)
	var ss float64
	for i := range a {
		sum[i] = a[i] + c[i]
		ax[i] = 2*a[i] - 0.5*c[i]
		ss += float64(a[i]) * float64(a[i])
	}
	ab, cb, out := up(t, d, a), up(t, d, c), zeros(t, d, n)
	tot, part := zeros(t, d, 1), zeros(t, d, gpu.SumSqGroups)
	run(t, d, func(b *gpu.Recorder) {
		b.Add(out, ab, cb, n)
		b.SumSq(tot, part, ab, n)
		b.Axpby(cb, ab, n, 2, -0.5)
	})
	conformance.Near(t, "add", down(t, d, out, n), sum, 0)
	conformance.Near(t, "axpby", down(t, d, cb, n), ax, 1e-6)
	conformance.Near(t, "sum of squares", down(t, d, tot, 1), []float64{ss}, 1e-5)

	// Embedding gather and bias-gradient column sums.
	V, H := 11, 24
	table := randv(r, V*H, 1)
	ids := []uint32{3, 0, 10, 3}
	wantE := make([]float32, 0, len(ids)*H)
	for _, id := range ids {
		wantE = append(wantE, table[int(id)*H:int(id+1)*H]...)
	}
	eb := zeros(t, d, len(ids)*H)
	cs := zeros(t, d, H)
	run(t, d, func(b *gpu.Recorder) {
		b.Embed(eb, up(t, d, table), upU32(t, d, ids), len(ids), H)
		b.ColSum(cs, eb, len(ids), H)
	})
	conformance.Near(t, "embed", down(t, d, eb, len(ids)*H), wantE, 0)
	wantC := make([]float64, H)
	for i := range wantE {
		wantC[i%H] += float64(wantE[i])
	}
	conformance.Near(t, "colsum", down(t, d, cs, H), wantC, 1e-6)
}

// TestLMHeadLogProbChunked: logits computed chunk by chunk through the gpu.GEMM
// fold into log_softmax(logits)[target]; the gradient chunks equal
// g·(onehot − softmax).
func TestLMHeadLogProbChunked(t *testing.T) {
	d := device(t)
	r := rand.New(rand.NewPCG(17, 18))
	R, H, V, chunk := 5, 32, 300, 128
	h, w := randv(r, R*H, 1), randv(r, V*H, 1)
	targets := []int32{0, 299, 128, 127, 5}
	logits := make([]float32, R*V)
	cpu.MatMulT(logits, h, w, nil, R, V, H)
	wantLp, wantLse := make([]float64, R), make([]float64, R)
	for i := 0; i < R; i++ {
		m := math.Inf(-1)
		for j := 0; j < V; j++ {
			m = math.Max(m, float64(logits[i*V+j]))
		}
		var z float64
		for j := 0; j < V; j++ {
			z += math.Exp(float64(logits[i*V+j]) - m)
		}
		wantLse[i] = m + math.Log(z)
		wantLp[i] = float64(logits[i*V+int(targets[i])]) - wantLse[i]
	}
	hb, wb := up(t, d, h), up(t, d, w)
	tb := upU32(t, d, int32sAsU32(targets))
	state, lp, lse := zeros(t, d, 3*R), zeros(t, d, R), zeros(t, d, R)
	lg := zeros(t, d, R*chunk)
	g := randv(r, R, 1)
	gb := up(t, d, g)
	dl := zeros(t, d, R*chunk)
	var gotGrad []float32
	run(t, d, func(b *gpu.Recorder) {
		for v0 := 0; v0 < V; v0 += chunk {
			vc := min(chunk, V-v0)
			b.Gemm(gpu.GEMM{A: hb, B: wb, C: lg, M: R, N: vc, K: H, SAM: H, SAK: 1, SBK: 1, SBN: H, BOff: v0 * H, SCM: vc, Alpha: 1})
			b.LogProbChunk(state, lg, tb, R, vc, v0, v0 == 0)
		}
		b.LogProbFinish(lp, lse, state, R)
	})
	conformance.Near(t, "logp", down(t, d, lp, R), wantLp, 1e-5)
	conformance.Near(t, "lse", down(t, d, lse, R), wantLse, 1e-5)
	for v0 := 0; v0 < V; v0 += chunk {
		vc := min(chunk, V-v0)
		run(t, d, func(b *gpu.Recorder) {
			b.Gemm(gpu.GEMM{A: hb, B: wb, C: lg, M: R, N: vc, K: H, SAM: H, SAK: 1, SBK: 1, SBN: H, BOff: v0 * H, SCM: vc, Alpha: 1})
			b.LogProbGrad(dl, lg, tb, lse, gb, R, vc, v0)
		})
		part := down(t, d, dl, R*vc)
		for i := 0; i < R; i++ {
			gotGrad = append(gotGrad, part[i*vc:(i+1)*vc]...)
		}
	}
	// gotGrad is chunk-major; compare per chunk/row.
	k := 0
	for v0 := 0; v0 < V; v0 += chunk {
		vc := min(chunk, V-v0)
		for i := 0; i < R; i++ {
			want := make([]float64, vc)
			for j := range want {
				p := math.Exp(float64(logits[i*V+v0+j]) - wantLse[i])
				oh := 0.0
				if v0+j == int(targets[i]) {
					oh = 1
				}
				want[j] = float64(g[i]) * (oh - p)
			}
			conformance.Near(t, "dlogits", gotGrad[k:k+vc], want, 1e-5)
			k += vc
		}
	}
}

func int32sAsU32(v []int32) []uint32 {
	out := make([]uint32, len(v))
	for i, x := range v {
		out[i] = uint32(x)
	}
	return out
}

// adamRef is torch.optim.Adam/AdamW's single-tensor step in the float32
// operation order engine/train's Optimizer uses (engine/train is not
// imported: it pulls in the whole model).
func adamRef(p, g, m, v []float32, s gpu.AdamStep) {
	step := float64(s.Step)
	bc1 := 1 - math.Pow(s.Beta1, step)
	bc2 := float32(math.Sqrt(1 - math.Pow(s.Beta2, step)))
	w1, b2, w2 := float32(1-s.Beta1), float32(s.Beta2), float32(1-s.Beta2)
	stepSize, eps := float32(s.LR/bc1), float32(s.Eps)
	decay, l2 := float32(1-s.LR*s.WeightDecay), float32(s.WeightDecay)
	for i := range p {
		gi, pi := g[i], p[i]
		if s.AdamW {
			pi = pi * decay
		} else {
			gi = gi + l2*pi
		}
		mi := m[i] + w1*(gi-m[i])
		vi := v[i]*b2 + (w2*gi)*gi
		den := float32(math.Sqrt(float64(vi)))/bc2 + eps
		p[i] = pi - stepSize*(mi/den)
		m[i], v[i] = mi, vi
	}
}

// TestAdamW: three device steps equal the torch arithmetic for Adam+L2 and
// AdamW.
func TestAdamW(t *testing.T) {
	d := device(t)
	r := rand.New(rand.NewPCG(19, 20))
	n := 777
	for _, adamw := range []bool{false, true} {
		p := randv(r, n, 1)
		m, v := make([]float32, n), make([]float32, n)
		pb, mb, vb := up(t, d, p), zeros(t, d, n), zeros(t, d, n)
		for step := 1; step <= 3; step++ {
			s := gpu.AdamStep{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.01, Step: step, AdamW: adamw}
			g := randv(r, n, 0.01)
			gb := up(t, d, g)
			adamRef(p, g, m, v, s)
			run(t, d, func(b *gpu.Recorder) { b.AdamW(pb, gb, mb, vb, n, s) })
		}
		what := fmt.Sprint("adamw=", adamw)
		conformance.Near(t, what+" params", down(t, d, pb, n), p, 1e-6)
		conformance.Near(t, what+" m", down(t, d, mb, n), m, 1e-6)
		conformance.Near(t, what+" v", down(t, d, vb, n), v, 1e-6)
	}
}

func TestCasts(t *testing.T) {
	d := device(t)
	r := rand.New(rand.NewPCG(21, 22))
	x := append(randv(r, 301, 100), 0, float32(math.Inf(1)), float32(math.NaN()), 1e-40, -65504, 3.0e38)
	n := len(x)
	src := up(t, d, x)
	for _, dt := range []gpu.DType{gpu.BF16, gpu.F16} {
		packed, err := d.Alloc(uint64(n+1) * 2)
		if err != nil {
			t.Fatal(err)
		}
		back := zeros(t, d, n)
		run(t, d, func(b *gpu.Recorder) {
			b.Cast(packed, src, n, gpu.F32, dt)
			b.Cast(back, packed, n, dt, gpu.F32)
		})
		bits := make([]uint16, n)
		if err := DownloadU16(d, packed, 0, bits); err != nil {
			t.Fatal(err)
		}
		got := down(t, d, back, n)
		for i, v := range x {
			var wantBits uint16
			if dt == gpu.BF16 {
				wantBits = cpu.F32ToBF16(v)
			} else {
				wantBits = safetensors.F32ToF16(v)
			}
			// bf16 rounding is exact integer arithmetic: bit-identical. f16
			// goes through packHalf2x16, whose rounding the spec leaves to
			// the driver: allow one unit in the last place.
			diff := int(bits[i]) - int(wantBits)
			if (dt == gpu.BF16 && diff != 0) || diff > 1 || diff < -1 {
				if !(math.IsNaN(float64(v)) && isNaN16(bits[i], dt)) {
					t.Errorf("%v cast of %v: bits %#04x, want %#04x", dt, v, bits[i], wantBits)
				}
			}
			var wantBack float32
			if dt == gpu.BF16 {
				wantBack = cpu.BF16ToF32(bits[i])
			} else {
				wantBack = safetensors.F16ToF32(bits[i])
			}
			if got[i] != wantBack && !(math.IsNaN(float64(got[i])) && math.IsNaN(float64(wantBack))) {
				t.Errorf("%v widen of %#04x: %v, want %v", dt, bits[i], got[i], wantBack)
			}
		}
		packed.Free()
	}
}

func isNaN16(b uint16, dt gpu.DType) bool {
	if dt == gpu.BF16 {
		return b&0x7f80 == 0x7f80 && b&0x7f != 0
	}
	return b&0x7c00 == 0x7c00 && b&0x3ff != 0
}
