package gpu

import (
	"encoding/binary"
	"fmt"
	"unsafe"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/cpu"
	"github.com/swarmdesk/swarmdesk/engine/safetensors"
	"github.com/swarmdesk/swarmdesk/engine/sample"
)

// This file implements engine/backend's device-neutral interface on a
// Device. Ops are recorded into one Batch between Begin and Flush (one
// submission per decode step or training micro-step); outside a scope each
// op is submitted on its own. Device failures are sticky: the first is
// returned by the next Flush or Download and later work is refused.
//
// Host inputs (token ids, row lists, small uploads inside a step) are
// written into host-writable temporaries and copied inside the batch, so a
// whole step is still one submission.
//
// Views with a non-zero offset are passed to the GEMM and attention
// kernels as element offsets; the simpler kernels take whole buffers, so
// for them an offset view is staged through a pooled temporary with a
// device-side copy (cheap next to the op, and only where the model slices).

// vbuf is a backend.Buffer on the device.
type vbuf struct {
	b  Buffer
	dt backend.DType
	n  int
}

func (x *vbuf) DType() backend.DType { return x.dt }
func (x *vbuf) Len() int             { return x.n }

// Backend is backend.Backend on a Device.
type Backend struct {
	d     Device
	bt    *Recorder
	scope bool
	// direct: Upload is a plain host write (SharedMemory), so an upload
	// with nothing recorded is written in place instead of staged.
	direct bool
	err    error
	dev    *tmpPool // device-local scratch
	host   *tmpPool // mapped host-visible inputs (token ids, row lists, uploads)
}

var _ backend.Backend = (*Backend)(nil)

// New returns the backend on d, which it owns (Close closes d).
func New(d Device) (*Backend, error) {
	bt, err := d.NewBatch()
	if err != nil {
		return nil, err
	}
	host := func(n uint64) (Buffer, error) { return d.AllocHost(n) }
	sm, _ := d.(SharedMemory)
	return &Backend{d: d, bt: NewRecorder(bt), direct: sm != nil && sm.SharedMemory(),
		dev: newTmpPool(d.Alloc), host: newTmpPool(host)}, nil
}

// SharedMemory is an optional Device method: true when Device.Upload is a
// plain host write into memory the kernels read (Metal's shared storage).
// Without it (Vulkan, whose Upload is a staged copy with its own submit and
// wait) small uploads always go through the current batch, so a step stays
// one submission.
type SharedMemory interface {
	SharedMemory() bool
}

func (v *Backend) Device() backend.Device { return v.d.Info() }

func (v *Backend) Close() error {
	v.bt.Release()
	return v.d.Close()
}

func dtOf(dt backend.DType) DType {
	switch dt {
	case backend.BF16:
		return BF16
	case backend.F16:
		return F16
	}
	return F32
}

func (v *Backend) Alloc(dt backend.DType, n int) (backend.Buffer, error) {
	if n < 0 || dt > backend.F16 {
		return nil, fmt.Errorf("gpu backend: allocate %d elements of %v: invalid", n, dt)
	}
	b, err := v.d.Alloc(uint64(n * dt.Size()))
	if err != nil {
		return nil, err
	}
	return &vbuf{b: b, dt: dt, n: n}, nil
}

func (v *Backend) Free(b backend.Buffer) {
	if x, ok := b.(*vbuf); ok {
		v.d.Free(x.b)
	}
}

func (v *Backend) Memory() backend.Memory { return v.d.Memory() }

func buf(x backend.View) *vbuf { return x.Buf.(*vbuf) }

func (v *Backend) fail(err error) {
	if v.err == nil && err != nil {
		v.err = err
	}
}

// done ends an op: outside a Begin/Flush scope the op runs now.
func (v *Backend) done() {
	if !v.scope {
		v.fail(v.run())
	}
}

// run submits what is recorded and recycles the temporaries.
func (v *Backend) run() error {
	err := v.bt.Run()
	v.dev.recycle()
	v.host.recycle()
	return err
}

