package vulkan

import (
	"fmt"
	"github.com/swarmdesk/swarmdesk/engine/backend/gpu"
	"log/slog"
	"math"
	"math/bits"
	"slices"
	"strings"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/cpu"
	"github.com/swarmdesk/swarmdesk/engine/safetensors"
)

// Cooperative-matrix GEMMs (VK_KHR_cooperative_matrix): on devices that
// offer 16×16×16 matrices with 16-bit inputs and fp32 sums at subgroup
// scope (NVIDIA tensor cores, AMD RDNA3+ WMMA), GEMMs with bf16 or fp16
// weights run on shaders/coopmat/gemm_coopmat.comp instead of the
// shared-memory tiled kernel. Everything else, and every other device
// (lavapipe among them), keeps the tiled kernel. Two kinds of matrices:
//
//   - bf16·bf16→fp32 (VK_KHR_shader_bfloat16 with its shaderBFloat16Type
//     and shaderBFloat16CooperativeMatrix features, component type
//     VK_COMPONENT_TYPE_BFLOAT16_KHR): preferred for bf16 weights, which
//     go in unchanged, while activations rounded to bf16 keep fp32's
//     range (gemm_coopmat_bf16mat). Rounding x to bf16 costs ~4e-3
//     relative per element.
//   - fp16·fp16→fp32: fp16 weights always (bf16 matrices would drop three
//     of their mantissa bits), and bf16 weights where bf16 matrices are
//     not offered (gemm_coopmat_bf16: the weights are converted to fp16,
//     exact within fp16's range). Activations are rounded to fp16 and
//     saturate at ±65504; ~5e-4 relative per element.
//
// The choice is made once per device:
//
//  1. describe (Probe) reads what the device offers: the extensions, the
//     matrix shapes, the features the shader needs (cooperativeMatrix,
//     shaderFloat16 — glslang declares Float16 for the bf16 kernel too —,
//     vulkanMemoryModel: glslang writes coop-matrix modules for the Vulkan
//     memory model, and for bf16 matrices the two bf16 features) and its
//     subgroup size; chooseCoop turns that into a work-group size and the
//     matrices to use, or a reason.
//  2. Open enables the extensions and features (coopEnable); if the driver
//     refuses the device with them, it is created without the bf16 ones,
//     then without any.
//  3. coopSetup builds the pipelines and runs a small self-test GEMM on
//     each against a host reference (coopReference). A driver that rejects
//     the bf16 shader or gets its test wrong leaves bf16 weights on fp16
//     matrices; one that fails the fp16 path too turns cooperative matrices
//     off. The reasons are logged and kept for doctor; Open never fails.

