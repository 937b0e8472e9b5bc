package vulkan

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sort"
	"sync"
)

var (
	loaderOnce sync.Once
	loaderProc uintptr // vkGetInstanceProcAddr
	loaderErr  error
	globalTab  table
)

// loader opens the Vulkan library once per process.
func loader() (uintptr, *table, error) {
	loaderOnce.Do(func() {
		loaderProc, loaderErr = openLoader()
		if loaderErr != nil {
			return
		}
		if missing := globalTab.resolve(loaderProc, 0, levelGlobal); len(missing) > 0 && globalTab[fnCreateInstance] == 0 {
			loaderErr = &Error{Kind: ErrNoLoader, Detail: fmt.Sprintf("the loader does not export %v", missing)}
		}
	})
	return loaderProc, &globalTab, loaderErr
}

// DeviceType is the kind of physical device.
type DeviceType int

const (
	TypeOther DeviceType = iota
	TypeIntegrated
	TypeDiscrete
	TypeVirtual
	TypeCPU
)

func (t DeviceType) String() string {
	switch t {
	case TypeIntegrated:
		return "integrated GPU"
	case TypeDiscrete:
		return "discrete GPU"
	case TypeVirtual:
		return "virtual GPU"
	case TypeCPU:
		return "CPU (software)"
	}
	return "other"
}

// Heap is one memory heap of a device.
type Heap struct {
	Size        uint64
	DeviceLocal bool
}

// DeviceInfo describes one physical device, as Probe and doctor show it.
type DeviceInfo struct {
	Index         int // position in the driver's enumeration (vulkan:N)
	Name          string
	Type          DeviceType
	APIVersion    string // "1.3.230"
	DriverVersion uint32 // vendor-encoded
	VendorID      uint32
	DeviceID      uint32
	Heaps         []Heap
	// DeviceLocalBytes is the largest device-local heap: what a model can
	// use at most.
	DeviceLocalBytes uint64
	HasCompute       bool
	MaxSharedMemory  uint32
	MaxInvocations   uint32
	MaxStorageRange  uint32
	MaxPushConstants uint32
	Extensions       []string
	// Coop says whether GEMMs with 16-bit weights can run on cooperative
	// matrices here, or why not (coopmat.go).
	Coop CoopSupport
}

func versionString(v uint32) string {
	return fmt.Sprintf("%d.%d.%d", v>>22&0x7f, v>>12&0x3ff, v&0xfff)
}

// instance is a VkInstance with its resolved instance-level table.
type instance struct {
	handle uintptr
	tab    table
	getPA  uintptr
}

func newInstance() (*instance, error) {
	getPA, gt, err := loader()
	if err != nil {
		return nil, err
	}
	var p pins
	defer p.Unpin()
	api := uint32(1<<22 | 1<<12) // Vulkan 1.1: all we need, widest driver support
	app := &applicationInfo{sType: stApplicationInfo, pApplicationName: sptr(&p, cstr("swarmdesk")),
		pEngineName: sptr(&p, cstr("swarmdesk-engine")), apiVersion: api}
	ci := &instanceCreateInfo{sType: stInstanceCreateInfo, pApplicationInfo: ptr(&p, app)}
	// MoltenVK (macOS) only lists its devices when portability enumeration
	// is asked for; elsewhere the extension is absent and not requested.
	if hasInstanceExtension(gt, portabilityEnumerationExtName) {
		ci.flags = instanceEnumeratePortability
		ci.enabledExtensionCount = 1
		ci.ppEnabledExtensionNames = strs(&p, []string{portabilityEnumerationExtName})
	}
	var h uintptr
	if r := gt.res(fnCreateInstance, ptr(&p, ci), 0, ptr(&p, &h)); r != vkSuccess {
		if r == vkErrIncompatibleDriver {
			return nil, &Error{Kind: ErrNoDevice, Op: "vkCreateInstance", Result: Result(r), Detail: "no driver supports Vulkan 1.1"}
		}
		return nil, check(r, "vkCreateInstance", ErrInit)
	}
	in := &instance{handle: h, getPA: getPA}
	in.tab = *gt
	if missing := in.tab.resolve(getPA, h, levelInstance); len(missing) > 0 {
		in.tab.call(fnDestroyInstance, h, 0)
		return nil, &Error{Kind: ErrInit, Op: "resolve instance functions", Detail: fmt.Sprint(missing)}
	}
	return in, nil
}

