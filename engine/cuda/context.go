package cuda

import (
	"fmt"
	"runtime"
	"unsafe"
)

// Context is one device's primary context, owned by a goroutine locked to
// its OS thread: a CUDA context is current per thread, and Go moves
// goroutines between threads, so every call that needs the context goes
// through Do. Everything else (recording ops, hashing them) happens on the
// caller's goroutine.
type Context struct {
	d      *driver
	Info   DeviceInfo
	dev    int32
	ctx    uintptr
	stream uintptr
	reqs   chan func()
	quit   chan struct{}
	mods   []uintptr
	fns    map[string]uintptr
	closed bool
}

// OpenContext retains device index's primary context (the one cuBLAS and
// the runtime API share), creates a stream and loads the kernels.
func OpenContext(index int) (*Context, error) {
	res := Probe()
	if res.Err != nil {
		return nil, res.Err
	}
	if index < 0 || index >= len(res.Devices) {
		return nil, &Error{Kind: ErrNoDevice, Op: fmt.Sprintf("open cuda:%d", index), Detail: fmt.Sprintf("%d device(s) present", len(res.Devices))}
	}
	info := res.Devices[index]
	if info.Unusable != "" {
		return nil, &Error{Kind: ErrNoDevice, Op: fmt.Sprintf("open cuda:%d", index), Detail: info.Unusable}
	}
	c := &Context{d: drv, Info: info, reqs: make(chan func()), quit: make(chan struct{}), fns: map[string]uintptr{}}
	ready := make(chan error)
	go c.loop(ready)
	if err := <-ready; err != nil {
		return nil, err
	}
	return c, nil
}

// loop is the owner goroutine: it makes the context current on its thread
// and runs requests until Close.
func (c *Context) loop(ready chan<- error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := c.start(); err != nil {
		c.release()
		ready <- err
		return
	}
	ready <- nil
	for {
		select {
		case f := <-c.reqs:
			f()
		case <-c.quit:
			c.release()
			close(c.reqs)
			return
		}
	}
}

func (c *Context) start() error {
	d := c.d
	if r := d.call(fnDeviceGet, uintptr(unsafe.Pointer(&c.dev)), uintptr(c.Info.Index)); r != resSuccess {
		return d.check(r, "cuDeviceGet", ErrInit)
	}
	if r := d.call(fnDevicePrimaryCtxRetain, uintptr(unsafe.Pointer(&c.ctx)), uintptr(c.dev)); r != resSuccess {
		return d.check(r, "cuDevicePrimaryCtxRetain", ErrInit)
	}
	if r := d.call(fnCtxSetCurrent, c.ctx); r != resSuccess {
		return d.check(r, "cuCtxSetCurrent", ErrInit)
	}
	const streamNonBlocking = 1
	if r := d.call(fnStreamCreate, uintptr(unsafe.Pointer(&c.stream)), streamNonBlocking); r != resSuccess {
		return d.check(r, "cuStreamCreate", ErrInit)
	}
	for _, m := range Modules {
		if m.Arch > c.Info.CC {
			continue
		}
		if err := c.loadModule(m); err != nil {
			return err
		}
	}
	return nil
}

// JIT options of cuModuleLoadDataEx (CUjit_option).
const (
	jitInfoLogBuffer       = 3
	jitInfoLogBufferBytes  = 4
	jitErrorLogBuffer      = 5
	jitErrorLogBufferBytes = 6
)