func (v *Backend) Begin() { v.scope = true }

func (v *Backend) Flush() error {
	v.scope = false
	v.fail(v.run())
	return v.err
}

// tmpPool hands out scratch buffers by power-of-two size class, each
// valid until the next submission completes (recycle), so a step's
// temporaries are allocated once and reused every step.
type tmpPool struct {
	free  map[uint64][]Buffer
	used  []Buffer
	alloc func(uint64) (Buffer, error)
}

func newTmpPool(alloc func(uint64) (Buffer, error)) *tmpPool {
	return &tmpPool{free: map[uint64][]Buffer{}, alloc: alloc}
}

func (p *tmpPool) get(n int) (Buffer, error) {
	size := uint64(256)
	for size < uint64(n) {
		size <<= 1
	}
	if l := p.free[size]; len(l) > 0 {
		b := l[len(l)-1]
		p.free[size] = l[:len(l)-1]
		p.used = append(p.used, b)
		return b, nil
	}
	b, err := p.alloc(size)
	if err != nil {
		return nil, err
	}
	p.used = append(p.used, b)
	return b, nil
}

func (p *tmpPool) recycle() {
	for _, b := range p.used {
		p.free[b.Size()] = append(p.free[b.Size()], b)
	}
	p.used = p.used[:0]
}

// tmp returns a device scratch buffer of at least n bytes. On failure it
// returns nil: the error is sticky and an op given a nil buffer records
// nothing, so the batch is refused rather than run half.
func (v *Backend) tmp(n int) Buffer {
	b, err := v.dev.get(n)
	v.fail(err)
	return b
}

// hostTmp is tmp for mapped host-visible memory.
func (v *Backend) hostTmp(n int) Buffer {
	b, err := v.host.get(n)
	v.fail(err)
	return b
}

// in returns a buffer whose element 0 is x's first element: the buffer
// itself, or a temporary copy when x has an offset.
func (v *Backend) in(x backend.View) Buffer {
	if x.Nil() {
		return nil
	}
	b := buf(x)
	if x.Off == 0 {
		return b.b
	}
	sz := b.dt.Size()
	t := v.tmp(x.N * sz)
	v.bt.Copy(t, 0, b.b, uint64(x.Off*sz), uint64(x.N*sz))
	return t
}

// out is in for a destination: after the op, writeBack copies the
// temporary into place.
type outRef struct {
	x backend.View
	t Buffer
}

func (v *Backend) out(x backend.View, load bool) outRef {
	if x.Off == 0 {
		return outRef{x: x, t: buf(x).b}
	}
	if load {
		return outRef{x: x, t: v.in(x)}
	}
	return outRef{x: x, t: v.tmp(x.N * buf(x).dt.Size())}
}

func (v *Backend) writeBack(o outRef) {
	if o.x.Off == 0 {
		return
	}
	b := buf(o.x)
	sz := b.dt.Size()
	v.bt.Copy(b.b, uint64(o.x.Off*sz), o.t, 0, uint64(o.x.N*sz))
}

// ids uploads small integer metadata (token ids, row lists) for this op.
func (v *Backend) ids(xs []int) Buffer {
	t := v.hostTmp(max(len(xs), 1) * 4)
	if t == nil {
		return nil
	}
	bs := t.(HostBuffer).Bytes()
	for i, x := range xs {
		binary.LittleEndian.PutUint32(bs[4*i:], uint32(x))
	}
	return t
}

// stageMax is the largest upload staged inside a batch.
const stageMax = 4 << 20

