package vulkan

import (
	"fmt"

	"github.com/swarmdesk/swarmdesk/engine/backend/gpu"
)

// Batch records kernel dispatches into one command buffer and runs them
// with a single submit and wait (Run): engine/backend/gpu's Batch on
// Vulkan. A decode step or a training micro-step is one Batch; recording
// costs a few purego calls per op and no synchronisation. Between
// dispatches the batch inserts a compute→compute memory barrier, so each
// op sees the previous ops' writes.
//
// A Batch belongs to one goroutine. After Run it can be reused.
type Batch struct {
	d       *Device
	cb      uintptr
	pools   []uintptr // descriptor pools; reset after each Run
	poolIdx int       // the pool sets are allocated from
	poolUse int       // sets allocated from pools[poolIdx]
	open    bool
	ops     int
	err     error // first recording error; Run returns it
	p       pins
}

var _ gpu.Batch = (*Batch)(nil)

const setsPerPool = 512

// NewBatch returns an empty batch.
func (d *Device) NewBatch() (*Batch, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.usable(); err != nil {
		return nil, err
	}
	cb, err := d.allocCmd()
	if err != nil {
		return nil, err
	}
	return &Batch{d: d, cb: cb}, nil
}

// Ops is the number of dispatches and copies recorded since the last Run.
func (b *Batch) Ops() int { return b.ops }

func (b *Batch) begin() {
	if b.open || b.err != nil {
		return
	}
	d := b.d
	d.tab.call(fnResetCommandBuffer, b.cb, 0)
	bi := &commandBufferBeginInfo{sType: stCommandBufferBeginInfo, flags: cmdBufferOneTimeSubmit}
	if r := d.tab.res(fnBeginCommandBuffer, b.cb, ptr(&b.p, bi)); r != vkSuccess {
		b.err = check(r, "vkBeginCommandBuffer", ErrInit)
		return
	}
	b.open = true
}

func (b *Batch) newPool() error {
	var p pins
	defer p.Unpin()
	sizes := []descriptorPoolSize{{typ: descStorageBuffer, count: setsPerPool * 8}}
	ci := &descriptorPoolCreateInfo{sType: stDescriptorPoolCreateInfo, maxSets: setsPerPool, poolSizeCount: 1, pPoolSizes: sptr(&p, sizes)}
	var pool uintptr
	if r := b.d.tab.res(fnCreateDescriptorPool, b.d.handle, ptr(&p, ci), 0, ptr(&p, &pool)); r != vkSuccess {
		return check(r, "vkCreateDescriptorPool", ErrInit)
	}
	b.pools = append(b.pools, pool)
	return nil
}

// descriptorSet allocates a set for k and points its bindings at bufs.
func (b *Batch) descriptorSet(k *pipeline, bufs []gpu.Buffer) (uintptr, error) {
	d := b.d
	if len(b.pools) == 0 {
		if err := b.newPool(); err != nil {
			return 0, err
		}
	}
	if b.poolUse == setsPerPool {
		b.poolIdx, b.poolUse = b.poolIdx+1, 0
		if b.poolIdx == len(b.pools) {
			if err := b.newPool(); err != nil {
				return 0, err
			}
		}
	}
	layouts := [1]uintptr{k.dsl}
	ai := &descriptorSetAllocateInfo{sType: stDescriptorSetAllocateInfo, descriptorPool: b.pools[b.poolIdx],
		descriptorSetCount: 1, pSetLayouts: ptr(&b.p, &layouts)}
	var set uintptr
	if r := d.tab.res(fnAllocateDescriptorSets, d.handle, ptr(&b.p, ai), ptr(&b.p, &set)); r != vkSuccess {
		return 0, check(r, "vkAllocateDescriptorSets", ErrOutOfMemory)
	}
	b.poolUse++
	infos := make([]descriptorBufferInfo, len(bufs))
	writes := make([]writeDescriptorSet, len(bufs))
	for i, buf := range bufs {
		infos[i] = descriptorBufferInfo{buffer: buf.(*Buffer).handle, rng: wholeSize}
	}
	for i := range bufs {
		writes[i] = writeDescriptorSet{sType: stWriteDescriptorSet, dstSet: set, dstBinding: uint32(i), descriptorCount: 1,
			descriptorType: descStorageBuffer, pBufferInfo: ptr(&b.p, &infos[i])}
	}
	d.tab.call(fnUpdateDescriptorSets, d.handle, uintptr(len(writes)), sptr(&b.p, writes), 0, 0)
	return set, nil
}

