//go:build darwin

package metal

import (
	"errors"
	"fmt"
	"os"
	"unsafe"

	"github.com/ebitengine/purego"
)

// Device is the system's default Metal device with one command queue.
// Like the rest of the backend it belongs to one goroutine.
type Device struct {
	Info    Info
	dev     uintptr // id<MTLDevice>
	queue   uintptr // id<MTLCommandQueue>
	opts    uintptr // MTLCompileOptions, MSL 3.1
	ks      map[string]kernelInfo
	pipes   map[string]*pipeline
	buffers map[*Buffer]struct{}
	err     error // sticky: a failed command buffer
	peak    uint64
}

type pipeline struct {
	obj uintptr // id<MTLComputePipelineState>
	k   kernelInfo
}

// Buffer is a shared-storage MTLBuffer: its contents are the same memory
// the GPU reads, so the host reads and writes it directly.
type Buffer struct {
	d    *Device
	obj  uintptr
	size uint64
	data unsafe.Pointer
}

// Size is the buffer's length in bytes.
func (b *Buffer) Size() uint64 { return b.size }

// Bytes is the buffer's memory. Write it only while no submitted work
// uses the buffer.
func (b *Buffer) Bytes() []byte { return unsafe.Slice((*byte)(b.data), b.size) }

// Describe reports the default Metal device without keeping it open, or
// why Metal cannot be used (doctor, the registry probe).
func Describe() (Info, error) {
	d, err := Open()
	if err != nil {
		return Info{}, err
	}
	defer d.Close()
	return d.Info, nil
}

