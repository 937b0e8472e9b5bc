package cuda

import (
	"errors"
	"fmt"
	"os"
	"unsafe"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/gpu"
	"github.com/swarmdesk/swarmdesk/engine/backend/host"
	"github.com/swarmdesk/swarmdesk/engine/cpu"
	"github.com/swarmdesk/swarmdesk/engine/safetensors"
	"github.com/swarmdesk/swarmdesk/engine/sample"
)

// This file implements engine/backend's device-neutral interface on a CUDA
// device. Ops are recorded (queue.go) between Begin and Flush and run as
// one step; outside a scope each op runs on its own. Device failures are
// sticky: the first is returned by the next Flush or Download and later
// work is refused, like a CUDA context after a fault.
//
// Views are plain device addresses (buffer + offset), so unlike Vulkan no
// op needs a staging copy for a sliced view. Small host inputs (token ids,
// row lists, attention metadata, RoPE tables) are written into pinned host
// memory that kernels read directly (unified addressing) or that an async
// copy inside the step reads, so a recorded step is self-contained and its
// CUDA graph can be replayed with new inputs.

func init() {
	backend.Register("cuda", ProbeDevices, func(d backend.Device) (backend.Backend, error) {
		return NewBackend(d.Index)
	})
}

// ProbeDevices is the registry probe: the usable CUDA devices, numbered as
// the driver numbers them (the N of cuda:N), or a sentence saying why there
// are none.
func ProbeDevices() ([]backend.Device, error) {
	res := Probe()
	if res.Err != nil {
		return nil, errors.New(Explain(res.Err))
	}
	var out []backend.Device
	var why []string
	for _, d := range res.Devices {
		if d.Unusable != "" {
			why = append(why, d.Name+": "+d.Unusable)
			continue
		}
		out = append(out, toBackendDevice(d, res.Version))
	}
	if len(out) == 0 && len(why) > 0 {
		return nil, fmt.Errorf("no usable CUDA device: %s", why[0])
	}
	return out, nil
}

// Explain is the sentence doctor and the registry show for a CUDA error:
// the user's words first, the driver's after.
func Explain(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Explain()
	}
	return err.Error()
}

func toBackendDevice(d DeviceInfo, ver int) backend.Device {
	kind := backend.KindDiscrete
	if d.Integrated {
		kind = backend.KindIntegrated
	}
	return backend.Device{Backend: "cuda", Index: d.Index, Name: d.Name, Kind: kind,
		Driver: fmt.Sprintf("%s driver, compute %d.%d, %d SMs", VersionString(ver), d.CC/10, d.CC%10, d.SMs), Memory: d.Memory}
}

// cbuf is a backend.Buffer in device memory.
type cbuf struct {
	p  uintptr
	dt backend.DType
	n  int
}

func (x *cbuf) DType() backend.DType { return x.dt }
func (x *cbuf) Len() int             { return x.n }

// Backend is backend.Backend on one CUDA device.
type Backend struct {
	c       *Context
	q       queue
	host    arena // pinned, device-readable
	dev     arena // device scratch
	scope   bool
	err     error
	inUse   int64
	peak    int64     // most bytes in use (buffers and step scratch) since ResetPeak
	mma     bool      // bf16 tensor-core GEMM (compute 8.0+)
	frees   []uintptr // freed while ops were pending
	ver     int
	blasLib string
}

var _ backend.Backend = (*Backend)(nil)

// NewBackend opens CUDA device index. SWARMDESK_CUDA_GRAPHS=0 turns graph
// capture off and SWARMDESK_CUDA_MMA=0 the tensor-core GEMM (for A/B
// measurements and parity runs).
func NewBackend(index int) (*Backend, error) {
	c, err := OpenContext(index)
	if err != nil {
		return nil, err
	}
	b := &Backend{c: c, mma: c.Func("gemm_mma_bf16") != 0 && os.Getenv("SWARMDESK_CUDA_MMA") != "0"}
	b.q = queue{c: c, graphs: os.Getenv("SWARMDESK_CUDA_GRAPHS") != "0"}
	b.host = arena{alloc: func(n int) (p uintptr, err error) {
		err = c.Do(func() error { p, err = c.memAllocHost(n); return err })
		return p, err
	}, free: c.memFreeHost}
	b.dev = arena{alloc: func(n int) (p uintptr, err error) {
		err = c.Do(func() error { p, err = c.memAlloc(n); return err })
		if err == nil {
			b.track(int64(n))
		}
		return p, err
	}, free: c.memFree}
	if res := Probe(); res.Err == nil {
		b.ver = res.Version
	}
	return b, nil
}

