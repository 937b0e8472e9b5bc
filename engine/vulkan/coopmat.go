package vulkan

import (
	"fmt"
	"github.com/swarmdesk/swarmdesk/engine/backend/gpu"
	"log/slog"
	"math"
	"math/bits"
	"strings"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/safetensors"
)

// Cooperative-matrix GEMMs (VK_KHR_cooperative_matrix): on devices that
// offer 16×16×16 fp16·fp16→fp32 matrices at subgroup scope (NVIDIA tensor
// cores, AMD RDNA3+ WMMA), GEMMs with bf16 or fp16 weights run on
// shaders/coopmat/gemm_coopmat.comp instead of the shared-memory tiled
// kernel. Everything else, and every other device (lavapipe among them),
// keeps the tiled kernel. The choice is made once per device:
//
//  1. describe (Probe) reads what the device offers: the extension, its
//     matrix shapes, the features the shader needs (cooperativeMatrix,
//     shaderFloat16, vulkanMemoryModel: glslang writes coop-matrix modules
//     for the Vulkan memory model) and its subgroup size; chooseCoop turns
//     that into a work-group size or a reason.
//  2. Open enables the extension and features (coopDeviceSetup); if the
//     driver refuses the device with them, it is created without them.
//  3. coopSetup builds both pipelines and runs a small self-test GEMM
//     against a host reference. A driver that rejects the shader or gets
//     the test wrong turns the path off with the reason logged and kept for
//     doctor; it never fails Open.
//
// The inputs are rounded to fp16 (activations saturate at ±65504), so a
// cooperative-matrix GEMM differs from the tiled one by fp16 rounding of
// x: ~5e-4 relative per element, accumulated in fp32.

const (
	coopMatrixExtName  = "VK_KHR_cooperative_matrix"
	float16Int8ExtName = "VK_KHR_shader_float16_int8"
	memoryModelExtName = "VK_KHR_vulkan_memory_model"

	stPhysicalDeviceFeatures2           = 1000059000
	stPhysicalDeviceProperties2         = 1000059001
	stPhysicalDeviceSubgroupProperties  = 1000094000
	stPhysicalDeviceFloat16Int8Features = 1000082000
	stPhysicalDeviceMemoryModelFeatures = 1000211000
	stPhysicalDeviceCoopMatrixFeatures  = 1000506000
	stCoopMatrixProperties              = 1000506001

	componentFloat16  = 0
	componentFloat32  = 1
	componentBFloat16 = 1000141000
	scopeSubgroup     = 3

	subgroupFeatureBasic = 0x1

	// The shader's shape: a 64×64 tile per work group, 4 subgroups, and
	// this much shared memory (A 64×40 + B 32×72 fp16, 4 fp32 16×16 blocks).
	coopTile        = 64
	coopSubgroups   = 4
	coopSharedBytes = 64*40*2 + 32*72*2 + 4*16*16*4
	// coopMinM: fewer rows than one 16-row matrix leave the tensor units
	// mostly idle; those GEMMs (decode steps) keep the tiled/gemv kernels.
	coopMinM = 16
)

func init() {
	// Optional: Vulkan 1.1 queries (a 1.0-only driver lacks them) and the
	// extension's own query; without them the tiled GEMM is used.
	for f, name := range map[fn]string{
		fnGetPhysicalDeviceFeatures2:                      "vkGetPhysicalDeviceFeatures2",
		fnGetPhysicalDeviceProperties2:                    "vkGetPhysicalDeviceProperties2",
		fnGetPhysicalDeviceCooperativeMatrixPropertiesKHR: "vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR",
	} {
		entries[f] = entry{name, levelInstance}
		optional[f] = true
	}
}

// VkCooperativeMatrixPropertiesKHR.
type coopMatrixProperties struct {
	sType                  uint32
	pNext                  uintptr
	mSize, nSize, kSize    uint32
	aType, bType, cType    uint32
	resultType             uint32
	saturatingAccumulation uint32
	scope                  uint32
}

// VkPhysicalDeviceCooperativeMatrixFeaturesKHR.
type coopMatrixFeatures struct {
	sType                     uint32
	pNext                     uintptr
	cooperativeMatrix         uint32
	cooperativeMatrixRobustBA uint32
}

// VkPhysicalDeviceShaderFloat16Int8Features.
type float16Int8Features struct {
	sType         uint32
	pNext         uintptr
	shaderFloat16 uint32
	shaderInt8    uint32
}