const (
	coopMatrixExtName  = "VK_KHR_cooperative_matrix"
	float16Int8ExtName = "VK_KHR_shader_float16_int8"
	memoryModelExtName = "VK_KHR_vulkan_memory_model"
	bfloat16ExtName    = "VK_KHR_shader_bfloat16"

	stPhysicalDeviceFeatures2           = 1000059000
	stPhysicalDeviceProperties2         = 1000059001
	stPhysicalDeviceSubgroupProperties  = 1000094000
	stPhysicalDeviceFloat16Int8Features = 1000082000
	stPhysicalDeviceMemoryModelFeatures = 1000211000
	stPhysicalDeviceCoopMatrixFeatures  = 1000506000
	stCoopMatrixProperties              = 1000506001
	stPhysicalDeviceBFloat16Features    = 1000141000

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

// VkPhysicalDeviceShaderBfloat16FeaturesKHR.
type bfloat16Features struct {
	sType                           uint32
	pNext                           uintptr
	shaderBFloat16Type              uint32
	shaderBFloat16DotProduct        uint32
	shaderBFloat16CooperativeMatrix uint32
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

// coopWant and coopWantBF16 are the shapes gemm_coopmat.comp is written
// for: fp16 matrices, and bf16 ones (-DMBF16).
var (
	coopWant = CoopShape{M: 16, N: 16, K: 16, A: componentFloat16, B: componentFloat16,
		C: componentFloat32, Result: componentFloat32, Scope: scopeSubgroup}
	coopWantBF16 = CoopShape{M: 16, N: 16, K: 16, A: componentBFloat16, B: componentBFloat16,
		C: componentFloat32, Result: componentFloat32, Scope: scopeSubgroup}
)

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

	BF16Extension  bool // VK_KHR_shader_bfloat16 listed
	BF16Type       bool // shaderBFloat16Type
	BF16CoopMatrix bool // shaderBFloat16CooperativeMatrix
}

// CoopSupport is the probe-time verdict on a device: the work-group size
// the shader runs with and the matrices it uses, or the reason it does not.
type CoopSupport struct {
	Caps      CoopCaps
	WorkGroup uint32 // invocations per work group; 0: not usable
	Reason    string // why not, a sentence for doctor; "" when usable
	// With WorkGroup > 0: BF16, bf16 weights run on bf16 matrices; F16,
	// fp16 matrices run fp16 weights (and bf16 ones when !BF16). At least
	// one is set; BF16Reason / F16Reason say why the other is not.
	BF16, F16             bool
	BF16Reason, F16Reason string
}

// Matrices names the matrices in use for each weight type, for doctor and
// the device line.
func (s CoopSupport) Matrices() string { return coopMatrices(s.BF16, s.F16) }

func coopMatrices(bf16, f16 bool) string {
	switch {
	case bf16 && f16:
		return "bf16 matrices for bf16 weights, fp16 matrices for fp16 weights"
	case bf16:
		return "bf16 matrices for bf16 weights (fp16 weights on the tiled kernel)"
	case f16:
		return "fp16 matrices for bf16 and fp16 weights (activations saturate at ±65504)"
	}
	return "none"
}

// chooseCoop decides from what a device offers whether the cooperative-
// matrix GEMM can run there, with how many invocations per work group and
// on which matrices: bf16 ones for bf16 weights when offered (activations
// keep fp32's range), fp16 ones otherwise and for fp16 weights.
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
	hasF16, hasBF16 := slices.Contains(c.Shapes, coopWant), slices.Contains(c.Shapes, coopWantBF16)
	if !hasF16 && !hasBF16 {
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
		return no(fmt.Sprintf("the device does not offer the %s or %s matrices the kernel uses (it offers: %s)", coopWant, coopWantBF16, strings.Join(offered, ", ")))
	}
	switch {
	case !hasF16:
		s.F16Reason = fmt.Sprintf("the device does not offer %s matrices", coopWant)
	case !c.Float16:
		s.F16Reason = "the driver has no fp16 arithmetic in shaders (shaderFloat16)"
	}
	switch {
	case !hasBF16:
		s.BF16Reason = fmt.Sprintf("the device does not offer %s matrices", coopWantBF16)
	case !c.BF16Extension:
		s.BF16Reason = "the driver lists bf16 matrices but not VK_KHR_shader_bfloat16"
	case !c.BF16Type || !c.BF16CoopMatrix:
		s.BF16Reason = "the driver lists VK_KHR_shader_bfloat16 but turns its shaderBFloat16Type or shaderBFloat16CooperativeMatrix feature off"
	case !c.Float16:
		s.BF16Reason = "the driver has no shaderFloat16, which glslang declares (Float16) in the bf16 kernel too"
	}
	if s.F16Reason != "" && s.BF16Reason != "" {
		switch { // the offered kind's reason, or both
		case !hasBF16:
			return no(s.F16Reason)
		case !hasF16:
			return no(s.BF16Reason)
		}
		return no(s.BF16Reason + "; for fp16 matrices " + s.F16Reason)
	}
	wg := coopSubgroups * c.SubgroupSize
	switch {
	case !c.MemoryModel:
		return no("the driver lacks the Vulkan memory model (vulkanMemoryModel) the kernel is compiled for")
	case !c.SubgroupBasic:
		return no("the driver has no subgroup operations in compute shaders")
	case c.SubgroupSize == 0 || bits.OnesCount32(c.SubgroupSize) != 1 || wg > maxInvocations:
		return no(fmt.Sprintf("subgroup size %d does not fit %d subgroups in a work group of at most %d invocations", c.SubgroupSize, coopSubgroups, maxInvocations))
	case maxShared < coopSharedBytes:
		return no(fmt.Sprintf("the kernel needs %d bytes of shared memory, the device has %d", coopSharedBytes, maxShared))
	}
	s.WorkGroup, s.BF16, s.F16 = wg, s.BF16Reason == "", s.F16Reason == ""
	return s
}