// stage records an upload of raw bytes to dst at byte offset off inside
// the current batch (ordered with the ops around it, no extra submission).
func (v *Backend) stage(dst Buffer, off uint64, data []byte) error {
	if len(data) == 0 {
		return v.err
	}
	if v.direct && v.bt.Ops() == 0 || len(data) > stageMax {
		// Shared memory with nothing pending (the device is idle: write
		// in place), or weights at load time (through the device's own
		// upload path rather than a pooled temporary of that size kept
		// forever).
		if err := v.sync(); err != nil {
			return err
		}
		v.fail(v.d.Upload(dst, off, data))
		return v.err
	}
	t := v.hostTmp(len(data))
	if t == nil {
		return v.err
	}
	copy(t.(HostBuffer).Bytes(), data)
	v.bt.Copy(dst, off, t, 0, uint64(len(data)))
	v.done()
	return v.err
}

func (v *Backend) Upload(dst backend.View, src []float32) error {
	if len(src) != dst.N {
		return fmt.Errorf("gpu backend: upload %d values into a %d-element view", len(src), dst.N)
	}
	if v.err != nil {
		return v.err
	}
	b := buf(dst)
	switch b.dt {
	case backend.F32:
		return v.stage(b.b, uint64(dst.Off*4), bytesOf(src))
	default:
		h := make([]uint16, len(src))
		for i, x := range src {
			if b.dt == backend.BF16 {
				h[i] = cpu.F32ToBF16(x)
			} else {
				h[i] = safetensors.F32ToF16(x)
			}
		}
		return v.stage(b.b, uint64(dst.Off*2), bytesOf(h))
	}
}

func (v *Backend) UploadBF16(dst backend.View, src []uint16) error {
	if len(src) != dst.N {
		return fmt.Errorf("gpu backend: upload %d values into a %d-element view", len(src), dst.N)
	}
	b := buf(dst)
	switch b.dt {
	case backend.BF16:
		if v.err != nil {
			return v.err
		}
		return v.stage(b.b, uint64(dst.Off*2), bytesOf(src))
	default:
		f := make([]float32, len(src))
		for i, x := range src {
			f[i] = cpu.BF16ToF32(x)
		}
		return v.Upload(dst, f)
	}
}

// sync submits pending work so a host transfer sees (and is seen by) the
// ops recorded before it.
func (v *Backend) sync() error {
	if v.bt.Ops() > 0 {
		v.fail(v.run())
	}
	return v.err
}

func (v *Backend) Download(dst []float32, src backend.View) error {
	if len(dst) != src.N {
		return fmt.Errorf("gpu backend: download a %d-element view into %d values", src.N, len(dst))
	}
	if err := v.sync(); err != nil {
		return err
	}
	b := buf(src)
	if b.dt == backend.F32 {
		return v.d.Download(b.b, uint64(src.Off*4), bytesOf(dst))
	}
	h := make([]uint16, src.N)
	if err := v.d.Download(b.b, uint64(src.Off*2), bytesOf(h)); err != nil {
		return err
	}
	for i, x := range h {
		if b.dt == backend.BF16 {
			dst[i] = cpu.BF16ToF32(x)
		} else {
			dst[i] = safetensors.F16ToF32(x)
		}
	}
	return nil
}

func (v *Backend) Zero(x backend.View) {
	b := buf(x)
	sz := b.dt.Size()
	off, n := x.Off*sz, x.N*sz
	if off%4 == 0 && n%4 == 0 {
		v.bt.FillRange(b.b, uint64(off), uint64(n), 0)
	} else {
		t := v.tmp(n)
		v.bt.FillRange(t, 0, uint64((n+3)&^3), 0)
		v.bt.Copy(b.b, uint64(off), t, 0, uint64(n))
	}
	v.done()
}

