package vulkan

import (
	"fmt"
	"unsafe"
)

// Buffer is a range of device memory usable by every kernel (a storage
// buffer) and as a copy source or target. Sizes are in bytes.
type Buffer struct {
	d      *Device
	handle uintptr
	mem    uintptr
	size   uint64
	alloc  uint64 // bytes of device memory behind it (≥ size)
	mapped unsafe.Pointer
}

// Size is the buffer's length in bytes.
func (b *Buffer) Size() uint64 { return b.size }

// findMemory returns a memory type index allowed by bits that has all of
// want (preferring one that also has prefer), or -1.
func (d *Device) findMemory(bits, want, prefer uint32) int {
	best := -1
	for i := uint32(0); i < d.memProps.memoryTypeCount; i++ {
		f := d.memProps.memoryTypes[i].propertyFlags
		if bits&(1<<i) == 0 || f&want != want {
			continue
		}
		if f&prefer == prefer {
			return int(i)
		}
		if best < 0 {
			best = int(i)
		}
	}
	return best
}

// Alloc returns a device-local buffer of n bytes (rounded up to 4), zeroed.
func (d *Device) Alloc(n uint64) (*Buffer, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	b, err := d.allocLocked(n, memDeviceLocal, 0)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// AllocHost returns a host-visible, coherent, persistently mapped buffer
// of n bytes: the host writes it directly (Bytes) and kernels or copies in
// a batch read it, so small per-step inputs need no transfer of their own.
func (d *Device) AllocHost(n uint64) (*Buffer, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.allocLocked(n, memHostVisible|memHostCoherent, 0)
}

// Bytes is the mapped memory of a host-visible buffer (nil otherwise).
// Writes must not overlap work of a batch that is running.
func (b *Buffer) Bytes() []byte {
	if b.mapped == nil {
		return nil
	}
	return unsafe.Slice((*byte)(b.mapped), b.size)
}

func (d *Device) allocLocked(n uint64, want, prefer uint32) (*Buffer, error) {
	if err := d.usable(); err != nil {
		return nil, err
	}
	if n == 0 {
		n = 4
	}
	n = (n + 3) &^ 3
	var p pins
	defer p.Unpin()
	bci := &bufferCreateInfo{sType: stBufferCreateInfo, size: n, usage: bufStorage | bufTransferSrc | bufTransferDst}
	b := &Buffer{d: d, size: n}
	if r := d.tab.res(fnCreateBuffer, d.handle, ptr(&p, bci), 0, ptr(&p, &b.handle)); r != vkSuccess {
		return nil, check(r, fmt.Sprintf("create a %d-byte buffer", n), ErrOutOfMemory)
	}
	req := &memoryRequirements{}
	d.tab.call(fnGetBufferMemoryRequirements, d.handle, b.handle, ptr(&p, req))
	mt := d.findMemory(req.memoryTypeBits, want, prefer)
	if mt < 0 && want == memDeviceLocal {
		mt = d.findMemory(req.memoryTypeBits, 0, 0)
	}
	if mt < 0 {
		d.tab.call(fnDestroyBuffer, d.handle, b.handle, 0)
		return nil, &Error{Kind: ErrInit, Op: "allocate buffer", Detail: "no suitable memory type"}
	}
	if d.limit > 0 && d.inUse+req.size > d.limit {
		d.tab.call(fnDestroyBuffer, d.handle, b.handle, 0)
		return nil, &Error{Kind: ErrOutOfMemory, Op: fmt.Sprintf("allocate %d KiB of device memory (%d KiB in use)", req.size>>10, d.inUse>>10),
			Detail: fmt.Sprintf("over the memory limit of %d KiB", d.limit>>10)}
	}
	mai := &memoryAllocateInfo{sType: stMemoryAllocateInfo, allocationSize: req.size, memoryTypeIndex: uint32(mt)}
	if r := d.tab.res(fnAllocateMemory, d.handle, ptr(&p, mai), 0, ptr(&p, &b.mem)); r != vkSuccess {
		d.tab.call(fnDestroyBuffer, d.handle, b.handle, 0)
		return nil, check(r, fmt.Sprintf("allocate %d MiB of device memory (%d MiB in use)", req.size>>20, d.inUse>>20), ErrOutOfMemory)
	}
	if r := d.tab.res(fnBindBufferMemory, d.handle, b.handle, b.mem, 0); r != vkSuccess {
		d.tab.call(fnFreeMemory, d.handle, b.mem, 0)
		d.tab.call(fnDestroyBuffer, d.handle, b.handle, 0)
		return nil, check(r, "vkBindBufferMemory", ErrInit)
	}
	if want&memHostVisible != 0 {
		if r := d.tab.res(fnMapMemory, d.handle, b.mem, 0, uintptr(wholeSize), 0, ptr(&p, &b.mapped)); r != vkSuccess {
			d.tab.call(fnFreeMemory, d.handle, b.mem, 0)
			d.tab.call(fnDestroyBuffer, d.handle, b.handle, 0)
			return nil, check(r, "vkMapMemory", ErrOutOfMemory)
		}
	}
	b.alloc = req.size
	d.inUse += req.size
	d.peak = max(d.peak, d.inUse)
	d.buffers[b] = struct{}{}
	if want&memHostVisible == 0 {
		// Device memory is not guaranteed to be zero; kernels that
		// accumulate rely on it.
		if err := d.fillLocked(b, 0); err != nil {
			d.freeLocked(b)
			return nil, err
		}
	}
	return b, nil
}

// Free releases the buffer. The caller must not use it afterwards; freeing
// twice is harmless.
func (b *Buffer) Free() {
	if b == nil || b.d == nil {
		return
	}
	b.d.mu.Lock()
	defer b.d.mu.Unlock()
	b.d.freeLocked(b)
}

func (d *Device) freeLocked(b *Buffer) {
	if _, ok := d.buffers[b]; !ok {
		return
	}
	delete(d.buffers, b)
	if b.mapped != nil {
		d.tab.call(fnUnmapMemory, d.handle, b.mem)
	}
	d.tab.call(fnDestroyBuffer, d.handle, b.handle, 0)
	d.tab.call(fnFreeMemory, d.handle, b.mem, 0)
	d.inUse -= b.alloc
}

// stagingFor returns a mapped host-visible buffer of at least n bytes.
func (d *Device) stagingFor(n uint64) (*Buffer, error) {
	if d.staging != nil && d.staging.size >= n {
		return d.staging, nil
	}
	if d.staging != nil {
		d.freeLocked(d.staging)
		d.staging = nil
	}
	size := max(n, 1<<20)
	s, err := d.allocLocked(size, memHostVisible|memHostCoherent, memHostCached)
	if err != nil {
		return nil, err
	}
	d.staging = s
	return s, nil
}

// transfer records fn into the transfer command buffer, submits and waits.
func (d *Device) transfer(op string, rec func(cb uintptr)) error {
	var p pins
	defer p.Unpin()
	cb := d.xferCmd
	d.tab.call(fnResetCommandBuffer, cb, 0)
	bi := &commandBufferBeginInfo{sType: stCommandBufferBeginInfo, flags: cmdBufferOneTimeSubmit}
	if r := d.tab.res(fnBeginCommandBuffer, cb, ptr(&p, bi)); r != vkSuccess {
		return check(r, op+": vkBeginCommandBuffer", ErrInit)
	}
	rec(cb)
	if r := d.tab.res(fnEndCommandBuffer, cb); r != vkSuccess {
		return check(r, op+": vkEndCommandBuffer", ErrInit)
	}
	return d.submitWait(cb, op)
}

func (d *Device) fillLocked(b *Buffer, v uint32) error {
	return d.transfer("clear buffer", func(cb uintptr) {
		d.tab.call(fnCmdFillBuffer, cb, b.handle, 0, uintptr(wholeSize), uintptr(v))
	})
}

func (d *Device) checkRange(b *Buffer, off, n uint64, op string) error {
	if b == nil || b.d != d {
		return &Error{Kind: ErrBadArgument, Op: op, Detail: "buffer belongs to another device or is nil"}
	}
	if _, ok := d.buffers[b]; !ok {
		return &Error{Kind: ErrBadArgument, Op: op, Detail: "buffer was freed"}
	}
	if off+n > b.size || off+n < off {
		return &Error{Kind: ErrBadArgument, Op: op, Detail: fmt.Sprintf("bytes [%d,%d) outside a %d-byte buffer", off, off+n, b.size)}
	}
	return nil
}

// Upload copies src into b at byte offset off.
func (d *Device) Upload(b *Buffer, off uint64, src []byte) error {
	return d.staged(b, off, src, true)
}

// Download copies len(dst) bytes of b from byte offset off into dst. It
// waits for all work submitted before it.
func (d *Device) Download(b *Buffer, off uint64, dst []byte) error {
	return d.staged(b, off, dst, false)
}

// staged moves len(host) bytes between host and b at byte offset off through
// the staging buffer: toDevice fills the staging buffer from host and copies
// it into b; otherwise b is copied into the staging buffer, made visible to
// the host by a barrier, and read into host.
func (d *Device) staged(b *Buffer, off uint64, host []byte, toDevice bool) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	what := "download"
	if toDevice {
		what = "upload"
	}
	n := uint64(len(host))
	if err := d.usable(); err != nil {
		return err
	}
	if err := d.checkRange(b, off, n, what); err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	s, err := d.stagingFor(n)
	if err != nil {
		return err
	}
	staging := unsafe.Slice((*byte)(s.mapped), n)
	var p pins
	defer p.Unpin()
	if toDevice {
		copy(staging, host)
		region := &bufferCopy{srcOffset: 0, dstOffset: off, size: n}
		return d.transfer(fmt.Sprintf("upload %d bytes", n), func(cb uintptr) {
			d.tab.call(fnCmdCopyBuffer, cb, s.handle, b.handle, 1, ptr(&p, region))
		})
	}
	region := &bufferCopy{srcOffset: off, dstOffset: 0, size: n}
	err = d.transfer(fmt.Sprintf("download %d bytes", n), func(cb uintptr) {
		d.tab.call(fnCmdCopyBuffer, cb, b.handle, s.handle, 1, ptr(&p, region))
		mb := &memoryBarrier{sType: stMemoryBarrier, srcAccessMask: accessTransferWrite, dstAccessMask: accessHostRead}
		d.tab.call(fnCmdPipelineBarrier, cb, pipeStageTransfer, pipeStageHost, 0, 1, ptr(&p, mb), 0, 0, 0, 0)
	})
	if err != nil {
		return err
	}
	copy(host, staging)
	return nil
}