func (b *Backend) track(n int64) {
	b.inUse += n
	b.peak = max(b.peak, b.inUse)
}

// PeakMemory is the most device memory the backend held (buffers and step
// scratch) since ResetPeak.
func (b *Backend) PeakMemory() int64 { return b.peak }

// ResetPeak restarts PeakMemory from what is in use now.
func (b *Backend) ResetPeak() { b.peak = b.inUse }

// SetTensorCores turns the bf16 mma.sync GEMM on or off (when the card has
// it); off, every GEMM takes the fp32 kernel.
func (b *Backend) SetTensorCores(on bool) { b.mma = on && b.c.Func("gemm_mma_bf16") != 0 }

// SetGraphs turns CUDA-graph capture and replay of steps on or off.
func (b *Backend) SetGraphs(on bool) { b.q.graphs = on }

// GraphStats reports how many steps were captured and how many replayed.
func (b *Backend) GraphStats() (captures, replays int) { return b.q.Captures, b.q.Replays }

func (b *Backend) Device() backend.Device { return toBackendDevice(b.c.Info, b.ver) }

func (b *Backend) Close() error {
	if b.c.closed {
		return nil
	}
	_ = b.flush()
	b.c.Do(func() error {
		b.q.release()
		b.host.release()
		b.dev.release()
		return nil
	})
	return b.c.Close()
}

func (b *Backend) fail(err error) {
	if b.err == nil && err != nil {
		b.err = err
	}
}

func (b *Backend) Alloc(dt backend.DType, n int) (backend.Buffer, error) {
	if n < 0 || dt > backend.F16 {
		return nil, fmt.Errorf("cuda backend: allocate %d elements of %v: invalid", n, dt)
	}
	if b.err != nil {
		return nil, b.err
	}
	size := n * dt.Size()
	var p uintptr
	err := b.c.Do(func() error {
		var err error
		if p, err = b.c.memAlloc(size); err != nil {
			return err
		}
		if r := b.c.d.call(fnMemsetD8Async, p, 0, uintptr(max(size, 1)), b.c.stream); r != resSuccess {
			return b.c.d.check(r, "zero new buffer", ErrInit)
		}
		return b.c.sync()
	})
	if err != nil {
		return nil, fmt.Errorf("cuda backend: allocate %d MiB: %w", size>>20, err)
	}
	b.track(int64(size))
	return &cbuf{p: p, dt: dt, n: n}, nil
}

func (b *Backend) Free(x backend.Buffer) {
	cb, ok := x.(*cbuf)
	if !ok || cb.p == 0 {
		return
	}
	b.inUse -= int64(cb.n * cb.dt.Size())
	p := cb.p
	cb.p = 0
	if len(b.q.ops) > 0 {
		b.frees = append(b.frees, p) // pending ops may still read it
		return
	}
	b.c.Do(func() error { b.c.memFree(p); return nil })
}

func (b *Backend) Memory() backend.Memory {
	var free, total uint64
	b.c.Do(func() error { var err error; free, total, err = b.c.memInfo(); return err })
	return backend.Memory{InUse: b.inUse, Available: int64(free), Total: int64(total)}
}

// ptr is the device address of a view's first element.
func ptr(v backend.View) uintptr {
	if v.Nil() {
		return 0
	}
	x := v.Buf.(*cbuf)
	return x.p + uintptr(v.Off*x.dt.Size())
}

func dtOf(v backend.View) backend.DType { return v.Buf.(*cbuf).dt }

// flush runs what is recorded, recycles the step's temporaries and frees
// what was freed meanwhile.
func (b *Backend) flush() error {
	if b.err != nil {
		b.q.ops = b.q.ops[:0]
	} else {
		b.fail(b.q.flush())
	}
	b.host.reset()
	b.dev.reset()
	if len(b.frees) > 0 {
		fs := b.frees
		b.frees = nil
		b.c.Do(func() error {
			for _, p := range fs {
				b.c.memFree(p)
			}
			return nil
		})
	}
	return b.err
}