func (v *Backend) Copy(dst, src backend.View) {
	if dst.N != src.N {
		panic(fmt.Sprintf("gpu backend: copy %d elements into %d", src.N, dst.N))
	}
	sd, dd := buf(src).dt, buf(dst).dt
	switch {
	case sd == dd:
		sz := sd.Size()
		v.bt.Copy(buf(dst).b, uint64(dst.Off*sz), buf(src).b, uint64(src.Off*sz), uint64(src.N*sz))
	case sd == backend.F32 || dd == backend.F32:
		s := v.in(src)
		o := v.out(dst, false)
		v.bt.Cast(o.t, s, src.N, dtOf(sd), dtOf(dd))
		v.writeBack(o)
	default: // bf16 <-> f16 through float32
		s := v.in(src)
		t := v.tmp(src.N * 4)
		o := v.out(dst, false)
		v.bt.Cast(t, s, src.N, dtOf(sd), F32)
		v.bt.Cast(o.t, t, src.N, F32, dtOf(dd))
		v.writeBack(o)
	}
	v.done()
}

func (v *Backend) Add(dst, a, b backend.View) {
	x, y := v.in(a), v.in(b)
	o := v.out(dst, false)
	v.bt.Add(o.t, x, y, dst.N)
	v.writeBack(o)
	v.done()
}

func (v *Backend) Scale(x backend.View, s float32) {
	o := v.out(x, true)
	v.bt.Axpby(o.t, o.t, x.N, s, 0)
	v.writeBack(o)
	v.done()
}

func (v *Backend) SumSquares(x backend.View) (float64, error) {
	part := v.tmp(SumSqGroups * 4)
	tot := v.tmp(4)
	v.bt.SumSq(tot, part, v.in(x), x.N)
	if err := v.sync(); err != nil {
		return 0, err
	}
	// The device sums in float32 per group; the groups add up in float64.
	p := make([]float32, SumSqGroups)
	if err := v.d.Download(part, 0, bytesOf(p)); err != nil {
		v.fail(err)
		return 0, err
	}
	g := min(SumSqGroups, max(1, (x.N+255)/256))
	var s float64
	for _, f := range p[:g] {
		s += float64(f)
	}
	return s, nil
}

func (v *Backend) GatherRows(dst, src backend.View, rows []int, cols int) {
	o := v.out(dst, false)
	v.bt.EmbedAt(o.t, 0, buf(src).b, src.Off, F32, v.ids(rows), len(rows), cols)
	v.writeBack(o)
	v.done()
}

func (v *Backend) Gemm(out, a, b, bias backend.View, g backend.Gemm) {
	M, N, K := g.M, g.N, g.K
	gm := GEMM{A: buf(a).b, B: buf(b).b, C: buf(out).b, BType: dtOf(buf(b).dt), M: M, N: N, K: K,
		AOff: a.Off, BOff: b.Off, COff: out.Off, SCM: N, Alpha: 1, Beta: beta(g.Accumulate)}
	if g.TransA { // a stored [K, M]
		gm.SAM, gm.SAK = 1, M
	} else {
		gm.SAM, gm.SAK = K, 1
	}
	if g.TransB { // b stored [N, K]
		gm.SBK, gm.SBN = 1, K
	} else {
		gm.SBK, gm.SBN = N, 1
	}
	if !bias.Nil() {
		gm.Bias = v.in(bias)
	}
	v.bt.Gemm(gm)
	v.done()
}

func (v *Backend) RMSNorm(out, rstd, x, w backend.View, rows, cols int, eps float32) {
	o := v.out(out, false)
	var r outRef
	if rstd.Nil() {
		r = outRef{t: v.tmp(rows * 4)}
	} else {
		r = v.out(rstd, false)
	}
	v.bt.RMSNorm(o.t, r.t, v.in(x), v.in(w), rows, cols, eps)
	v.writeBack(o)
	if !rstd.Nil() {
		v.writeBack(r)
	}
	v.done()
}

func (v *Backend) RMSNormScale(out, x, w, rstd backend.View, rows, cols int) {
	o := v.out(out, false)
	v.bt.RMSNormScale(o.t, v.in(x), v.in(w), v.in(rstd), rows, cols)
	v.writeBack(o)
	v.done()
}