// Dispatch records one kernel run over groups (x,y,z work groups) with the
// given buffers (this device's *Buffer) bound in order and push-constant
// bytes.
func (b *Batch) Dispatch(name string, bufs []gpu.Buffer, push []byte, x, y, z uint32) {
	b.dispatch(name, [4]uint32{}, bufs, push, x, y, z)
}

// RecordGEMM is the Vulkan side of the shared op layer's GEMM
// (gpu.GEMMRecorder): the place for GEMM kernels only Vulkan has. It
// records the cooperative-matrix GEMM where the device runs it and the
// product fits it; otherwise it returns false and the shared tiled and
// streaming kernels take g.
func (b *Batch) RecordGEMM(g gpu.GEMM) bool {
	return b.coopGemm(g)
}

// dispatch is Dispatch with specialization constants (non-zero entries of
// spec set constant_id 0..3; each distinct spec is its own pipeline), for
// Vulkan-only kernels that specialize at pipeline build.
func (b *Batch) dispatch(name string, spec [4]uint32, bufs []gpu.Buffer, push []byte, x, y, z uint32) {
	if b.err != nil {
		return
	}
	d := b.d
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.usable(); err != nil {
		b.err = err
		return
	}
	k, err := d.pipelineFor(kernelKey{name, spec})
	if err != nil {
		b.err = err
		return
	}
	if len(bufs) != k.nbuf || len(push) > pushSize {
		b.err = &Error{Kind: ErrBadArgument, Op: "dispatch " + name, Detail: fmt.Sprintf("%d buffers (want %d), %d push bytes", len(bufs), k.nbuf, len(push))}
		return
	}
	for _, gb := range bufs {
		buf, _ := gb.(*Buffer)
		if buf == nil || buf.d != d {
			b.err = &Error{Kind: ErrBadArgument, Op: "dispatch " + name, Detail: "nil buffer or buffer of another device"}
			return
		}
		if _, ok := d.buffers[buf]; !ok {
			b.err = &Error{Kind: ErrBadArgument, Op: "dispatch " + name, Detail: "buffer was freed"}
			return
		}
	}
	if x == 0 || y == 0 || z == 0 {
		return // empty work
	}
	b.begin()
	if b.err != nil {
		return
	}
	set, err := b.descriptorSet(k, bufs)
	if err != nil {
		b.err = err
		return
	}
	if b.ops > 0 {
		b.barrier()
	}
	sets := [1]uintptr{set}
	d.tab.call(fnCmdBindPipeline, b.cb, bindPointCompute, k.pipe)
	d.tab.call(fnCmdBindDescriptorSets, b.cb, bindPointCompute, k.layout, 0, 1, ptr(&b.p, &sets), 0, 0)
	if len(push) > 0 {
		pc := make([]byte, len(push))
		copy(pc, push)
		d.tab.call(fnCmdPushConstants, b.cb, k.layout, stageCompute, 0, uintptr(len(pc)), sptr(&b.p, pc))
	}
	d.tab.call(fnCmdDispatch, b.cb, uintptr(x), uintptr(y), uintptr(z))
	b.ops++
}

// barrier makes all earlier shader and transfer writes visible to later
// shader and transfer accesses.
func (b *Batch) barrier() {
	mb := &memoryBarrier{sType: stMemoryBarrier, srcAccessMask: accessShaderWrite | accessTransferWrite,
		dstAccessMask: accessShaderRead | accessShaderWrite | accessTransferRead | accessTransferWrite}
	stages := uintptr(pipeStageCompute | pipeStageTransfer)
	b.d.tab.call(fnCmdPipelineBarrier, b.cb, stages, stages, 0, 1, ptr(&b.p, mb), 0, 0, 0, 0)
}