// done ends an op: outside a Begin/Flush scope the op runs now.
func (b *Backend) done() {
	if !b.scope {
		b.flush()
	}
}

func (b *Backend) Begin() { b.scope = true }

func (b *Backend) Flush() error {
	b.scope = false
	return b.flush()
}

// pinned returns n bytes of pinned host memory for this step: the Go
// slice to fill and the address kernels and copies use.
func (b *Backend) pinned(n int) ([]byte, uintptr) {
	p, err := b.host.get(n)
	if err != nil {
		b.fail(err)
		return nil, 0
	}
	return unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(nil), p)), n), p
}

// ints puts small integer metadata where kernels read it.
func (b *Backend) ints(xs []int) uintptr {
	buf, p := b.pinned(max(len(xs), 1) * 4)
	if buf == nil {
		return 0
	}
	u := unsafe.Slice((*int32)(unsafe.Pointer(&buf[0])), len(xs))
	for i, x := range xs {
		u[i] = int32(x)
	}
	return p
}

// tmp is device scratch valid until the step ends.
func (b *Backend) tmp(n int) uintptr {
	p, err := b.dev.get(n)
	b.fail(err)
	return p
}

// launch records kernel name over grid×block threads.
func (b *Backend) launch(name string, grid [3]uint32, block uint32, a *kargs) {
	f := b.c.Func(name)
	if f == 0 {
		b.fail(&Error{Kind: ErrKernel, Op: "kernel " + name, Detail: "not loaded on this device"})
		return
	}
	for i := range grid {
		grid[i] = max(grid[i], 1)
	}
	b.q.launch(f, grid, [3]uint32{block, 1, 1}, a)
}

func blocks(n, per int) uint32 { return uint32(min((n+per-1)/per, 1<<20)) }

func g1(n uint32) [3]uint32 { return [3]uint32{n, 1, 1} }

func args() *kargs { return &kargs{} }

// stageMax is the largest upload recorded into a step (bigger ones, the
// weights at load time, are copied synchronously).
const stageMax = 1 << 20

func (b *Backend) upload(dst uintptr, data unsafe.Pointer, n int) error {
	if b.err != nil || n == 0 {
		return b.err
	}
	if n > stageMax {
		if err := b.flush(); err != nil {
			return err
		}
		b.fail(b.c.Do(func() error { return b.c.htod(dst, data, n) }))
		return b.err
	}
	buf, p := b.pinned(n)
	if buf == nil {
		return b.err
	}
	copy(buf, unsafe.Slice((*byte)(data), n))
	b.q.htod(dst, p, n)
	b.done()
	return b.err
}

func (b *Backend) Upload(dst backend.View, src []float32) error {
	if len(src) != dst.N {
		return fmt.Errorf("cuda backend: upload %d values into a %d-element view", len(src), dst.N)
	}
	if len(src) == 0 {
		return b.err
	}
	switch dtOf(dst) {
	case backend.F32:
		return b.upload(ptr(dst), unsafe.Pointer(&src[0]), len(src)*4)
	default:
		h := make([]uint16, len(src))
		for i, x := range src {
			if dtOf(dst) == backend.BF16 {
				h[i] = cpu.F32ToBF16(x)
			} else {
				h[i] = safetensors.F32ToF16(x)
			}
		}
		return b.upload(ptr(dst), unsafe.Pointer(&h[0]), len(h)*2)
	}
}

func (b *Backend) UploadBF16(dst backend.View, src []uint16) error {
	if len(src) != dst.N {
		return fmt.Errorf("cuda backend: upload %d values into a %d-element view", len(src), dst.N)
	}
	if len(src) == 0 {
		return b.err
	}
	if dtOf(dst) == backend.BF16 {
		return b.upload(ptr(dst), unsafe.Pointer(&src[0]), len(src)*2)
	}
	f := make([]float32, len(src))
	for i, x := range src {
		f[i] = cpu.BF16ToF32(x)
	}
	return b.Upload(dst, f)
}