func (v *Backend) RMSNormBackward(dx, dw, dy, x, w, rstd backend.View, rows, cols int) {
	o := v.out(dx, true)
	var wo outRef
	var dwb Buffer
	if !dw.Nil() {
		wo = v.out(dw, true)
		dwb = wo.t
	}
	v.bt.RMSNormBackward(o.t, dwb, v.in(dy), v.in(x), v.in(w), v.in(rstd), rows, cols, true)
	v.writeBack(o)
	if !dw.Nil() {
		v.writeBack(wo)
	}
	v.done()
}

func (v *Backend) RoPETables(cos, sin backend.View, pos []int, headDim int, theta float64) {
	c, s := RoPETables(pos, headDim, theta)
	v.fail(v.Upload(cos, c))
	v.fail(v.Upload(sin, s))
}

func (v *Backend) RoPE(x, cos, sin backend.View, rows, stride, cols, headDim int, inverse bool) {
	v.bt.RoPE(buf(x).b, v.in(cos), v.in(sin), rows, cols/headDim, headDim, stride, x.Off, inverse)
	v.done()
}

func (v *Backend) SwiGLU(act, gu backend.View, rows, F int) {
	v.bt.SwiGLUFused(buf(act).b, buf(gu).b, rows, F, gu.Off, act.Off)
	v.done()
}

func (v *Backend) SwiGLUBackward(dgu, dact, gu backend.View, rows, F int) {
	// dgu must share gu's layout: stage it if its offset differs.
	o := v.out(dgu, false)
	g := v.in(gu)
	d := v.in(dact)
	v.bt.SwiGLUFusedBackward(o.t, d, g, rows, F, 0, 0)
	v.writeBack(o)
	v.done()
}

func (v *Backend) Embed(out, table backend.View, tokens []int, hidden int) {
	v.bt.EmbedAt(buf(out).b, out.Off, buf(table).b, table.Off, dtOf(buf(table).dt), v.ids(tokens), len(tokens), hidden)
	v.done()
}

func (v *Backend) EmbedBackward(dtable, dx backend.View, tokens []int, hidden int) {
	v.bt.EmbedBackward(buf(dtable).b, dtable.Off, buf(dx).b, dx.Off, v.ids(tokens), len(tokens), hidden)
	v.done()
}

func (v *Backend) SumRows(dst, x backend.View, rows, cols int) {
	o := v.out(dst, true)
	v.bt.ColSum(o.t, v.in(x), rows, cols)
	v.writeBack(o)
	v.done()
}

// geom is the fused-qkv attention geometry.
func qkvWidth(a backend.Attn) int { return a.QDim() + 2*a.KVDim() }

func (v *Backend) CausalAttention(att, lse, qkv backend.View, seqs []backend.Span, a backend.Attn) {
	W := qkvWidth(a)
	for _, sp := range seqs {
		if sp.N == 0 {
			continue
		}
		at := v.spanAttn(att, lse, qkv, sp, a, W)
		if HasFlash(a.HeadDim) {
			v.bt.FlashAttention(at, true) // no [heads, T, T] scratch
		} else {
			at.P = v.tmp(a.Heads * sp.N * sp.N * 4)
			v.bt.Attention(at)
		}
	}
	v.done()
}

// spanAttn lays one packed sequence's attention out on the fused buffers.
func (v *Backend) spanAttn(att, lse, qkv backend.View, sp backend.Span, a backend.Attn, W int) Attn {
	x := buf(qkv).b
	base := qkv.Off + sp.Off*W
	return Attn{Q: x, K: x, V: x, Out: buf(att).b, LSE: buf(lse).b,
		T: sp.N, S: sp.N, Hq: a.Heads, Hkv: a.KVHeads, D: a.HeadDim, Scale: a.Scale,
		QOff: base, QStride: W, KOff: base + a.QDim(), VOff: base + a.QDim() + a.KVDim(), KHead: a.HeadDim, KRow: W,
		OOff: att.Off + sp.Off*a.QDim(), OStride: a.QDim(),
		LSEOff: lse.Off + sp.Off*a.Heads, LSET: a.Heads, LSEH: 1}
}