func hasInstanceExtension(t *table, name string) bool {
	if t[fnEnumerateInstanceExtensionProperties] == 0 {
		return false
	}
	var p pins
	defer p.Unpin()
	var n uint32
	if t.res(fnEnumerateInstanceExtensionProperties, 0, ptr(&p, &n), 0) != vkSuccess || n == 0 {
		return false
	}
	props := make([]extensionProperties, n)
	t.res(fnEnumerateInstanceExtensionProperties, 0, ptr(&p, &n), sptr(&p, props))
	for _, e := range props[:n] {
		if cname(e.name[:]) == name {
			return true
		}
	}
	return false
}

func cname(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

func (in *instance) destroy() {
	in.tab.call(fnDestroyInstance, in.handle, 0)
}

// physicalDevices lists the instance's devices with their descriptions.
func (in *instance) physicalDevices() ([]uintptr, []DeviceInfo, error) {
	var p pins
	defer p.Unpin()
	var n uint32
	if r := in.tab.res(fnEnumeratePhysicalDevices, in.handle, ptr(&p, &n), 0); r < 0 {
		return nil, nil, check(r, "vkEnumeratePhysicalDevices", ErrInit)
	}
	if n == 0 {
		return nil, nil, nil
	}
	hs := make([]uintptr, n)
	if r := in.tab.res(fnEnumeratePhysicalDevices, in.handle, ptr(&p, &n), sptr(&p, hs)); r < 0 {
		return nil, nil, check(r, "vkEnumeratePhysicalDevices", ErrInit)
	}
	hs = hs[:n]
	infos := make([]DeviceInfo, n)
	for i, h := range hs {
		infos[i] = in.describe(h, i)
	}
	return hs, infos, nil
}

func (in *instance) describe(pd uintptr, idx int) DeviceInfo {
	var p pins
	defer p.Unpin()
	raw := make([]byte, 1024) // the struct is 824 bytes; room to spare
	in.tab.call(fnGetPhysicalDeviceProperties, pd, sptr(&p, raw))
	u32 := func(off int) uint32 { return binary.NativeEndian.Uint32(raw[off:]) }
	info := DeviceInfo{
		Index:            idx,
		APIVersion:       versionString(u32(propsAPIVersion)),
		DriverVersion:    u32(propsDriverVersion),
		VendorID:         u32(propsVendorID),
		DeviceID:         u32(propsDeviceID),
		Type:             DeviceType(u32(propsDeviceType)),
		Name:             cname(raw[propsDeviceName : propsDeviceName+256]),
		MaxStorageRange:  u32(limMaxStorageBufRange),
		MaxPushConstants: u32(limMaxPushConstants),
		MaxSharedMemory:  u32(limMaxSharedMemory),
		MaxInvocations:   u32(limMaxWorkGroupInvocat),
	}
	mp := &memoryProperties{}
	in.tab.call(fnGetPhysicalDeviceMemoryProperties, pd, ptr(&p, mp))
	for _, h := range mp.memoryHeaps[:mp.memoryHeapCount] {
		local := h.flags&heapDeviceLocal != 0
		info.Heaps = append(info.Heaps, Heap{Size: h.size, DeviceLocal: local})
		if local && h.size > info.DeviceLocalBytes {
			info.DeviceLocalBytes = h.size
		}
	}
	info.HasCompute = in.computeFamily(pd) >= 0
	var n uint32
	if in.tab.res(fnEnumerateDeviceExtensionProperties, pd, 0, ptr(&p, &n), 0) == vkSuccess && n > 0 {
		exts := make([]extensionProperties, n)
		in.tab.res(fnEnumerateDeviceExtensionProperties, pd, 0, ptr(&p, &n), sptr(&p, exts))
		for _, e := range exts[:n] {
			info.Extensions = append(info.Extensions, cname(e.name[:]))
		}
		sort.Strings(info.Extensions)
	}
	info.Coop = chooseCoop(in.coopCaps(pd, info), info.MaxInvocations, info.MaxSharedMemory)
	return info
}

// computeFamily returns the index of a queue family with compute, preferring
// one without graphics (a dedicated compute queue), or -1.
func (in *instance) computeFamily(pd uintptr) int {
	var p pins
	defer p.Unpin()
	var n uint32
	in.tab.call(fnGetPhysicalDeviceQueueFamilyProperties, pd, ptr(&p, &n), 0)
	if n == 0 {
		return -1
	}
	fams := make([]queueFamilyProperties, n)
	in.tab.call(fnGetPhysicalDeviceQueueFamilyProperties, pd, ptr(&p, &n), sptr(&p, fams))
	best := -1
	for i, f := range fams[:n] {
		if f.queueFlags&queueCompute == 0 || f.queueCount == 0 {
			continue
		}
		if best < 0 || f.queueFlags&0x1 == 0 { // 0x1 = graphics
			best = i
		}
	}
	return best
}

func (d DeviceInfo) hasExtension(name string) bool {
	i := sort.SearchStrings(d.Extensions, name)
	return i < len(d.Extensions) && d.Extensions[i] == name
}

// ProbeResult is what Probe found: every device, or why there were none.
type ProbeResult struct {
	Devices []DeviceInfo
	// Err is nil when the loader and an instance worked (Devices may still
	// be empty, which is reported as an ErrNoDevice error here).
	Err error
}

// Probe lists the Vulkan devices on this computer without keeping
// anything open. It never panics: a missing loader or a failing driver
// comes back in Err with a sentence for the user.
func Probe() ProbeResult {
	in, err := newInstance()
	if err != nil {
		return ProbeResult{Err: err}
	}
	defer in.destroy()
	_, infos, err := in.physicalDevices()
	if err != nil {
		return ProbeResult{Err: err}
	}
	if len(infos) == 0 {
		return ProbeResult{Err: &Error{Kind: ErrNoDevice, Op: "vkEnumeratePhysicalDevices", Detail: "0 devices"}}
	}
	return ProbeResult{Devices: infos}
}

// Options choose the device Open uses.
type Options struct {
	// Index picks a device by its enumeration index (vulkan:N); -1 picks
	// automatically: discrete GPU, then integrated, then virtual.
	Index int
	// AllowCPU lets automatic choice fall back to a software device
	// (lavapipe), which is slower than the engine's own CPU backend for
	// real work but runs every kernel: tests set it.
	AllowCPU bool
	// MemoryLimit, if > 0, caps the bytes of memory this device's buffers
	// may hold: an allocation past it fails as the driver's out-of-memory
	// would (ErrOutOfMemory). It lets a user keep part of a shared GPU
	// free, and lets tests exhaust memory mid-step on purpose.
	MemoryLimit uint64
}

// choose picks a device index by the rules in Options.
func choose(infos []DeviceInfo, o Options) (int, error) {
	if o.Index >= 0 {
		if o.Index >= len(infos) {
			return -1, &Error{Kind: ErrNoDevice, Op: "choose device",
				Detail: fmt.Sprintf("vulkan:%d asked for but only %d device(s) exist", o.Index, len(infos))}
		}
		if !infos[o.Index].HasCompute {
			return -1, &Error{Kind: ErrNoDevice, Op: "choose device", Detail: infos[o.Index].Name + " has no compute queue"}
		}
		return o.Index, nil
	}
	rank := map[DeviceType]int{TypeDiscrete: 0, TypeIntegrated: 1, TypeVirtual: 2, TypeOther: 3}
	if o.AllowCPU {
		rank[TypeCPU] = 4
	}
	best, bestRank := -1, 99
	for i, d := range infos {
		r, ok := rank[d.Type]
		if !ok || !d.HasCompute {
			continue
		}
		if r < bestRank || (r == bestRank && d.DeviceLocalBytes > infos[best].DeviceLocalBytes) {
			best, bestRank = i, r
		}
	}
	if best < 0 {
		detail := "only software (CPU) Vulkan devices were found"
		if len(infos) == 0 {
			detail = "0 devices"
		}
		return -1, &Error{Kind: ErrNoDevice, Op: "choose device", Detail: detail}
	}
	return best, nil
}

// Device is an open Vulkan device with one compute queue. Its methods are
// safe for use by one goroutine at a time (the engine drives a device from
// one goroutine); Close releases everything.
type Device struct {
	Info DeviceInfo

	mu       sync.Mutex
	in       *instance
	phys     uintptr
	handle   uintptr
	queue    uintptr
	family   uint32
	tab      table
	memProps memoryProperties
	cmdPool  uintptr
	fence    uintptr
	closed   bool

	kernels  map[kernelKey]*pipeline
	staging  *Buffer
	inUse    uint64 // bytes of device memory held by live buffers
	peak     uint64
	limit    uint64 // Options.MemoryLimit
	buffers  map[*Buffer]struct{}
	lostErr  error
	xferCmd  uintptr // command buffer for uploads/downloads
	batchCmd []uintptr
	submits  int // queue submissions so far (tests check one per step)
	coop     coopState
}

// Open creates a device as o says.
func Open(o Options) (*Device, error) {
	in, err := newInstance()
	if err != nil {
		return nil, err
	}
	hs, infos, err := in.physicalDevices()
	if err != nil {
		in.destroy()
		return nil, err
	}
	idx, err := choose(infos, o)
	if err != nil {
		in.destroy()
		return nil, err
	}
	d := &Device{Info: infos[idx], in: in, phys: hs[idx], kernels: map[kernelKey]*pipeline{}, buffers: map[*Buffer]struct{}{},
		limit: o.MemoryLimit}
	if err := d.init(); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func (d *Device) init() error {
	var p pins
	defer p.Unpin()
	fam := d.in.computeFamily(d.phys)
	d.family = uint32(fam)
	prio := float32(1)
	qci := &deviceQueueCreateInfo{sType: stDeviceQueueCreateInfo, queueFamilyIndex: d.family, queueCount: 1,
		pQueuePriorities: ptr(&p, &prio)}
	var h uintptr
	coop := d.Info.Coop.WorkGroup > 0
	for {
		dci := &deviceCreateInfo{sType: stDeviceCreateInfo, queueCreateInfoCount: 1, pQueueCreateInfos: ptr(&p, qci)}
		var exts []string
		if d.Info.hasExtension(portabilitySubsetExtName) {
			exts = append(exts, portabilitySubsetExtName)
		}
		if coop {
			exts = d.coopEnable(&p, dci, exts)
		}
		dci.enabledExtensionCount = uint32(len(exts))
		dci.ppEnabledExtensionNames = strs(&p, exts)
		r := d.in.tab.res(fnCreateDevice, d.phys, ptr(&p, dci), 0, ptr(&p, &h))
		if r == vkSuccess {
			break
		}
		if !coop {
			return check(r, "vkCreateDevice", ErrInit)
		}
		coop = false // once more without the cooperative-matrix features
	}
	d.handle = h
	d.tab = d.in.tab
	getDPA := d.in.tab[fnGetDeviceProcAddr]
	if missing := d.tab.resolve(getDPA, h, levelDevice); len(missing) > 0 {
		return &Error{Kind: ErrInit, Op: "resolve device functions", Detail: fmt.Sprint(missing)}
	}
	d.tab.call(fnGetDeviceQueue, h, uintptr(d.family), 0, ptr(&p, &d.queue))
	d.in.tab.call(fnGetPhysicalDeviceMemoryProperties, d.phys, ptr(&p, &d.memProps))

	cpci := &commandPoolCreateInfo{sType: stCommandPoolCreateInfo, flags: cmdPoolResetCommandBuffer, queueFamilyIndex: d.family}
	if r := d.tab.res(fnCreateCommandPool, h, ptr(&p, cpci), 0, ptr(&p, &d.cmdPool)); r != vkSuccess {
		return check(r, "vkCreateCommandPool", ErrInit)
	}
	var err error
	if d.xferCmd, err = d.allocCmd(); err != nil {
		return err
	}
	fci := &fenceCreateInfo{sType: stFenceCreateInfo}
	if r := d.tab.res(fnCreateFence, h, ptr(&p, fci), 0, ptr(&p, &d.fence)); r != vkSuccess {
		return check(r, "vkCreateFence", ErrInit)
	}
	d.coopSetup(coop)
	return nil
}

func (d *Device) allocCmd() (uintptr, error) {
	var p pins
	defer p.Unpin()
	ai := &commandBufferAllocateInfo{sType: stCommandBufferAllocateInfo, commandPool: d.cmdPool, commandBufferCount: 1}
	var cb uintptr
	if r := d.tab.res(fnAllocateCommandBuffers, d.handle, ptr(&p, ai), ptr(&p, &cb)); r != vkSuccess {
		return 0, check(r, "vkAllocateCommandBuffers", ErrInit)
	}
	return cb, nil
}

// Close waits for the device to go idle and frees everything it created.
// Buffers not freed by the caller are freed here. Close is idempotent.
func (d *Device) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	if d.handle != 0 {
		d.tab.call(fnDeviceWaitIdle, d.handle)
		for b := range d.buffers {
			d.freeLocked(b)
		}
		for _, k := range d.kernels {
			k.destroy(d)
		}
		if d.fence != 0 {
			d.tab.call(fnDestroyFence, d.handle, d.fence, 0)
		}
		if d.cmdPool != 0 {
			d.tab.call(fnDestroyCommandPool, d.handle, d.cmdPool, 0)
		}
		d.tab.call(fnDestroyDevice, d.handle, 0)
	}
	if d.in != nil {
		d.in.destroy()
	}
	return nil
}

// submitWait submits one recorded command buffer and waits for it. A lost
// device is remembered: every later call fails fast with the same error.
func (d *Device) submitWait(cb uintptr, op string) error {
	var p pins
	defer p.Unpin()
	cbs := []uintptr{cb}
	si := &submitInfo{sType: stSubmitInfo, commandBufferCount: 1, pCommandBuffers: sptr(&p, cbs)}
	if r := d.tab.res(fnQueueSubmit, d.queue, 1, ptr(&p, si), d.fence); r != vkSuccess {
		return d.noteLost(check(r, op+": vkQueueSubmit", ErrInit))
	}
	d.submits++
	fences := []uintptr{d.fence}
	r := d.tab.res(fnWaitForFences, d.handle, 1, sptr(&p, fences), 1, uintptr(^uint64(0)))
	d.tab.res(fnResetFences, d.handle, 1, sptr(&p, fences))
	if r != vkSuccess {
		return d.noteLost(check(r, op+": vkWaitForFences", ErrDeviceLost))
	}
	return nil
}

func (d *Device) noteLost(err error) error {
	if e, ok := err.(*Error); ok && e.Kind == ErrDeviceLost {
		d.lostErr = err
	}
	return err
}

func (d *Device) usable() error {
	if d.closed {
		return &Error{Kind: ErrClosed}
	}
	return d.lostErr
}

// MemoryInUse is the device memory held by live buffers, and the peak since
// Open (or ResetPeak).
func (d *Device) MemoryInUse() (inUse, peak uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.inUse, d.peak
}

// ResetPeak starts a new peak-memory measurement.
func (d *Device) ResetPeak() {
	d.mu.Lock()
	d.peak = d.inUse
	d.mu.Unlock()
}