// coopCaps reads what physical device pd offers (info has its extensions).
func (in *instance) coopCaps(pd uintptr, info DeviceInfo) CoopCaps {
	var c CoopCaps
	c.Extension = info.hasExtension(coopMatrixExtName)
	c.BF16Extension = info.hasExtension(bfloat16ExtName)
	c.QueryFunc = in.tab[fnGetPhysicalDeviceCooperativeMatrixPropertiesKHR] != 0
	// Only a device that lists the extension is asked anything more: the
	// query functions are 1.1 / extension entry points, and a loader
	// trampoline for a device without the extension must not be called.
	if !c.Extension || !c.QueryFunc || in.tab[fnGetPhysicalDeviceFeatures2] == 0 || in.tab[fnGetPhysicalDeviceProperties2] == 0 {
		return c
	}
	in.coopFeatures(pd, &c, true, c.BF16Extension)
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
// vkGetPhysicalDeviceFeatures2/Properties2 (Vulkan 1.1). withCoop and
// withBF16 chain the feature structs of VK_KHR_cooperative_matrix and
// VK_KHR_shader_bfloat16, only for devices that list them.
func (in *instance) coopFeatures(pd uintptr, c *CoopCaps, withCoop, withBF16 bool) {
	if in.tab[fnGetPhysicalDeviceFeatures2] == 0 || in.tab[fnGetPhysicalDeviceProperties2] == 0 {
		return
	}
	var p pins
	defer p.Unpin()
	mm := &memoryModelFeatures{sType: stPhysicalDeviceMemoryModelFeatures}
	f16 := &float16Int8Features{sType: stPhysicalDeviceFloat16Int8Features, pNext: ptr(&p, mm)}
	cm := &coopMatrixFeatures{sType: stPhysicalDeviceCoopMatrixFeatures, pNext: ptr(&p, f16)}
	f2 := &physicalDeviceFeatures2{sType: stPhysicalDeviceFeatures2, pNext: ptr(&p, f16)}
	bf := &bfloat16Features{sType: stPhysicalDeviceBFloat16Features, pNext: f2.pNext}
	if withCoop {
		f2.pNext = ptr(&p, cm)
		bf.pNext = f2.pNext
	}
	if withBF16 {
		f2.pNext = ptr(&p, bf)
	}
	in.tab.call(fnGetPhysicalDeviceFeatures2, pd, ptr(&p, f2))
	c.CoopFeature, c.Float16, c.MemoryModel = cm.cooperativeMatrix != 0, f16.shaderFloat16 != 0, mm.vulkanMemoryModel != 0
	c.BF16Type, c.BF16CoopMatrix = bf.shaderBFloat16Type != 0, bf.shaderBFloat16CooperativeMatrix != 0

	sg := &subgroupProperties{sType: stPhysicalDeviceSubgroupProperties}
	p2 := &physicalDeviceProperties2{sType: stPhysicalDeviceProperties2, pNext: ptr(&p, sg)}
	in.tab.call(fnGetPhysicalDeviceProperties2, pd, ptr(&p, p2))
	c.SubgroupSize = sg.subgroupSize
	c.SubgroupBasic = sg.supportedStages&stageCompute != 0 && sg.supportedOperations&subgroupFeatureBasic != 0
}

// coopState is what the open device does: wg > 0 when GEMMs with 16-bit
// weights run on cooperative matrices (bf16: bf16 weights on bf16
// matrices; f16: fp16 matrices in use), else the reason they do not.
type coopState struct {
	wg         uint32
	bf16, f16  bool
	reason     string
	bf16Reason string // why bf16 weights are not on bf16 matrices
	f16Reason  string // why fp16 matrices are not used
	off        bool   // benchmarks compare against the tiled kernel
}

// coopMats is which cooperative matrices a device is created for.
type coopMats struct{ bf16, f16 bool }

func (m coopMats) any() bool { return m.bf16 || m.f16 }

// coopWanted is what the probe found usable on this device.
func (d *Device) coopWanted() coopMats {
	c := d.Info.Coop
	if c.WorkGroup == 0 {
		return coopMats{}
	}
	return coopMats{bf16: c.BF16, f16: c.F16}
}

// fallback is what to ask for after the driver refused m: first without
// the bf16 extension, then without cooperative matrices.
func (m coopMats) fallback() coopMats {
	if m.bf16 && m.f16 {
		return coopMats{f16: true}
	}
	return coopMats{}
}

// coopEnable adds the extensions and the feature chain the cooperative-
// matrix kernels in m need to a device about to be created. It returns
// the extension list to enable.
func (d *Device) coopEnable(p *pins, dci *deviceCreateInfo, exts []string, m coopMats) []string {
	if !m.any() {
		return exts
	}
	mm := &memoryModelFeatures{sType: stPhysicalDeviceMemoryModelFeatures, vulkanMemoryModel: 1}
	f16 := &float16Int8Features{sType: stPhysicalDeviceFloat16Int8Features, pNext: ptr(p, mm), shaderFloat16: 1}
	cm := &coopMatrixFeatures{sType: stPhysicalDeviceCoopMatrixFeatures, pNext: ptr(p, f16), cooperativeMatrix: 1}
	dci.pNext = ptr(p, cm)
	exts = append(exts, coopMatrixExtName)
	if m.bf16 {
		bf := &bfloat16Features{sType: stPhysicalDeviceBFloat16Features, pNext: dci.pNext,
			shaderBFloat16Type: 1, shaderBFloat16CooperativeMatrix: 1}
		dci.pNext = ptr(p, bf)
		exts = append(exts, bfloat16ExtName)
	}
	// Promoted to core in 1.2; the instance asks for 1.1, so the extension
	// is enabled wherever it is listed.
	for _, e := range []string{float16Int8ExtName, memoryModelExtName} {
		if d.Info.hasExtension(e) {
			exts = append(exts, e)
		}
	}
	return exts
}

// coopSetup runs after the device is created with the matrices in m: it
// builds the cooperative-matrix pipelines, checks each on a small GEMM
// (coopTry) and keeps what passed (settleCoop). Reasons are logged; the
// tiled kernel is always there.
func (d *Device) coopSetup(m coopMats) {
	d.coop = settleCoop(d.Info.Coop, m, d.coopTry)
	switch {
	case d.coop.wg == 0 && d.Info.Coop.WorkGroup > 0:
		slog.Warn("vulkan: cooperative-matrix GEMMs not used; the tiled GEMM runs instead", "device", d.Info.Name, "reason", d.coop.reason)
	case d.Info.Coop.BF16 && !d.coop.bf16:
		slog.Warn("vulkan: bf16 cooperative matrices not used", "device", d.Info.Name, "reason", d.coop.bf16Reason)
	case d.Info.Coop.F16 && !d.coop.f16:
		slog.Warn("vulkan: fp16 cooperative matrices not used", "device", d.Info.Name, "reason", d.coop.f16Reason)
	}
	for _, mat := range []gpu.DType{gpu.BF16, gpu.F16} {
		if mat == gpu.BF16 && !d.coop.bf16 || mat == gpu.F16 && !d.coop.f16 {
			d.dropKernels(mat)
		}
	}
}

// settleCoop decides what an open device runs on cooperative matrices:
// probe is the probe's verdict, m the matrices the device was created
// for, try builds and self-tests the kernel for weights w on matrices mat.
// bf16 weights go on bf16 matrices when their kernel passes, else on fp16
// ones; fp16 weights on fp16 matrices when both fp16 kernels pass (a
// failing one leaves the bf16 matrices alone if they work); nothing left
// turns the path off.
func settleCoop(probe CoopSupport, m coopMats, try func(w, mat gpu.DType) error) coopState {
	if probe.WorkGroup == 0 {
		return coopState{reason: probe.Reason}
	}
	// "" when the probe found them usable
	c := coopState{bf16Reason: probe.BF16Reason, f16Reason: probe.F16Reason}
	if !m.any() {
		c.reason = "the driver refused to create the device with the cooperative-matrix features"
		return c
	}
	if probe.BF16 && !m.bf16 {
		c.bf16Reason = "the driver refused to create the device with the bf16 features (VK_KHR_shader_bfloat16)"
	}
	if m.bf16 {
		if err := try(gpu.BF16, gpu.BF16); err != nil {
			c.bf16Reason = err.Error()
		} else {
			c.bf16 = true
		}
	}
	if m.f16 {
		c.f16 = true
		for _, w := range []gpu.DType{gpu.BF16, gpu.F16} {
			if w == gpu.BF16 && c.bf16 {
				continue
			}
			if err := try(w, gpu.F16); err != nil {
				c.f16, c.f16Reason = false, err.Error()
				break
			}
		}
	}
	switch {
	case c.bf16 || c.f16:
		c.wg = probe.WorkGroup
	case m.f16:
		c.reason = c.f16Reason
	default:
		c.reason = c.bf16Reason
	}
	return c
}

// coopTry builds the kernel for weights w on matrices mat and runs the
// self-test on it; on failure the pipeline is dropped again.
func (d *Device) coopTry(w, mat gpu.DType) error {
	key := kernelKey{name: coopKernel(w, mat), spec: [4]uint32{d.Info.Coop.WorkGroup}}
	code, err := spvFS.ReadFile("spv/" + key.name + ".spv")
	if err != nil {
		return fmt.Errorf("the cooperative-matrix kernel %s is missing from this build", key.name)
	}
	k := &pipeline{nbuf: 4}
	if err := d.buildPipeline(k, key, code); err != nil {
		k.destroy(d)
		why := err.Error()
		if e, ok := err.(*Error); ok {
			why = e.Op + ": " + e.Result.String()
		}
		return fmt.Errorf("the driver rejected the cooperative-matrix kernel (%s)", why)
	}
	d.kernels[key] = k
	if err := d.coopSelfTest(w, mat); err != nil {
		delete(d.kernels, key)
		k.destroy(d)
		return err
	}
	return nil
}

// dropKernels destroys the cooperative-matrix pipelines on matrices mat.
func (d *Device) dropKernels(mat gpu.DType) {
	for _, w := range []gpu.DType{gpu.BF16, gpu.F16} {
		key := kernelKey{name: coopKernel(w, mat), spec: [4]uint32{d.Info.Coop.WorkGroup}}
		if k, ok := d.kernels[key]; ok {
			delete(d.kernels, key)
			k.destroy(d)
		}
	}
}

// coopKernel names the kernel for weights w on matrices mat (F16 or BF16).
func coopKernel(w, mat gpu.DType) string {
	if mat == gpu.BF16 {
		return "gemm_coopmat_bf16mat"
	}
	return "gemm_coopmat_" + w.String()
}

// kernelFor is the kernel the device runs GEMMs with weights w on, if any.
func (c coopState) kernelFor(w gpu.DType) (string, bool) {
	switch {
	case c.wg == 0:
		return "", false
	case w == gpu.BF16 && c.bf16:
		return coopKernel(w, gpu.BF16), true
	case (w == gpu.BF16 || w == gpu.F16) && c.f16:
		return coopKernel(w, gpu.F16), true
	}
	return "", false
}

// CoopMatrixStatus says whether GEMMs with 16-bit weights run on
// cooperative matrices on this device, on which, or why not.
func (d *Device) CoopMatrixStatus() string {
	if d.coop.wg == 0 {
		st := "cooperative-matrix GEMMs not used: " + d.coop.reason
		if d.coop.bf16Reason != "" && d.coop.bf16Reason != d.coop.reason {
			st += "; bf16 matrices: " + d.coop.bf16Reason
		}
		return st
	}
	shapes := make([]string, 0, 2)
	if d.coop.bf16 {
		shapes = append(shapes, coopWantBF16.String())
	}
	if d.coop.f16 {
		shapes = append(shapes, coopWant.String())
	}
	st := fmt.Sprintf("cooperative-matrix GEMMs in use (%s, %d-wide subgroups): %s", strings.Join(shapes, ", "),
		d.Info.Coop.Caps.SubgroupSize, coopMatrices(d.coop.bf16, d.coop.f16))
	if !d.coop.bf16 && d.coop.bf16Reason != "" {
		st += "; no bf16 matrices: " + d.coop.bf16Reason
	}
	if !d.coop.f16 && d.coop.f16Reason != "" {
		st += "; no fp16 matrices: " + d.coop.f16Reason
	}
	return st
}

// backendDevice is the open device as the registry and the dashboard show
// it, with the GEMM kind it runs.
func (d *Device) backendDevice() backend.Device {
	bd := toBackendDevice(d.Info)
	switch {
	case d.coop.bf16 && d.coop.f16:
		bd.Driver += "; GEMMs: cooperative matrices (bf16 or fp16 in, fp32 sums)"
	case d.coop.bf16:
		bd.Driver += "; GEMMs: cooperative matrices (bf16 in, fp32 sums; fp16 weights tiled)"
	case d.coop.f16:
		bd.Driver += "; GEMMs: cooperative matrices (fp16 in, fp32 sums)"
	default:
		bd.Driver += "; GEMMs: tiled (" + d.coop.reason + ")"
	}
	return bd
}

// coopGemm records g on the cooperative-matrix kernel when the device has
// one for g's weights and g has enough rows; it reports whether it did
// (errors go to the batch as for any dispatch). The kernel addresses every
// operand element by element exactly as gemm.comp does (strides, batch,
// BDiv, any element offset), so the attention products over a bf16 KV
// cache (gpu.Backend.CachedAttention, B = a KV run) take it too when they
// have the rows; TestCoopMatrixParity checks those shapes on a device
// that has the extension.
func (b *Batch) coopGemm(g gpu.GEMM) bool {
	name, ok := b.d.coop.kernelFor(g.BType)
	if !ok || b.d.coop.off || g.M < coopMinM {
		return false
	}
	b.coopDispatch(name, b.d.coop.wg, g)
	return true
}

// coopDispatch records g on the cooperative-matrix kernel name with
// work groups of wg invocations.
func (b *Batch) coopDispatch(name string, wg uint32, g gpu.GEMM) {
	g.Batch, g.BDiv = max(g.Batch, 1), max(g.BDiv, 1)
	bufs, pc := g.Operands()
	b.dispatch(name, [4]uint32{wg}, bufs, pc,
		gpu.Groups(g.N, coopTile), gpu.Groups(g.M, coopTile), uint32(g.Batch))
}

// coopSelfTestShape: partial tiles in M, N and K.
const coopSelfM, coopSelfN, coopSelfK = 70, 72, 40

// coopSelfTestInputs are the self-test's operands: x, the weights as
// float32 (≤ 4 significant bits, so bf16 and fp16 hold them exactly), the
// bias and the initial out. Every sum is exact in fp32 and every rounding
// of x to 16 bits is the same under round-to-nearest-even and round-
// toward-zero, so a correct kernel matches coopReference to the last bit
// on any driver, while the result tells the matrix types apart: a third
// of the powers of two in x carry a 2⁻⁹ relative part that fp16 keeps and
// bf16 drops, and
// rows 3 and 66 are scaled by 2²⁰, beyond fp16's range (fp16 saturates
// them at 65504, bf16 keeps them).
func coopSelfTestInputs() (x, wf, bias, c0 []float32) {
	const M, N, K = coopSelfM, coopSelfN, coopSelfK
	val := func(i, mod int) float32 { return float32(i%mod-mod/2) / 8 }
	x, wf, bias, c0 = make([]float32, M*K), make([]float32, N*K), make([]float32, N), make([]float32, M*N)
	for i := range x {
		x[i] = val(i*7, 17)
		if k := math.Abs(float64(x[i]) * 8); i%3 == 0 && k != 0 && bits.OnesCount(uint(k)) == 1 {
			x[i] *= 1 + 1.0/512 // ±2ᵉ(1+2⁻⁹): fp16 holds it, bf16 rounds it to ±2ᵉ both ways
		}
		if r := i / K; r == 3 || r == 66 {
			x[i] *= 1 << 20
		}
	}
	for i := range wf {
		wf[i] = val(i*5, 13)
	}
	for i := range bias {
		bias[i] = val(i, 9)
	}
	for i := range c0 {
		c0[i] = val(i*3, 11)
	}
	return x, wf, bias, c0
}

// coopRound is x as the kernel's matrices of type mat hold it: bf16
// rounded to nearest even, or fp16 saturated at ±65504.
func coopRound(mat gpu.DType, x float32) float32 {
	if mat == gpu.BF16 {
		return cpu.BF16ToF32(cpu.F32ToBF16(x))
	}
	return safetensors.F16ToF32(safetensors.F32ToF16(min(max(x, -65504), 65504)))
}

// coopReference is the host's out = x·wᵀ (x rounded to mat, fp32 sums in
// k order) + c0 + bias, added in the kernel's epilogue order.
func coopReference(mat gpu.DType, x, wf, bias, c0 []float32, M, N, K int) []float32 {
	out := make([]float32, M*N)
	for m := 0; m < M; m++ {
		for n := 0; n < N; n++ {
			s := float32(0)
			for k := 0; k < K; k++ {
				s += coopRound(mat, x[m*K+k]) * wf[n*K+k]
			}
			v := s + c0[m*N+n]
			out[m*N+n] = v + bias[n]
		}
	}
	return out
}

// coopSelfTest runs out = x·wᵀ + bias + out for weights w on matrices mat
// with coopSelfTestInputs and compares with coopReference bit for bit.
func (d *Device) coopSelfTest(w, mat gpu.DType) error {
	const M, N, K = coopSelfM, coopSelfN, coopSelfK
	x, wf, bias, c0 := coopSelfTestInputs()
	wb := make([]uint16, len(wf))
	for i, v := range wf {
		if w == gpu.BF16 {
			wb[i] = cpu.F32ToBF16(v)
		} else {
			wb[i] = safetensors.F32ToF16(v)
		}
	}
	want := coopReference(mat, x, wf, bias, c0, M, N, K)
	got, err := d.coopRun(coopKernel(w, mat), x, wb, bias, c0, M, N, K)
	if err != nil {
		return fmt.Errorf("the cooperative-matrix self-test (%v weights on %v matrices) could not run: %v", w, mat, err)
	}
	for i := range want {
		if got[i] != want[i] {
			return fmt.Errorf("the cooperative-matrix self-test (%v weights on %v matrices) gave %v at row %d column %d, want %v", w, mat, got[i], i/N, i%N, want[i])
		}
	}
	return nil
}

// coopRun uploads the operands, runs one GEMM out = x·wᵀ + bias + c0 on
// the cooperative-matrix kernel name and returns out.
func (d *Device) coopRun(name string, x []float32, w []uint16, bias, c0 []float32, M, N, K int) ([]float32, error) {
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
	bt.coopDispatch(name, d.Info.Coop.WorkGroup, gpu.GEMM{A: xb, B: wb, C: cb, Bias: bb, M: M, N: N, K: K, SAM: K, SAK: 1, SBK: 1, SBN: K, SCM: N, Alpha: 1, Beta: 1})
	if err := bt.Run(); err != nil {
		return nil, err
	}
	out := make([]float32, M*N)
	return out, DownloadF32(d, cb, 0, out)
}