func (v *Backend) CausalAttentionBackward(dqkv, datt, qkv, att, lse backend.View, seqs []backend.Span, a backend.Attn) {
	W := qkvWidth(a)
	for _, sp := range seqs {
		if sp.N == 0 {
			continue
		}
		at := v.spanAttn(datt, v.tmpView(a.Heads*sp.N), qkv, sp, a, W)
		at.P = v.tmp(a.Heads * sp.N * sp.N * 4)
		// Recompute the probabilities (the forward's P is not kept), into
		// a throwaway output.
		fwd := at
		fwd.Out, fwd.OOff = v.tmp(sp.N*a.QDim()*4), 0
		fwd.LSE, fwd.LSEOff = v.tmp(a.Heads*sp.N*4), 0
		v.bt.Attention(fwd)
		base := dqkv.Off + sp.Off*W
		db := buf(dqkv).b
		v.bt.AttentionBackward(at, AttnGrad{DOut: buf(datt).b, DQ: db, DK: db, DV: db, DP: v.tmp(a.Heads * sp.N * sp.N * 4),
			DQOff: base, DQStride: W, DKOff: base + a.QDim(), DVOff: base + a.QDim() + a.KVDim(), DKRow: W})
	}
	v.done()
}

// tmpView is a scratch F32 view of n elements.
func (v *Backend) tmpView(n int) backend.View {
	return backend.View{Buf: &vbuf{b: v.tmp(n * 4), dt: backend.F32, n: n}, N: n}
}

// KVDTypes: KV caches may be float32 or bf16 (backend.KVCacheDTypes), a
// bf16 cache at half the memory of batch rollouts: KVAppend rounds into it,
// CachedAttention widens it as it reads and accumulates in float32.
func (v *Backend) KVDTypes() []backend.DType { return []backend.DType{backend.F32, backend.BF16} }

// kvType is the device type of a KV run's buffers, or false (and the
// sticky error) for a type KVDTypes does not list or k and v of different
// types.
func (v *Backend) kvType(op string, r backend.KVRun) (DType, bool) {
	dt := buf(r.K).dt
	if buf(r.V).dt != dt || dt != backend.F32 && dt != backend.BF16 {
		v.fail(fmt.Errorf("gpu backend: %s: KV cache runs must be f32 or bf16, keys and values alike (k %v, v %v)", op, dt, buf(r.V).dt))
		return 0, false
	}
	return dtOf(dt), true
}

func (v *Backend) KVAppend(run backend.KVRun, qkv backend.View, rows []int, first int, a backend.Attn) {
	if kv, ok := v.kvType("kv append", run); ok {
		v.bt.KVAppend(buf(run.K).b, run.K.Off, buf(run.V).b, run.V.Off, kv, buf(qkv).b, qkv.Off, v.ids(rows), len(rows),
			qkvWidth(a), a.QDim(), a.KVHeads, a.HeadDim, run.Cap, first)
	}
	v.done()
}

