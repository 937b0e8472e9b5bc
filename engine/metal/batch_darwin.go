//go:build darwin

package metal

import (
	"encoding/binary"
	"fmt"
	"unsafe"
)

// Batch records kernel dispatches into one command buffer with one serial
// compute encoder, and Run commits it and waits once: one command buffer
// per decode step or training micro-step. A serial encoder runs its
// dispatches in order and Metal tracks the (shared, hazard-tracked)
// buffers between them, so each dispatch sees the previous ones' writes
// without explicit barriers.
type Batch struct {
	d        *Device
	cb, enc  uintptr // retained while open
	ops      int
	err      error
	lastPipe uintptr
}

// NewBatch returns an empty batch.
func (d *Device) NewBatch() (*Batch, error) {
	if d.err != nil {
		return nil, d.err
	}
	return &Batch{d: d}, nil
}

// fail keeps the first recording error for Run.
func (b *Batch) fail(err error) {
	if b.err == nil {
		b.err = err
	}
}

// Ops is the number of dispatches recorded since the last Run.
func (b *Batch) Ops() int { return b.ops }

func (b *Batch) begin() {
	if b.enc != 0 || b.err != nil {
		return
	}
	withPool(func() {
		cb := send(b.d.queue, selCommandBuffer)
		if cb == 0 {
			b.err = fmt.Errorf("metal: the command queue gave no command buffer")
			return
		}
		enc := send(cb, selComputeCommandEncoder)
		if enc == 0 {
			b.err = fmt.Errorf("metal: no compute encoder")
			return
		}
		b.cb, b.enc = send(cb, selRetain), send(enc, selRetain)
	})
	b.lastPipe = 0
}

// mtlSize is MTLSize: three NSUIntegers.
type mtlSize struct{ W, H, D uint64 }

// Dispatch records one kernel run over x·y·z threadgroups with bufs bound
// at [[buffer(0..)]] and the push bytes at [[buffer(30)]].
func (b *Batch) Dispatch(name string, bufs []*Buffer, push []byte, x, y, z uint32) {
	if b.err == nil {
		b.err = b.d.err // a failed command buffer ends the device's use
	}
	if b.err != nil {
		return
	}
	p, err := b.d.pipelineFor(name)
	if err != nil {
		b.err = err
		return
	}
	if len(bufs) != p.k.nbuf || len(push) > 4096 {
		b.err = fmt.Errorf("metal: dispatch %s: %d buffers (want %d), %d push bytes", name, len(bufs), p.k.nbuf, len(push))
		return
	}
	for _, buf := range bufs {
		if buf == nil || buf.d != b.d || buf.obj == 0 {
			b.err = fmt.Errorf("metal: dispatch %s: a nil, freed or foreign buffer", name)
			return
		}
	}
	if x == 0 || y == 0 || z == 0 {
		return
	}
	b.begin()
	if b.err != nil {
		return
	}
	if p.obj != b.lastPipe {
		send(b.enc, selSetPipeline, p.obj)
		b.lastPipe = p.obj
	}
	for i, buf := range bufs {
		send(b.enc, selSetBuffer, buf.obj, 0, uintptr(i))
	}
	if len(push) > 0 {
		send(b.enc, selSetBytes, uintptr(unsafe.Pointer(unsafe.SliceData(push))), uintptr(len(push)), pushIndex)
	}
	dispatch(b.enc, mtlSize{uint64(x), uint64(y), uint64(z)}, mtlSize{p.k.threads[0], p.k.threads[1], p.k.threads[2]})
	b.ops++
}

// Copy records copying n bytes (a multiple of 2) from src at srcOff to
// dst at dstOff.
func (b *Batch) Copy(dst *Buffer, dstOff uint64, src *Buffer, srcOff uint64, n uint64) {
	if n == 0 {
		return
	}
	if n%2 != 0 || dstOff%2 != 0 || srcOff%2 != 0 || dstOff+n > dst.size || srcOff+n > src.size {
		b.err = fmt.Errorf("metal: copy of %d bytes at %d→%d out of range or not in 16-bit units", n, srcOff, dstOff)
		return
	}
	e := int(n / 2)
	b.Dispatch("copy16", []*Buffer{src, dst}, ints(e, int(srcOff/2), int(dstOff/2)), groupsOf256(e), 1, 1)
}

// FillRange records setting bytes [off, off+n) of buf to the 16-bit
// pattern v.
func (b *Batch) FillRange(buf *Buffer, off, n uint64, v uint16) {
	if n == 0 {
		return
	}
	if n%2 != 0 || off%2 != 0 || off+n > buf.size {
		b.err = fmt.Errorf("metal: fill of %d bytes at %d out of range or not in 16-bit units", n, off)
		return
	}
	e := int(n / 2)
	b.Dispatch("fill16", []*Buffer{buf}, ints(e, int(off/2), int(v)), groupsOf256(e), 1, 1)
}

// Run commits what is recorded, waits for it and readies the batch for
// reuse. A command buffer that fails (a GPU fault, a timeout, memory) makes
// the device unusable: the error is returned now and by every later call.
func (b *Batch) Run() error {
	defer func() { b.ops, b.err, b.lastPipe = 0, nil, 0 }()
	err := b.err
	if b.enc == 0 {
		return err
	}
	withPool(func() {
		send(b.enc, selEndEncoding)
		if err == nil {
			send(b.cb, selCommit)
			send(b.cb, selWaitUntilCompleted)
			const statusError = 5 // MTLCommandBufferStatusError
			if st := send(b.cb, selStatus); st == statusError {
				err = fmt.Errorf("metal: the GPU failed a step of %d dispatches: %s", b.ops, nsErrorText(send(b.cb, selError)))
				b.d.err = err
			}
		}
		release(b.enc)
		release(b.cb)
	})
	b.cb, b.enc = 0, 0
	return err
}

// Release drops an unrun batch's command buffer.
func (b *Batch) Release() {
	if b.enc != 0 {
		b.err = fmt.Errorf("released")
		_ = b.Run()
	}
}

// ints is a push-constant block of 32-bit ints, for the data-movement
// kernels this package dispatches itself (the model ops build theirs in
// engine/backend/gpu).
func ints(vs ...int) []byte {
	p := make([]byte, 0, 4*len(vs))
	for _, v := range vs {
		p = binary.LittleEndian.AppendUint32(p, uint32(int32(v)))
	}
	return p
}

// groupsOf256 is the number of 256-thread groups covering n items.
func groupsOf256(n int) uint32 { return uint32((n + 255) / 256) }