// VkPhysicalDeviceVulkanMemoryModelFeatures.
type memoryModelFeatures struct {
	sType             uint32
	pNext             uintptr
	vulkanMemoryModel uint32
	deviceScope       uint32
	chains            uint32
}

// VkPhysicalDeviceFeatures2 (the 55 VkBool32 of VkPhysicalDeviceFeatures).
type physicalDeviceFeatures2 struct {
	sType    uint32
	pNext    uintptr
	features [55]uint32
}

// VkPhysicalDeviceProperties2 (VkPhysicalDeviceProperties kept raw).
type physicalDeviceProperties2 struct {
	sType      uint32
	pNext      uintptr
	properties [propsSize]byte
}

// VkPhysicalDeviceSubgroupProperties.
type subgroupProperties struct {
	sType               uint32
	pNext               uintptr
	subgroupSize        uint32
	supportedStages     uint32
	supportedOperations uint32
	quadInAllStages     uint32
}

// CoopShape is one matrix shape a device offers (VkCooperativeMatrixPropertiesKHR).
type CoopShape struct {
	M, N, K                uint32
	A, B, C, Result, Scope uint32
}

func (s CoopShape) String() string {
	scope := map[uint32]string{1: "device", 2: "workgroup", 3: "subgroup", 5: "queue family"}[s.Scope]
	return fmt.Sprintf("%d×%d×%d %s·%s→%s (%s)", s.M, s.N, s.K, componentName(s.A), componentName(s.B), componentName(s.Result), scope)
}

func componentName(c uint32) string {
	if c == componentBFloat16 {
		return "bf16"
	}
	if int(c) < 11 {
		return [...]string{"f16", "f32", "f64", "s8", "s16", "s32", "s64", "u8", "u16", "u32", "u64"}[c]
	}
	return fmt.Sprint("type ", c)
}

// coopWant is the one shape gemm_coopmat.comp is written for.
var coopWant = CoopShape{M: 16, N: 16, K: 16, A: componentFloat16, B: componentFloat16,
	C: componentFloat32, Result: componentFloat32, Scope: scopeSubgroup}

// CoopCaps is what a device offers that the cooperative-matrix GEMM needs,
// as read by Probe. Zero values mean "not offered".
type CoopCaps struct {
	Extension     bool        // VK_KHR_cooperative_matrix listed
	QueryFunc     bool        // the loader exports vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR
	Shapes        []CoopShape // what that function listed
	CoopFeature   bool        // cooperativeMatrix
	Float16       bool        // shaderFloat16
	MemoryModel   bool        // vulkanMemoryModel
	SubgroupSize  uint32
	SubgroupBasic bool // basic subgroup operations in compute shaders
}

// CoopSupport is the probe-time verdict on a device: the work-group size
// the shader runs with, or the reason it does not.
type CoopSupport struct {
	Caps      CoopCaps
	WorkGroup uint32 // invocations per work group; 0: not usable
	Reason    string // why not, a sentence for doctor; "" when usable
}

// chooseCoop decides from what a device offers whether the cooperative-
// matrix GEMM can run there, and with how many invocations per work group.
func chooseCoop(c CoopCaps, maxInvocations, maxShared uint32) CoopSupport {
	s := CoopSupport{Caps: c}
	no := func(why string) CoopSupport { s.Reason = why; return s }
	switch {
	case !c.Extension:
		return no("the driver does not offer VK_KHR_cooperative_matrix")
	case !c.QueryFunc:
		return no("the Vulkan loader is too old to list cooperative-matrix shapes (vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR); update it")
	case !c.CoopFeature:
		return no("the driver lists VK_KHR_cooperative_matrix but turns its cooperativeMatrix feature off")
	}
	found := false
	for _, sh := range c.Shapes {
		if sh == coopWant {
			found = true
			break
		}
	}
	if !found {
		offered := make([]string, 0, len(c.Shapes))
		for i, sh := range c.Shapes {
			if i == 6 {
				offered = append(offered, fmt.Sprintf("and %d more", len(c.Shapes)-i))
				break
			}
			offered = append(offered, sh.String())
		}
		if len(offered) == 0 {
			offered = append(offered, "none")
		}
		return no(fmt.Sprintf("the device does not offer the %s matrices the kernel uses (it offers: %s)", coopWant, strings.Join(offered, ", ")))
	}
	wg := coopSubgroups * c.SubgroupSize
	switch {
	case !c.Float16:
		return no("the driver has no fp16 arithmetic in shaders (shaderFloat16)")
	case !c.MemoryModel:
		return no("the driver lacks the Vulkan memory model (vulkanMemoryModel) the kernel is compiled for")
	case !c.SubgroupBasic:
		return no("the driver has no subgroup operations in compute shaders")
	case c.SubgroupSize == 0 || bits.OnesCount32(c.SubgroupSize) != 1 || wg > maxInvocations:
		return no(fmt.Sprintf("subgroup size %d does not fit %d subgroups in a work group of at most %d invocations", c.SubgroupSize, coopSubgroups, maxInvocations))
	case maxShared < coopSharedBytes:
		return no(fmt.Sprintf("the kernel needs %d bytes of shared memory, the device has %d", coopSharedBytes, maxShared))
	}
	s.WorkGroup = wg
	return s
}