func (v *Backend) CachedAttention(att, qkv backend.View, seqs []backend.CachedSeq, pos []int, a backend.Attn) {
	W := qkvWidth(a)
	hd, H, grp := a.HeadDim, a.Heads, a.Heads/a.KVHeads
	x := buf(qkv).b
	for _, sq := range seqs {
		// Blocks of rows that are consecutive in the matrix and in position.
		for lo := 0; lo < len(sq.Rows); {
			hi := lo + 1
			for hi < len(sq.Rows) && sq.Rows[hi] == sq.Rows[hi-1]+1 && pos[sq.Rows[hi]] == pos[sq.Rows[hi-1]]+1 {
				hi++
			}
			r0, n := sq.Rows[lo], hi-lo
			p0 := pos[r0]
			ctx := p0 + n
			runs := backend.VisibleRuns(sq.Runs, ctx)
			kvt := make([]DType, len(runs))
			for i, rn := range runs {
				var ok bool
				if kvt[i], ok = v.kvType("cached attention", rn); !ok {
					v.done()
					return
				}
			}
			if n > 1 && len(runs) == 1 && HasFlash(hd) {
				// Prefill against one cache run: the tiled kernel, no
				// [heads, n, ctx] score matrix.
				rn := runs[0]
				v.bt.FlashAttention(Attn{Q: x, K: buf(rn.K).b, V: buf(rn.V).b, KVType: kvt[0], Out: buf(att).b,
					T: n, S: ctx, Pos0: p0, Hq: H, Hkv: a.KVHeads, D: hd, Scale: a.Scale,
					QOff: qkv.Off + r0*W, QStride: W, KOff: rn.K.Off, VOff: rn.V.Off, KHead: rn.Cap * hd, KRow: hd,
					OOff: att.Off + r0*a.QDim(), OStride: a.QDim()}, false)
				lo = hi
				continue
			}
			P := v.tmp(H * n * ctx * 4)
			lseT := v.tmp(H * n * 4)
			qOff := qkv.Off + r0*W
			c0 := 0
			// Scores and outputs per run: the GEMMs read a bf16 run's keys
			// and values as their B operand (BType), widened to float32.
			for i, rn := range runs {
				v.bt.Gemm(GEMM{A: x, B: buf(rn.K).b, BType: kvt[i], C: P, M: n, N: rn.N, K: hd, Batch: H,
					SAM: W, SAK: 1, SA: hd, AOff: qOff, SBK: 1, SBN: hd, SB: rn.Cap * hd, BDiv: grp, BOff: rn.K.Off,
					SCM: ctx, SC: n * ctx, COff: c0, Alpha: 1})
				c0 += rn.N
			}
			v.bt.Dispatch("softmax_causal", []Buffer{P, lseT},
				push(nil).u(n, ctx, p0).f(a.Scale).u(0, 1, n), uint32(H*n), 1, 1)
			c0 = 0
			for i, rn := range runs {
				v.bt.Gemm(GEMM{A: P, B: buf(rn.V).b, BType: kvt[i], C: buf(att).b, M: n, N: hd, K: rn.N, Batch: H,
					SAM: ctx, SAK: 1, SA: n * ctx, AOff: c0, SBK: hd, SBN: 1, SB: rn.Cap * hd, BDiv: grp, BOff: rn.V.Off,
					SCM: a.QDim(), SC: hd, COff: att.Off + r0*a.QDim(), Alpha: 1, Beta: beta(i > 0)})
				c0 += rn.N
			}
			lo = hi
		}
	}
	v.done()
}

// headChunk is the vocabulary slice of one LM-head block: rows × headChunk
// logits exist at a time.
const headChunk = 4096

func (v *Backend) LMHeadLogProbs(logp, lse, h, w backend.View, targets []int, rows, vocab, hidden int) {
	hb := v.in(h)
	tg := v.ids(targets)
	state := v.tmp(rows * 3 * 4)
	lg := v.tmp(rows * min(vocab, headChunk) * 4)
	for v0 := 0; v0 < vocab; v0 += headChunk {
		vc := min(headChunk, vocab-v0)
		v.bt.Gemm(GEMM{A: hb, B: buf(w).b, BType: dtOf(buf(w).dt), C: lg, M: rows, N: vc, K: hidden,
			SAM: hidden, SAK: 1, SBK: 1, SBN: hidden, BOff: w.Off + v0*hidden, SCM: vc, Alpha: 1})
		v.bt.LogProbChunk(state, lg, tg, rows, vc, v0, v0 == 0)
	}
	lo, so := v.out(logp, false), v.out(lse, false)
	v.bt.LogProbFinish(lo.t, so.t, state, rows)
	v.writeBack(lo)
	v.writeBack(so)
	v.done()
}