func (b *Backend) Download(dst []float32, src backend.View) error {
	if len(dst) != src.N {
		return fmt.Errorf("cuda backend: download a %d-element view into %d values", src.N, len(dst))
	}
	if err := b.flush(); err != nil || len(dst) == 0 {
		return err
	}
	dt := dtOf(src)
	if dt == backend.F32 {
		b.fail(b.c.Do(func() error { return b.c.dtoh(unsafe.Pointer(&dst[0]), ptr(src), len(dst)*4) }))
		return b.err
	}
	h := make([]uint16, src.N)
	b.fail(b.c.Do(func() error { return b.c.dtoh(unsafe.Pointer(&h[0]), ptr(src), len(h)*2) }))
	for i, x := range h {
		if dt == backend.BF16 {
			dst[i] = cpu.BF16ToF32(x)
		} else {
			dst[i] = safetensors.F16ToF32(x)
		}
	}
	return b.err
}

// bad records an impossible request as the sticky error.
func (b *Backend) bad(op, why string) {
	b.fail(&Error{Kind: ErrBadArgument, Op: op, Detail: why})
}

func (b *Backend) needF32(op string, vs ...backend.View) bool {
	for _, v := range vs {
		if !v.Nil() && dtOf(v) != backend.F32 {
			b.bad(op, "needs float32 buffers")
			return false
		}
	}
	return true
}

func (b *Backend) Zero(v backend.View) {
	b.q.memset(ptr(v), v.N*dtOf(v).Size())
	b.done()
}

func (b *Backend) Copy(dst, src backend.View) {
	if dst.N != src.N {
		panic(fmt.Sprintf("cuda backend: copy %d elements into %d", src.N, dst.N))
	}
	if dtOf(dst) == dtOf(src) {
		b.q.dtod(ptr(dst), ptr(src), src.N*dtOf(src).Size())
	} else {
		b.launch("cast", g1(blocks(src.N, 256)), 256, args().p(ptr(dst)).i(int(dtOf(dst))).p(ptr(src)).i(int(dtOf(src)), src.N))
	}
	b.done()
}

func (b *Backend) Add(dst, x, y backend.View) {
	if b.needF32("add", dst, x, y) {
		b.launch("add_f32", g1(blocks(dst.N, 256)), 256, args().p(ptr(dst), ptr(x), ptr(y)).i(dst.N))
	}
	b.done()
}

func (b *Backend) Scale(v backend.View, s float32) {
	if b.needF32("scale", v) {
		b.launch("scale_f32", g1(blocks(v.N, 256)), 256, args().p(ptr(v)).f(s).i(v.N))
	}
	b.done()
}

// sumsqBlocks is how many float64 partial sums SumSquares adds on the host.
const sumsqBlocks = 512

func (b *Backend) SumSquares(v backend.View) (float64, error) {
	if !b.needF32("sum of squares", v) {
		return 0, b.flush()
	}
	nb := int(min(blocks(v.N, 256), sumsqBlocks))
	part := b.tmp(nb * 8)
	b.launch("sumsq_partial", g1(uint32(nb)), 256, args().p(part).l(v.N))
	sums := make([]float64, nb)
	if err := b.flushKeep(func() error { return b.c.dtoh(unsafe.Pointer(&sums[0]), part, nb*8) }); err != nil {
		return 0, err
	}
	var s float64
	for _, x := range sums {
		s += x
	}
	return s, nil
}

// flushKeep runs the recorded ops, then read on the context thread before
// the step's temporaries are recycled.
func (b *Backend) flushKeep(read func() error) error {
	if b.err == nil {
		b.fail(b.q.flush())
	}
	if b.err == nil {
		b.fail(b.c.Do(read))
	}
	return b.flush()
}

func (b *Backend) GatherRows(dst, src backend.View, rows []int, cols int) {
	n := len(rows) * cols
	b.launch("gather_rows", g1(blocks(n, 256)), 256,
		args().p(ptr(dst)).i(int(dtOf(dst))).p(ptr(src)).i(int(dtOf(src))).p(b.ints(rows)).i(len(rows), cols))
	b.done()
}

func (b *Backend) Embed(out, table backend.View, tokens []int, hidden int) {
	b.GatherRows(out, table, tokens, hidden)
}