// Open opens the default Metal device, checks that the OS compiles MSL 3.1
// and returns it.
func Open() (*Device, error) {
	if err := load(); err != nil {
		return nil, err
	}
	d := &Device{pipes: map[string]*pipeline{}, buffers: map[*Buffer]struct{}{}}
	var err error
	withPool(func() { err = d.init() })
	if err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func (d *Device) init() error {
	r, _, _ := purego.SyscallN(rt.fns[fnCreateDevice])
	if r == 0 {
		return errNoDevice
	}
	d.dev = r
	i := &d.Info
	i.Name = nsStringValue(send(d.dev, selName))
	i.Unified = sendBool(d.dev, selHasUnifiedMemory)
	i.WorkingSet = uint64(send(d.dev, selRecommendedMaxWorkingSet))
	i.MaxBuffer = uint64(send(d.dev, selMaxBufferLength))
	i.Metal3 = sendBool(d.dev, selSupportsFamily, familyMetal3)
	i.Family = "unknown"
	for _, f := range gpuFamilies {
		if sendBool(d.dev, selSupportsFamily, f.v) {
			i.Family = f.name
			break
		}
	}
	i.GEMM = "tiled"
	const familyApple7 = 1007 // simdgroup_matrix
	if os.Getenv("SWARMDESK_METAL_GEMM") == "simdgroup" && sendBool(d.dev, selSupportsFamily, familyApple7) {
		i.GEMM = "simdgroup"
	}
	if d.queue = send(d.dev, selNewCommandQueue); d.queue == 0 {
		return errors.New("Metal could not create a command queue")
	}
	d.opts = send(send(rt.classes[clsCompileOptions], selAlloc), selInit)
	send(d.opts, selSetLanguageVersion, mslVersion)
	send(d.opts, selSetFastMathEnabled, 0) // IEEE results, like the Vulkan and CPU kernels
	got := uint64(send(d.opts, selLanguageVersion))
	i.MSL = mslString(got)
	if got < mslVersion {
		return fmt.Errorf("this macOS offers Metal Shading Language %s, the engine needs 3.1 (macOS 14 Sonoma or later)", i.MSL)
	}
	ks, err := kernels()
	if err != nil {
		return err
	}
	d.ks = ks
	// Compile one kernel now, so an OS that accepts the version number
	// but cannot compile MSL 3.1 fails at open, not mid-step.
	_, err = d.pipelineFor("copy16")
	return err
}

// Close releases every buffer, pipeline and the device.
func (d *Device) Close() error {
	for b := range d.buffers {
		release(b.obj)
	}
	d.buffers = nil
	for _, p := range d.pipes {
		release(p.obj)
	}
	d.pipes = nil
	release(d.opts)
	release(d.queue)
	release(d.dev)
	d.opts, d.queue, d.dev = 0, 0, 0
	return nil
}

// MemoryInUse is what Metal has allocated for this device (bytes), and
// the most seen since ResetPeak.
func (d *Device) MemoryInUse() (now, peak uint64) {
	now = uint64(send(d.dev, selCurrentAllocatedSize))
	d.peak = max(d.peak, now)
	return now, d.peak
}

// ResetPeak restarts the peak MemoryInUse reports.
func (d *Device) ResetPeak() { d.peak = 0 }

// Alloc returns a zeroed shared-storage buffer of n bytes, refusing one
// that would take the process past the device's working-set budget: past
// it macOS pages GPU memory and the whole machine slows to a crawl.
func (d *Device) Alloc(n uint64) (*Buffer, error) {
	if d.err != nil {
		return nil, d.err
	}
	n = max(n, 4)
	if n > d.Info.MaxBuffer {
		return nil, fmt.Errorf("metal: a %s buffer is larger than this GPU's largest (%s)", gibs(n), gibs(d.Info.MaxBuffer))
	}
	if used, _ := d.MemoryInUse(); used+n > d.Info.WorkingSet {
		return nil, fmt.Errorf("metal: allocating %s would take GPU memory to %s, past the %s macOS advises for this Mac (recommendedMaxWorkingSetSize); use a smaller model or fewer answers at once, or engine.device = cpu",
			gibs(n), gibs(used+n), gibs(d.Info.WorkingSet))
	}
	const storageShared = 0 // MTLResourceStorageModeShared, default hazard tracking
	obj := send(d.dev, selNewBuffer, uintptr(n), storageShared)
	if obj == 0 {
		return nil, fmt.Errorf("metal: the GPU refused a %s buffer (out of memory)", gibs(n))
	}
	b := &Buffer{d: d, obj: obj, size: n, data: ptrOf(send(obj, selContents))}
	clear(b.Bytes())
	d.buffers[b] = struct{}{}
	d.MemoryInUse()
	return b, nil
}

// Free releases b. Freeing twice is harmless.
func (b *Buffer) Free() {
	if _, ok := b.d.buffers[b]; !ok {
		return
	}
	delete(b.d.buffers, b)
	release(b.obj)
	b.obj, b.data = 0, nil
}

func gibs(n uint64) string {
	if n < 1<<30 {
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
}

// pipelineFor returns the compute pipeline of a kernel, compiling its MSL
// at first use.
func (d *Device) pipelineFor(name string) (*pipeline, error) {
	if p, ok := d.pipes[name]; ok {
		return p, nil
	}
	k, ok := d.ks[name]
	if !ok {
		return nil, fmt.Errorf("metal: unknown kernel %s", name)
	}
	if _, isGEMM := gemmBType[name]; isGEMM && d.Info.GEMM == "simdgroup" {
		sg, err := simdgroupKernel(name)
		if err != nil {
			return nil, err
		}
		k = sg
	}
	if want, ok := kernelBuffers[name]; ok && want != k.nbuf {
		return nil, fmt.Errorf("metal: kernel %s binds %d buffers, the op passes %d", name, k.nbuf, want)
	}
	var p *pipeline
	var err error
	withPool(func() { p, err = d.compile(k) })
	if err != nil {
		return nil, err
	}
	d.pipes[name] = p
	return p, nil
}

func (d *Device) compile(k kernelInfo) (*pipeline, error) {
	src := nsString(k.src)
	defer release(src)
	var nserr uintptr
	lib := send(d.dev, selNewLibraryWithSource, src, d.opts, uintptr(unsafe.Pointer(&nserr)))
	if lib == 0 {
		return nil, fmt.Errorf("metal: the OS rejected kernel %s (MSL %s): %s", k.name, d.Info.MSL, nsErrorText(nserr))
	}
	defer release(lib)
	entry := nsString(k.entry)
	defer release(entry)
	fn := send(lib, selNewFunctionWithName, entry)
	if fn == 0 {
		return nil, fmt.Errorf("metal: kernel %s has no function %s", k.name, k.entry)
	}
	defer release(fn)
	nserr = 0
	ps := send(d.dev, selNewPipeline, fn, uintptr(unsafe.Pointer(&nserr)))
	if ps == 0 {
		return nil, fmt.Errorf("metal: pipeline for kernel %s: %s", k.name, nsErrorText(nserr))
	}
	if max := uint64(send(ps, selMaxThreadsPerGroup)); k.threads[0]*k.threads[1]*k.threads[2] > max {
		release(ps)
		return nil, fmt.Errorf("metal: kernel %s needs %v threads per group, this GPU runs %d", k.name, k.threads, max)
	}
	return &pipeline{obj: ps, k: k}, nil
}

// Upload copies src into b at byte offset off. The caller makes sure no
// submitted work uses b (the backend runs pending work first).
func (d *Device) Upload(b *Buffer, off uint64, src []byte) error {
	if err := d.checkRange(b, off, uint64(len(src)), "upload"); err != nil {
		return err
	}
	copy(b.Bytes()[off:], src)
	return nil
}

// Download copies len(dst) bytes of b from byte offset off.
func (d *Device) Download(b *Buffer, off uint64, dst []byte) error {
	if err := d.checkRange(b, off, uint64(len(dst)), "download"); err != nil {
		return err
	}
	copy(dst, b.Bytes()[off:])
	return nil
}

func (d *Device) checkRange(b *Buffer, off, n uint64, op string) error {
	if d.err != nil {
		return d.err
	}
	if b == nil || b.d != d || b.obj == 0 {
		return fmt.Errorf("metal: %s: a nil, freed or foreign buffer", op)
	}
	if off+n > b.size || off+n < off {
		return fmt.Errorf("metal: %s of %d bytes at %d past a %d-byte buffer", op, n, off, b.size)
	}
	return nil
}

// bytesOf views a slice of numbers as its bytes.
func bytesOf[T float32 | uint16 | uint32](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(s[0])))
}