// loadModule JIT-compiles one module's PTX for this card and resolves its
// kernels. A driver too old for the PTX ISA answers
// CUDA_ERROR_UNSUPPORTED_PTX_VERSION, which becomes ErrOldDriver.
func (c *Context) loadModule(m Module) error {
	ptx, err := m.PTX()
	if err != nil {
		return &Error{Kind: ErrKernel, Op: "read " + m.PTXFile(), Detail: err.Error()}
	}
	img := append(append(make([]byte, 0, len(ptx)+1), ptx...), 0)
	logBuf := make([]byte, 8192)
	opts := []int32{jitErrorLogBuffer, jitErrorLogBufferBytes}
	vals := []uintptr{uintptr(unsafe.Pointer(&logBuf[0])), uintptr(len(logBuf))}
	var mod uintptr
	r := c.d.call(fnModuleLoadDataEx, uintptr(unsafe.Pointer(&mod)), uintptr(unsafe.Pointer(&img[0])),
		uintptr(len(opts)), uintptr(unsafe.Pointer(&opts[0])), uintptr(unsafe.Pointer(&vals[0])))
	runtime.KeepAlive(img)
	runtime.KeepAlive(logBuf)
	if r != resSuccess {
		e := c.d.check(r, "load kernels "+m.Name, ErrKernel).(*Error)
		if log := cName(logBuf); log != "" {
			e.Detail += ": " + log
		}
		return e
	}
	c.mods = append(c.mods, mod)
	for _, k := range m.Kernels {
		var f uintptr
		name := cBytes(k)
		if r := c.d.call(fnModuleGetFunction, uintptr(unsafe.Pointer(&f)), mod, uintptr(unsafe.Pointer(&name[0]))); r != resSuccess {
			return c.d.check(r, "find kernel "+k, ErrKernel)
		}
		c.fns[k] = f
	}
	return nil
}

// release undoes start on the owner thread.
func (c *Context) release() {
	d := c.d
	for _, m := range c.mods {
		d.call(fnModuleUnload, m)
	}
	c.mods = nil
	if c.stream != 0 {
		d.call(fnStreamDestroy, c.stream)
		c.stream = 0
	}
	if c.ctx != 0 {
		d.call(fnDevicePrimaryCtxRelease, uintptr(c.dev))
		c.ctx = 0
	}
}

// Do runs f on the context's thread and returns its error.
func (c *Context) Do(f func() error) error {
	if c.closed {
		return &Error{Kind: ErrClosed}
	}
	done := make(chan error, 1)
	c.reqs <- func() { done <- f() }
	return <-done
}

// Close releases the context; the Context is unusable after.
func (c *Context) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	close(c.quit)
	return nil
}

// Func is a loaded kernel; 0 when the module was not loaded (compute_80
// kernels on older cards).
func (c *Context) Func(name string) uintptr { return c.fns[name] }

// The calls below must run inside Do.

func (c *Context) memAlloc(n int) (uintptr, error) {
	var p uintptr
	r := c.d.call(fnMemAlloc, uintptr(unsafe.Pointer(&p)), uintptr(max(n, 1)))
	return p, c.d.check(r, fmt.Sprintf("cuMemAlloc %d bytes", n), ErrOutOfMemory)
}

func (c *Context) memFree(p uintptr) { c.d.call(fnMemFree, p) }

func (c *Context) memAllocHost(n int) (uintptr, error) {
	var p uintptr
	r := c.d.call(fnMemAllocHost, uintptr(unsafe.Pointer(&p)), uintptr(n))
	return p, c.d.check(r, fmt.Sprintf("cuMemAllocHost %d bytes", n), ErrOutOfMemory)
}

func (c *Context) memFreeHost(p uintptr) { c.d.call(fnMemFreeHost, p) }

func (c *Context) memInfo() (free, total uint64, err error) {
	r := c.d.call(fnMemGetInfo, uintptr(unsafe.Pointer(&free)), uintptr(unsafe.Pointer(&total)))
	return free, total, c.d.check(r, "cuMemGetInfo", ErrInit)
}

func (c *Context) htod(dst uintptr, src unsafe.Pointer, n int) error {
	if n == 0 {
		return nil
	}
	return c.d.check(c.d.call(fnMemcpyHtoD, dst, uintptr(src), uintptr(n)), "cuMemcpyHtoD", ErrInit)
}

func (c *Context) dtoh(dst unsafe.Pointer, src uintptr, n int) error {
	if n == 0 {
		return nil
	}
	return c.d.check(c.d.call(fnMemcpyDtoH, uintptr(dst), src, uintptr(n)), "cuMemcpyDtoH", ErrInit)
}

func (c *Context) sync() error {
	return c.d.check(c.d.call(fnStreamSynchronize, c.stream), "cuStreamSynchronize", ErrInit)
}