// gemm records out = op(a)·op(bm) (+bias) (+out) on raw addresses; bt is
// bm's element type. It picks the streaming GEMV for decode-sized x·Wᵀ,
// the bf16 tensor-core kernel for larger x·Wᵀ with bf16 weights on compute
// 8.0+, and the fp32 tiled kernel otherwise.
func (b *Backend) gemm(out, a, bm, bias uintptr, bt backend.DType, g backend.Gemm) {
	M, N, K := g.M, g.N, g.K
	acc := 0
	if g.Accumulate {
		acc = 1
	}
	suffix := map[backend.DType]string{backend.F32: "_f32", backend.BF16: "_bf16", backend.F16: "_f16"}[bt]
	switch {
	case g.TransB && !g.TransA && M <= 8:
		b.launch("gemv"+suffix, g1(blocks(N, 8)), 256, args().p(out, a, bm, bias).i(M, N, K, acc))
	case g.TransB && !g.TransA && bt == backend.BF16 && b.mma && M >= 16:
		b.launch("gemm_mma_bf16", [3]uint32{blocks(N, 64), blocks(M, 64), 1}, 128,
			args().p(out, a, bm, bias).i(M, N, K).l(K, K).i(acc))
	default:
		sam, sak := K, 1
		if g.TransA { // a stored [K, M]
			sam, sak = 1, M
		}
		sbk, sbn := N, 1
		if g.TransB { // b stored [N, K]
			sbk, sbn = 1, K
		}
		b.launch("gemm"+suffix, [3]uint32{blocks(N, 64), blocks(M, 64), 1}, 256,
			args().p(out, a, bm, bias).i(M, N, K).l(sam, sak, sbk, sbn).i(acc))
	}
}

func (b *Backend) Gemm(out, a, bm, bias backend.View, g backend.Gemm) {
	if b.needF32("gemm", out, a, bias) {
		b.gemm(ptr(out), ptr(a), ptr(bm), ptr(bias), dtOf(bm), g)
	}
	b.done()
}

func (b *Backend) RMSNorm(out, rstd, x, w backend.View, rows, cols int, eps float32) {
	if b.needF32("rmsnorm", out, rstd, x, w) {
		b.launch("rmsnorm", g1(uint32(rows)), 256, args().p(ptr(out), ptr(rstd), ptr(x), ptr(w)).i(cols).f(eps))
	}
	b.done()
}

func (b *Backend) RMSNormScale(out, x, w, rstd backend.View, rows, cols int) {
	if b.needF32("rmsnorm", out, rstd, x, w) {
		b.launch("rmsnorm_scale", g1(blocks(rows*cols, 256)), 256, args().p(ptr(out), ptr(x), ptr(w), ptr(rstd)).i(rows, cols))
	}
	b.done()
}

func (b *Backend) RMSNormBackward(dx, dw, dy, x, w, rstd backend.View, rows, cols int) {
	if b.needF32("rmsnorm backward", dx, dw, dy, x, w, rstd) {
		b.launch("rmsnorm_bwd", g1(uint32(rows)), 256, args().p(ptr(dx), ptr(dy), ptr(x), ptr(w), ptr(rstd)).i(cols))
		if !dw.Nil() {
			b.launch("rmsnorm_bwd_dw", g1(blocks(cols, 256)), 256, args().p(ptr(dw), ptr(dy), ptr(x), ptr(rstd)).i(rows, cols))
		}
	}
	b.done()
}

// RoPETables computes the tables on the host exactly as the CPU backend
// does (float64 angles) and uploads them inside the step.
func (b *Backend) RoPETables(cos, sin backend.View, pos []int, headDim int, theta float64) {
	c, s := make([]float32, cos.N), make([]float32, sin.N)
	host.New().RoPETables(host.Wrap(c), host.Wrap(s), pos, headDim, theta)
	b.fail(b.Upload(cos, c))
	b.fail(b.Upload(sin, s))
}

func (b *Backend) RoPE(x, cos, sin backend.View, rows, stride, cols, headDim int, inverse bool) {
	sign := float32(1)
	if inverse {
		sign = -1
	}
	n := rows * (cols / headDim) * (headDim / 2)
	b.launch("rope", g1(blocks(n, 256)), 256, args().p(ptr(x), ptr(cos), ptr(sin)).i(rows, stride, cols, headDim).f(sign))
	b.done()
}