// coopCaps reads what physical device pd offers (info has its extensions).
func (in *instance) coopCaps(pd uintptr, info DeviceInfo) CoopCaps {
	var c CoopCaps
	c.Extension = info.hasExtension(coopMatrixExtName)
	c.QueryFunc = in.tab[fnGetPhysicalDeviceCooperativeMatrixPropertiesKHR] != 0
	// Only a device that lists the extension is asked anything more: the
	// query functions are 1.1 / extension entry points, and a loader
	// trampoline for a device without the extension must not be called.
	if !c.Extension || !c.QueryFunc || in.tab[fnGetPhysicalDeviceFeatures2] == 0 || in.tab[fnGetPhysicalDeviceProperties2] == 0 {
		return c
	}
	in.coopFeatures(pd, &c, true)
	var p pins
	defer p.Unpin()
	var n uint32
	if in.tab.res(fnGetPhysicalDeviceCooperativeMatrixPropertiesKHR, pd, ptr(&p, &n), 0) != vkSuccess || n == 0 {
		return c
	}
	props := make([]coopMatrixProperties, n)
	for i := range props {
		props[i].sType = stCoopMatrixProperties
	}
	if r := in.tab.res(fnGetPhysicalDeviceCooperativeMatrixPropertiesKHR, pd, ptr(&p, &n), sptr(&p, props)); r != vkSuccess && r != vkIncomplete {
		return c
	}
	for _, pr := range props[:min(int(n), len(props))] {
		c.Shapes = append(c.Shapes, CoopShape{M: pr.mSize, N: pr.nSize, K: pr.kSize, A: pr.aType, B: pr.bType,
			C: pr.cType, Result: pr.resultType, Scope: pr.scope})
	}
	return c
}

// coopFeatures fills the feature and subgroup fields of c through
// vkGetPhysicalDeviceFeatures2/Properties2 (Vulkan 1.1). withCoop chains
// the extension's feature struct, only for devices that list it.
func (in *instance) coopFeatures(pd uintptr, c *CoopCaps, withCoop bool) {
	if in.tab[fnGetPhysicalDeviceFeatures2] == 0 || in.tab[fnGetPhysicalDeviceProperties2] == 0 {
		return
	}
	var p pins
	defer p.Unpin()
	mm := &memoryModelFeatures{sType: stPhysicalDeviceMemoryModelFeatures}
	f16 := &float16Int8Features{sType: stPhysicalDeviceFloat16Int8Features, pNext: ptr(&p, mm)}
	cm := &coopMatrixFeatures{sType: stPhysicalDeviceCoopMatrixFeatures, pNext: ptr(&p, f16)}
	f2 := &physicalDeviceFeatures2{sType: stPhysicalDeviceFeatures2, pNext: ptr(&p, f16)}
	if withCoop {
		f2.pNext = ptr(&p, cm)
	}
	in.tab.call(fnGetPhysicalDeviceFeatures2, pd, ptr(&p, f2))
	c.CoopFeature, c.Float16, c.MemoryModel = cm.cooperativeMatrix != 0, f16.shaderFloat16 != 0, mm.vulkanMemoryModel != 0

	sg := &subgroupProperties{sType: stPhysicalDeviceSubgroupProperties}
	p2 := &physicalDeviceProperties2{sType: stPhysicalDeviceProperties2, pNext: ptr(&p, sg)}
	in.tab.call(fnGetPhysicalDeviceProperties2, pd, ptr(&p, p2))
	c.SubgroupSize = sg.subgroupSize
	c.SubgroupBasic = sg.supportedStages&stageCompute != 0 && sg.supportedOperations&subgroupFeatureBasic != 0
}