func (v *Backend) LMHeadBackward(dh, dw, h, w, lse, dlogp backend.View, targets []int, rows, vocab, hidden int) {
	hb := v.in(h)
	tg := v.ids(targets)
	ls, g := v.in(lse), v.in(dlogp)
	vcMax := min(vocab, headChunk)
	lg, dl := v.tmp(rows*vcMax*4), v.tmp(rows*vcMax*4)
	dho := v.out(dh, false)
	wt := dtOf(buf(w).dt)
	for v0 := 0; v0 < vocab; v0 += headChunk {
		vc := min(headChunk, vocab-v0)
		v.bt.Gemm(GEMM{A: hb, B: buf(w).b, BType: wt, C: lg, M: rows, N: vc, K: hidden,
			SAM: hidden, SAK: 1, SBK: 1, SBN: hidden, BOff: w.Off + v0*hidden, SCM: vc, Alpha: 1})
		v.bt.LogProbGrad(dl, lg, tg, ls, g, rows, vc, v0)
		// dh (+)= dlogits·w_chunk
		v.bt.Gemm(GEMM{A: dl, B: buf(w).b, BType: wt, C: dho.t, M: rows, N: hidden, K: vc,
			SAM: vc, SAK: 1, SBK: hidden, SBN: 1, BOff: w.Off + v0*hidden, SCM: hidden, Alpha: 1, Beta: beta(v0 > 0)})
		if !dw.Nil() { // dw_chunk += dlogitsᵀ·h
			v.bt.Gemm(GEMM{A: dl, B: hb, C: buf(dw).b, M: vc, N: hidden, K: rows,
				SAM: 1, SAK: vc, SBK: hidden, SBN: 1, SCM: hidden, COff: dw.Off + v0*hidden, Alpha: 1, Beta: 1})
		}
	}
	v.writeBack(dho)
	v.done()
}

func (v *Backend) AdamWStep(param, grad, m, vv backend.View, h backend.AdamW) {
	p, mo, vo := v.out(param, true), v.out(m, true), v.out(vv, true)
	v.bt.AdamW(p.t, v.in(grad), mo.t, vo.t, param.N, AdamStep{LR: h.LR, Beta1: h.Beta1, Beta2: h.Beta2, Eps: h.Eps,
		WeightDecay: h.WeightDecay, Step: int(h.Step), AdamW: h.Decoupled})
	v.writeBack(p)
	v.writeBack(mo)
	v.writeBack(vo)
	v.done()
}

// Sample runs the sampling kernel on the device inside the current batch
// and downloads only the tokens and their log-probs, not the [rows, vocab]
// logits; the draws that must match the CPU sampler in another order take
// the host path (the rules: sample.go).
func (v *Backend) Sample(dst []sample.Result, logits backend.View, vocab int, s []*sample.Sampler) error {
	return SampleRows(dst, logits, vocab, s, v.Download, func(args SampleArgs, u []float32) ([]byte, []byte, []byte, error) {
		B := len(u)
		ub, tok, lp, st := v.hostTmp(B*4), v.hostTmp(B*4), v.hostTmp(B*8), v.hostTmp(B*4)
		if v.err != nil {
			return nil, nil, nil, v.sync()
		}
		copy(ub.(HostBuffer).Bytes(), bytesOf(u))
		v.bt.Sample(tok, lp, st, v.in(logits.Slice(0, B*vocab)), ub, B, vocab, args)
		// The results are host-visible: read them right after the run (the
		// recycled temporaries keep their bytes until the next op takes them).
		v.fail(v.run())
		if v.err != nil {
			return nil, nil, nil, v.err
		}
		return tok.(HostBuffer).Bytes(), lp.(HostBuffer).Bytes(), st.(HostBuffer).Bytes(), nil
	})
}

func bytesOf[T float32 | uint16 | uint32 | int32](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(s[0])))
}