func (b *Backend) SwiGLU(act, gu backend.View, rows, F int) {
	b.launch("swiglu", g1(blocks(rows*F, 256)), 256, args().p(ptr(act), ptr(gu)).i(rows, F))
	b.done()
}

func (b *Backend) SwiGLUBackward(dgu, dact, gu backend.View, rows, F int) {
	b.launch("swiglu_bwd", g1(blocks(rows*F, 256)), 256, args().p(ptr(dgu), ptr(dact), ptr(gu)).i(rows, F))
	b.done()
}

func (b *Backend) SumRows(dst, x backend.View, rows, cols int) {
	b.launch("sum_rows", g1(blocks(cols, 256)), 256, args().p(ptr(dst), ptr(x)).i(rows, cols))
	b.done()
}

func (b *Backend) EmbedBackward(dtable, dx backend.View, tokens []int, hidden int) {
	b.launch("embed_bwd", g1(blocks(hidden, 256)), 256, args().p(ptr(dtable), ptr(dx), b.ints(tokens)).i(len(tokens), hidden))
	b.done()
}

func (b *Backend) AdamWStep(param, grad, m, v backend.View, h backend.AdamW) {
	k := h.Kernel()
	b.launch("adamw", g1(blocks(param.N, 256)), 256, args().p(ptr(param), ptr(grad), ptr(m), ptr(v)).l(param.N).i(k.Mode).
		f(k.OneMinusBeta1, k.Beta2, k.OneMinusBeta2, k.StepSize, k.SqrtBC2, k.Eps, k.Decay, k.WeightDecay))
	b.done()
}

// Sample draws on the device (kernels/sample.cu) inside the current step,
// so a decode step downloads token ids and log-probs, not [rows, vocab]
// logits; engine/backend/gpu's SampleRows holds the rules (which draws the
// kernel takes, the rows' uniforms from their seeded samplers, the host
// path for the others) for every GPU backend.
func (b *Backend) Sample(dst []sample.Result, logits backend.View, vocab int, s []*sample.Sampler) error {
	return gpu.SampleRows(dst, logits, vocab, s, b.Download, b.sampleKernel(logits, vocab))
}

// sampleKernel runs sample_rows over rows of logits (one per uniform) as
// part of the current step, then runs the step and downloads the 16 bytes
// per row of outputs.
func (b *Backend) sampleKernel(logits backend.View, vocab int) gpu.SampleKernel {
	return func(a gpu.SampleArgs, u []float32) ([]byte, []byte, []byte, error) {
		if !b.needF32("sample", logits) {
			return nil, nil, nil, b.flush()
		}
		B := len(u)
		ubuf, up := b.pinned(B * 4)
		if ubuf == nil {
			return nil, nil, nil, b.flush()
		}
		copy(ubuf, unsafe.Slice((*byte)(unsafe.Pointer(&u[0])), B*4))
		out := b.tmp(B * 16) // tokens [B] u32 | logprobs [2B] f32 | status [B] u32
		b.launch("sample_rows", g1(uint32(B)), sampleThreads, sampleArgs(out, ptr(logits), up, B, vocab, a))
		res := make([]byte, B*16)
		if err := b.flushKeep(func() error { return b.c.dtoh(unsafe.Pointer(&res[0]), out, len(res)) }); err != nil {
			return nil, nil, nil, err
		}
		return res[:4*B], res[4*B : 12*B], res[12*B:], nil
	}
}

// sampleThreads is sample.cu's block size (SAMPLE_THREADS).
const sampleThreads = 256

// sampleArgs packs sample_rows' parameters (tok, lp, status, logits, u, V,
// topK, temp, topP) for B rows whose outputs lie at out: tokens [B] u32,
// then logprobs [2B] f32, then status [B] u32.
func sampleArgs(out, logits, u uintptr, B, vocab int, a gpu.SampleArgs) *kargs {
	return args().p(out, out+uintptr(4*B), out+uintptr(12*B), logits, u).i(vocab, a.TopK).f(a.Temperature, a.TopP)
}