// record adds one transfer command: with the device locked it validates,
// opens the command buffer, adds the barrier after earlier work and calls
// rec. Errors are kept for Run.
func (b *Batch) record(validate func(d *Device) error, rec func(cb uintptr)) {
	if b.err != nil {
		return
	}
	d := b.d
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := validate(d); err != nil {
		b.err = err
		return
	}
	b.begin()
	if b.err != nil {
		return
	}
	if b.ops > 0 {
		b.barrier()
	}
	rec(b.cb)
	b.ops++
}

// Copy records a copy of n bytes from src at srcOff to dst at dstOff.
func (b *Batch) Copy(gdst gpu.Buffer, dstOff uint64, gsrc gpu.Buffer, srcOff uint64, n uint64) {
	if n == 0 {
		return
	}
	dst, src := vkBuf(gdst), vkBuf(gsrc)
	b.record(func(d *Device) error {
		if err := d.checkRange(dst, dstOff, n, "copy"); err != nil {
			return err
		}
		return d.checkRange(src, srcOff, n, "copy")
	}, func(cb uintptr) {
		region := &bufferCopy{srcOffset: srcOff, dstOffset: dstOff, size: n}
		b.d.tab.call(fnCmdCopyBuffer, cb, src.handle, dst.handle, 1, ptr(&b.p, region))
	})
}

// FillRange records setting the 32-bit words of buf in bytes [off, off+n)
// to v; off and n must be multiples of 4.
func (b *Batch) FillRange(gbuf gpu.Buffer, off, n uint64, v uint32) {
	if n == 0 {
		return
	}
	buf := vkBuf(gbuf)
	b.record(func(d *Device) error {
		if off%4 != 0 || n%4 != 0 {
			return &Error{Kind: ErrBadArgument, Op: "fill", Detail: "offset and size must be multiples of 4 bytes"}
		}
		return d.checkRange(buf, off, n, "fill")
	}, func(cb uintptr) {
		b.d.tab.call(fnCmdFillBuffer, cb, buf.handle, uintptr(off), uintptr(n), uintptr(v))
	})
}

// Fill records setting every 32-bit word of buf to v.
func (b *Batch) Fill(buf *Buffer, v uint32) {
	b.record(func(d *Device) error { return d.checkRange(buf, 0, 0, "fill") }, func(cb uintptr) {
		b.d.tab.call(fnCmdFillBuffer, cb, buf.handle, 0, uintptr(wholeSize), uintptr(v))
	})
}

// Run submits everything recorded, waits for it and readies the batch for
// reuse. It returns the first error met while recording or running; after
// an error nothing recorded ran, unless the device was lost mid-run.
func (b *Batch) Run() error {
	d := b.d
	defer b.reset()
	if b.err != nil {
		if b.open {
			d.tab.call(fnEndCommandBuffer, b.cb)
		}
		return b.err
	}
	if !b.open {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if r := d.tab.res(fnEndCommandBuffer, b.cb); r != vkSuccess {
		return check(r, "vkEndCommandBuffer", ErrInit)
	}
	return d.submitWait(b.cb, fmt.Sprintf("run %d ops", b.ops))
}

func (b *Batch) reset() {
	// Pools are reset, not destroyed: a decode step needs as many sets
	// every time, so the next Run reuses them in order.
	for _, pool := range b.pools {
		b.d.tab.call(fnResetDescriptorPool, b.d.handle, pool, 0)
	}
	b.poolIdx, b.poolUse = 0, 0
	b.p.Unpin()
	b.open, b.ops, b.err = false, 0, nil
}

// Release frees the batch's descriptor pools. The command buffer goes with
// the device.
func (b *Batch) Release() {
	b.reset()
	for _, pool := range b.pools {
		b.d.tab.call(fnDestroyDescriptorPool, b.d.handle, pool, 0)
	}
	b.pools = nil
}

// vkBuf is b as this package's Buffer; nil for nil or another API's
// buffer (checkRange then refuses it).
func vkBuf(b gpu.Buffer) *Buffer {
	x, _ := b.(*Buffer)
	return x
}