// bytesOf views a slice of fixed-size values as bytes without copying.
func bytesOf[T float32 | uint16 | uint32 | int32](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(s[0])))
}

// UploadF32 / DownloadF32 (and the uint16/uint32 twins) move typed data at
// element offset off.
func UploadF32(d *Device, b *Buffer, off int, src []float32) error {
	return d.Upload(b, uint64(off)*4, bytesOf(src))
}

func DownloadF32(d *Device, b *Buffer, off int, dst []float32) error {
	return d.Download(b, uint64(off)*4, bytesOf(dst))
}

func UploadU32(d *Device, b *Buffer, off int, src []uint32) error {
	return d.Upload(b, uint64(off)*4, bytesOf(src))
}

func DownloadU32(d *Device, b *Buffer, off int, dst []uint32) error {
	return d.Download(b, uint64(off)*4, bytesOf(dst))
}

// UploadU16 copies 16-bit values (bf16/f16 bit patterns); off is in
// elements.
func UploadU16(d *Device, b *Buffer, off int, src []uint16) error {
	return d.Upload(b, uint64(off)*2, bytesOf(src))
}

func DownloadU16(d *Device, b *Buffer, off int, dst []uint16) error {
	return d.Download(b, uint64(off)*2, bytesOf(dst))
}

// AllocF32 allocates a buffer for n float32 values and uploads src when
// given (len(src) must then be n).
func (d *Device) AllocF32(n int, src []float32) (*Buffer, error) {
	b, err := d.Alloc(uint64(n) * 4)
	if err != nil {
		return nil, err
	}
	if src != nil {
		if err := UploadF32(d, b, 0, src); err != nil {
			b.Free()
			return nil, err
		}
	}
	return b, nil
}