// coopState is what the open device does: wg > 0 when GEMMs with 16-bit
// weights run on cooperative matrices, else the reason they do not.
type coopState struct {
	wg     uint32
	reason string
	off    bool // benchmarks compare against the tiled kernel
}

// coopEnable adds the extensions and the feature chain the cooperative-
// matrix kernel needs to a device about to be created, when the probe
// found the device able to run it. It returns the extension list to enable.
func (d *Device) coopEnable(p *pins, dci *deviceCreateInfo, exts []string) []string {
	if d.Info.Coop.WorkGroup == 0 {
		return exts
	}
	mm := &memoryModelFeatures{sType: stPhysicalDeviceMemoryModelFeatures, vulkanMemoryModel: 1}
	f16 := &float16Int8Features{sType: stPhysicalDeviceFloat16Int8Features, pNext: ptr(p, mm), shaderFloat16: 1}
	cm := &coopMatrixFeatures{sType: stPhysicalDeviceCoopMatrixFeatures, pNext: ptr(p, f16), cooperativeMatrix: 1}
	dci.pNext = ptr(p, cm)
	exts = append(exts, coopMatrixExtName)
	// Promoted to core in 1.2; the instance asks for 1.1, so the extension
	// is enabled wherever it is listed.
	for _, e := range []string{float16Int8ExtName, memoryModelExtName} {
		if d.Info.hasExtension(e) {
			exts = append(exts, e)
		}
	}
	return exts
}

// coopSetup runs after the device is created: it builds the cooperative-
// matrix pipelines and checks them on a small GEMM. Any failure turns the
// path off with a logged reason; the tiled kernel is always there.
func (d *Device) coopSetup(enabled bool) {
	if d.Info.Coop.WorkGroup == 0 {
		d.coop.reason = d.Info.Coop.Reason
		return
	}
	fail := func(why string) {
		d.coop = coopState{reason: why}
		slog.Warn("vulkan: cooperative-matrix GEMMs not used; the tiled GEMM runs instead", "device", d.Info.Name, "reason", why)
	}
	if !enabled {
		fail("the driver refused to create the device with the cooperative-matrix features")
		return
	}
	wg := d.Info.Coop.WorkGroup
	for _, dt := range []gpu.DType{gpu.BF16, gpu.F16} {
		key := kernelKey{name: coopKernel(dt), spec: [4]uint32{wg}}
		code, err := spvFS.ReadFile("spv/" + key.name + ".spv")
		if err != nil {
			fail("the cooperative-matrix kernel is missing from this build")
			return
		}
		k := &pipeline{nbuf: 4}
		if err := d.buildPipeline(k, key, code); err != nil {
			k.destroy(d)
			why := err.Error()
			if e, ok := err.(*Error); ok {
				why = e.Op + ": " + e.Result.String()
			}
			fail("the driver rejected the cooperative-matrix kernel (" + why + ")")
			return
		}
		d.kernels[key] = k
	}
	d.coop.wg = wg
	for _, dt := range []gpu.DType{gpu.BF16, gpu.F16} {
		if err := d.coopSelfTest(dt); err != nil {
			fail(err.Error())
			return
		}
	}
}

func coopKernel(dt gpu.DType) string { return "gemm_coopmat_" + dt.String() }

// CoopMatrixStatus says whether GEMMs with 16-bit weights run on
// cooperative matrices on this device, or why not.
func (d *Device) CoopMatrixStatus() string {
	if d.coop.wg > 0 {
		return fmt.Sprintf("cooperative-matrix GEMMs in use (%s, %d-wide subgroups) for bf16/f16 weights", coopWant, d.Info.Coop.Caps.SubgroupSize)
	}
	return "cooperative-matrix GEMMs not used: " + d.coop.reason
}

// backendDevice is the open device as the registry and the dashboard show
// it, with the GEMM kind it runs.
func (d *Device) backendDevice() backend.Device {
	bd := toBackendDevice(d.Info)
	if d.coop.wg > 0 {
		bd.Driver += "; GEMMs: cooperative matrices (fp16 in, fp32 sums)"
	} else {
		bd.Driver += "; GEMMs: tiled (" + d.coop.reason + ")"
	}
	return bd
}

// coopGemm records g on the cooperative-matrix kernel when the device has
// it and g has 16-bit weights and enough rows; it reports whether it did
// (errors go to the batch as for any dispatch). The kernel addresses every
// operand element by element exactly as gemm.comp does (strides, batch,
// BDiv, any element offset), so the attention products over a bf16 KV
// cache (gpu.Backend.CachedAttention, B = a KV run) take it too when they
// have the rows; TestCoopMatrixParity checks those shapes on a device
// that has the extension.
func (b *Batch) coopGemm(g gpu.GEMM) bool {
	c := b.d.coop
	if c.wg == 0 || c.off || (g.BType != gpu.BF16 && g.BType != gpu.F16) || g.M < coopMinM {
		return false
	}
	g.Batch, g.BDiv = max(g.Batch, 1), max(g.BDiv, 1)
	bufs, pc := g.Operands()
	b.dispatch(coopKernel(g.BType), [4]uint32{c.wg}, bufs, pc,
		gpu.Groups(g.N, coopTile), gpu.Groups(g.M, coopTile), uint32(g.Batch))
	return true
}

// coopSelfTest runs out = x·wᵀ + bias + out on a ragged shape (partial
// tiles in M, N and K) with values fp16 holds exactly, so every correct
// kernel gives the host's result to the last bit, and compares.
func (d *Device) coopSelfTest(dt gpu.DType) error {
	const M, N, K = 70, 72, 40
	val := func(i, mod int) float32 { return float32(i%mod-mod/2) / 8 }
	x, w, bias, c0 := make([]float32, M*K), make([]uint16, N*K), make([]float32, N), make([]float32, M*N)
	wf := make([]float32, N*K)
	for i := range x {
		x[i] = val(i*7, 17)
	}
	for i := range w {
		wf[i] = val(i*5, 13)
		if dt == gpu.BF16 {
			w[i] = uint16(math.Float32bits(wf[i]) >> 16) // exact: the values have ≤ 4 significant bits
		} else {
			w[i] = safetensors.F32ToF16(wf[i])
		}
	}
	for i := range bias {
		bias[i] = val(i, 9)
	}
	for i := range c0 {
		c0[i] = val(i*3, 11)
	}
	want := make([]float32, M*N)
	for m := 0; m < M; m++ {
		for n := 0; n < N; n++ {
			s := float32(0)
			for k := 0; k < K; k++ {
				s += x[m*K+k] * wf[n*K+k]
			}
			want[m*N+n] = s + bias[n] + c0[m*N+n]
		}
	}
	got, err := d.coopRun(dt, x, w, bias, c0, M, N, K)
	if err != nil {
		return fmt.Errorf("the cooperative-matrix self-test could not run: %v", err)
	}
	for i := range want {
		if got[i] != want[i] {
			return fmt.Errorf("the cooperative-matrix self-test (%v weights) gave %v at row %d column %d, want %v", dt, got[i], i/N, i%N, want[i])
		}
	}
	return nil
}

// coopRun uploads the operands, runs one cooperative-matrix GEMM
// out = x·wᵀ + bias + c0 and returns out.
func (d *Device) coopRun(dt gpu.DType, x []float32, w []uint16, bias, c0 []float32, M, N, K int) ([]float32, error) {
	var bufs []*Buffer
	defer func() {
		for _, b := range bufs {
			b.Free()
		}
	}()
	alloc := func(v []float32) (*Buffer, error) {
		b, err := d.AllocF32(len(v), v)
		if err == nil {
			bufs = append(bufs, b)
		}
		return b, err
	}
	xb, err := alloc(x)
	if err != nil {
		return nil, err
	}
	bb, err := alloc(bias)
	if err != nil {
		return nil, err
	}
	cb, err := alloc(c0)
	if err != nil {
		return nil, err
	}
	wb, err := d.Alloc(uint64(len(w)+len(w)%2) * 2)
	if err != nil {
		return nil, err
	}
	bufs = append(bufs, wb)
	if err := UploadU16(d, wb, 0, w); err != nil {
		return nil, err
	}
	bt, err := d.NewBatch()
	if err != nil {
		return nil, err
	}
	defer bt.Release()
	if !bt.coopGemm(gpu.GEMM{A: xb, B: wb, C: cb, Bias: bb, BType: dt, M: M, N: N, K: K, SAM: K, SAK: 1, SBK: 1, SBN: K, SCM: N, Alpha: 1, Beta: 1}) {
		return nil, fmt.Errorf("the cooperative-matrix path declined a %dx%dx%d GEMM", M, N, K)
	}
	if err := bt.Run(); err != nil {
		return nil, err
	}
	out := make([]float32, M*N)
	return out, DownloadF32(d, cb, 0, out)
}
