package vulkan

import (
	"encoding/binary"
	"fmt"
	"github.com/swarmdesk/swarmdesk/engine/backend/conformance"
	"github.com/swarmdesk/swarmdesk/engine/backend/gpu"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/cpu"
	"github.com/swarmdesk/swarmdesk/engine/safetensors"
)

// TestChooseCoop: the cooperative-matrix decision from what a device
// offers, on made-up devices (no such device runs here): the work-group
// size, which matrices (bf16 preferred for bf16 weights, fp16 otherwise)
// and the reasons.
func TestChooseCoop(t *testing.T) {
	nv := CoopCaps{Extension: true, QueryFunc: true, CoopFeature: true, Float16: true, MemoryModel: true,
		SubgroupSize: 32, SubgroupBasic: true, Shapes: []CoopShape{
			{M: 16, N: 8, K: 16, A: componentFloat16, B: componentFloat16, C: componentFloat32, Result: componentFloat32, Scope: scopeSubgroup},
			coopWant,
			{M: 16, N: 16, K: 16, A: componentFloat16, B: componentFloat16, C: componentFloat16, Result: componentFloat16, Scope: scopeSubgroup},
		}}
	with := func(f func(c *CoopCaps)) CoopCaps {
		c := nv
		c.Shapes = append([]CoopShape(nil), nv.Shapes...)
		f(&c)
		return c
	}
	// A driver with VK_KHR_shader_bfloat16 that lists bf16 matrices too.
	bf := func(f func(c *CoopCaps)) CoopCaps {
		return with(func(c *CoopCaps) {
			c.BF16Extension, c.BF16Type, c.BF16CoopMatrix = true, true, true
			c.Shapes = append(c.Shapes, coopWantBF16)
			f(c)
		})
	}
	bfOnly := func(c *CoopCaps) { c.Shapes = []CoopShape{coopWantBF16} }
	bf16acc := CoopShape{M: 16, N: 16, K: 16, A: componentBFloat16, B: componentBFloat16, C: componentBFloat16, Result: componentBFloat16, Scope: scopeSubgroup}
	for _, tc := range []struct {
		name          string
		caps          CoopCaps
		maxInv        uint32
		maxShared     uint32
		wantWG        uint32
		wantBF, wantF bool
		// a substring of Reason when wantWG == 0, else of the reason
		// the kind not used is not
		reason string
	}{
		{"NVIDIA-like: 16x16x16 among others, subgroup 32", nv, 1024, 49152, 128, false, true, "does not offer 16×16×16 bf16·bf16→f32"},
		{"AMD-like: only 16x16x16, subgroup 64", with(func(c *CoopCaps) { c.SubgroupSize = 64; c.Shapes = c.Shapes[1:2] }), 1024, 65536, 256, false, true, "bf16"},
		{"lavapipe: no extension", CoopCaps{SubgroupSize: 8}, 1024, 32768, 0, false, false, "does not offer VK_KHR_cooperative_matrix"},
		{"old loader: no query function", with(func(c *CoopCaps) { c.QueryFunc = false; c.Shapes = nil }), 1024, 49152, 0, false, false, "loader is too old"},
		{"feature off", with(func(c *CoopCaps) { c.CoopFeature = false }), 1024, 49152, 0, false, false, "cooperativeMatrix feature off"},
		{"Intel-like: only 8x8x16", with(func(c *CoopCaps) {
			c.Shapes = []CoopShape{{M: 8, N: 8, K: 16, A: componentFloat16, B: componentFloat16, C: componentFloat32, Result: componentFloat32, Scope: scopeSubgroup}}
		}), 1024, 65536, 0, false, false, "it offers: 8×8×16 f16·f16→f32 (subgroup)"},
		{"fp16 accumulate only", with(func(c *CoopCaps) { c.Shapes = c.Shapes[2:] }), 1024, 49152, 0, false, false, "16×16×16 f16·f16→f16"},
		{"workgroup scope only", with(func(c *CoopCaps) { c.Shapes = c.Shapes[1:2]; c.Shapes[0].Scope = 2 }), 1024, 49152, 0, false, false, "(workgroup)"},
		{"no shapes listed", with(func(c *CoopCaps) { c.Shapes = nil }), 1024, 49152, 0, false, false, "it offers: none"},
		{"no shaderFloat16", with(func(c *CoopCaps) { c.Float16 = false }), 1024, 49152, 0, false, false, "shaderFloat16"},
		{"no memory model", with(func(c *CoopCaps) { c.MemoryModel = false }), 1024, 49152, 0, false, false, "vulkanMemoryModel"},
		{"no subgroup ops in compute", with(func(c *CoopCaps) { c.SubgroupBasic = false }), 1024, 49152, 0, false, false, "subgroup operations"},
		{"subgroup too wide for the work group", with(func(c *CoopCaps) { c.SubgroupSize = 128 }), 256, 49152, 0, false, false, "subgroup size 128"},
		{"subgroup size not a power of two", with(func(c *CoopCaps) { c.SubgroupSize = 24 }), 1024, 49152, 0, false, false, "subgroup size 24"},
		{"too little shared memory", nv, 1024, 8192, 0, false, false, "shared memory"},

		// bf16 matrices (VK_KHR_shader_bfloat16).
		{"bf16 and fp16 offered: bf16 for bf16 weights, fp16 for fp16 weights", bf(func(*CoopCaps) {}), 1024, 49152, 128, true, true, ""},
		{"only bf16 offered: fp16 weights stay tiled", bf(bfOnly), 1024, 49152, 128, true, false, "does not offer 16×16×16 f16·f16→f32"},
		{"bf16 offered, shaderBFloat16CooperativeMatrix off", bf(func(c *CoopCaps) { c.BF16CoopMatrix = false }), 1024, 49152, 128, false, true, "shaderBFloat16CooperativeMatrix feature off"},
		{"bf16 offered, shaderBFloat16Type off", bf(func(c *CoopCaps) { c.BF16Type = false }), 1024, 49152, 128, false, true, "shaderBFloat16Type"},
		{"bf16 shape listed without VK_KHR_shader_bfloat16", bf(func(c *CoopCaps) { c.BF16Extension, c.BF16Type, c.BF16CoopMatrix = false, false, false }), 1024, 49152, 128, false, true, "not VK_KHR_shader_bfloat16"},
		{"VK_KHR_shader_bfloat16 but bf16 accumulate only", bf(func(c *CoopCaps) { c.Shapes[len(c.Shapes)-1] = bf16acc }), 1024, 49152, 128, false, true, "does not offer 16×16×16 bf16·bf16→f32"},
		{"bf16 at workgroup scope only", bf(func(c *CoopCaps) { c.Shapes[len(c.Shapes)-1].Scope = 2 }), 1024, 49152, 128, false, true, "bf16·bf16→f32 (subgroup)"},
		{"fp16 offered without shaderFloat16, bf16 without its feature", bf(func(c *CoopCaps) { c.Float16, c.BF16CoopMatrix = false, false }), 1024, 49152, 0, false, false, "shaderBFloat16CooperativeMatrix feature off; for fp16 matrices the driver has no fp16"},
		{"only bf16 offered, feature off", bf(func(c *CoopCaps) { bfOnly(c); c.BF16CoopMatrix = false }), 1024, 49152, 0, false, false, "shaderBFloat16CooperativeMatrix"},
		{"only bf16 offered, no shaderFloat16 (glslang declares Float16)", bf(func(c *CoopCaps) { bfOnly(c); c.Float16 = false }), 1024, 49152, 0, false, false, "declares (Float16)"},
		{"only bf16 offered, subgroup 64 (AMD-like)", bf(func(c *CoopCaps) { bfOnly(c); c.SubgroupSize = 64 }), 1024, 65536, 256, true, false, "f16·f16"},
		{"bf16 offered, no memory model", bf(func(c *CoopCaps) { c.MemoryModel = false }), 1024, 49152, 0, false, false, "vulkanMemoryModel"},
		{"bf16 offered, too little shared memory", bf(func(*CoopCaps) {}), 1024, 8192, 0, false, false, "shared memory"},
		{"bf16 extension without cooperative matrices", CoopCaps{BF16Extension: true, BF16Type: true, Float16: true, SubgroupSize: 32, SubgroupBasic: true}, 1024, 49152, 0, false, false, "does not offer VK_KHR_cooperative_matrix"},
		{"bf16 shapes only, not the one used", bf(func(c *CoopCaps) { c.Shapes = []CoopShape{bf16acc} }), 1024, 49152, 0, false, false, "it offers: 16×16×16 bf16·bf16→bf16 (subgroup)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := chooseCoop(tc.caps, tc.maxInv, tc.maxShared)
			if s.WorkGroup != tc.wantWG || s.BF16 != tc.wantBF || s.F16 != tc.wantF {
				t.Fatalf("work group %d, bf16 %v, f16 %v (reason %q), want %d, %v, %v", s.WorkGroup, s.BF16, s.F16, s.Reason, tc.wantWG, tc.wantBF, tc.wantF)
			}
			if tc.wantWG == 0 {
				if !strings.Contains(s.Reason, tc.reason) {
					t.Errorf("reason %q does not say %q", s.Reason, tc.reason)
				}
				return
			}
			if s.Reason != "" {
				t.Errorf("usable but with reason %q", s.Reason)
			}
			if !s.BF16 && !s.F16 {
				t.Error("usable without matrices")
			}
			for _, k := range []struct {
				used   bool
				reason string
			}{{s.BF16, s.BF16Reason}, {s.F16, s.F16Reason}} {
				switch {
				case k.used && k.reason != "":
					t.Errorf("in use but with reason %q", k.reason)
				case !k.used && (k.reason == "" || !strings.Contains(k.reason, tc.reason)):
					t.Errorf("not in use, reason %q does not say %q", k.reason, tc.reason)
				}
			}
			if m := s.Matrices(); !strings.Contains(m, map[bool]string{true: "bf16 matrices", false: "fp16 matrices for bf16"}[s.BF16]) {
				t.Errorf("matrices %q", m)
			}
		})
	}
}

// coopKernels are the cooperative-matrix kernels: weights and matrices.
var coopKernels = []struct{ w, mat gpu.DType }{{gpu.BF16, gpu.BF16}, {gpu.BF16, gpu.F16}, {gpu.F16, gpu.F16}}

// TestCoopKernelsEmbedded checks the committed cooperative-matrix SPIR-V
// against what the Go side assumes (CI cannot rebuild it: see
// shaders/build.sh): the capabilities Open enables, entry point main,
// work-group size from spec constant 0 and storage buffers at bindings 0–3.
func TestCoopKernelsEmbedded(t *testing.T) {
	const (
		opCapability = 17
		opEntryPoint = 15
		opDecorate   = 71
		decSpecID    = 1
		decBinding   = 33
		capShader    = 1
		capFloat16   = 9
		capGroupNU   = 61
		capVkMemory  = 5345
		capCoopKHR   = 6022
		capBF16Type  = 5116
		capBF16Coop  = 5118
	)
	for _, kn := range coopKernels {
		name := coopKernel(kn.w, kn.mat)
		code, err := spvFS.ReadFile("spv/" + name + ".spv")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(code)%4 != 0 || len(code) < 20 || binary.LittleEndian.Uint32(code) != 0x07230203 {
			t.Fatalf("%s: not SPIR-V", name)
		}
		caps, bindings, specIDs, entry := map[uint32]bool{}, map[uint32]bool{}, map[uint32]bool{}, ""
		for i := 5; i < len(code)/4; {
			w := binary.LittleEndian.Uint32(code[4*i:])
			op, n := w&0xffff, int(w>>16)
			if n == 0 || i+n > len(code)/4 {
				t.Fatalf("%s: malformed instruction at word %d", name, i)
			}
			arg := func(j int) uint32 { return binary.LittleEndian.Uint32(code[4*(i+j):]) }
			switch {
			case op == opCapability:
				caps[arg(1)] = true
			case op == opEntryPoint:
				entry = cname(code[4*(i+3) : 4*(i+n)])
			case op == opDecorate && n >= 4 && arg(2) == decBinding:
				bindings[arg(3)] = true
			case op == opDecorate && n >= 4 && arg(2) == decSpecID:
				specIDs[arg(3)] = true
			}
			i += n
		}
		// Float16 in the bf16 kernel too: glslang declares it for any
		// 16-bit float type, so Open enables shaderFloat16 for both.
		want := []uint32{capFloat16, capGroupNU, capVkMemory, capCoopKHR}
		if kn.mat == gpu.BF16 {
			want = append(want, capBF16Type, capBF16Coop)
		} else if caps[capBF16Type] || caps[capBF16Coop] {
			t.Errorf("%s: a bf16 capability in an fp16-matrix kernel", name)
		}
		for _, c := range want {
			if !caps[c] {
				t.Errorf("%s: capability %d missing", name, c)
			}
		}
		for c := range caps {
			if !slices.Contains(append(want, capShader), c) {
				t.Errorf("%s: capability %d that Open does not enable", name, c)
			}
		}
		if entry != "main" {
			t.Errorf("%s: entry point %q, want main", name, entry)
		}
		if len(bindings) != 4 || !bindings[0] || !bindings[3] {
			t.Errorf("%s: bindings %v, want 0-3", name, bindings)
		}
		if !specIDs[0] {
			t.Errorf("%s: no spec constant 0 (the work-group size)", name)
		}
	}
}

// TestCoopMatrixStatus: the device says whether cooperative-matrix GEMMs
// are in use, and on lavapipe (Mesa 22.3: no VK_KHR_cooperative_matrix)
// why not.
func TestCoopMatrixStatus(t *testing.T) {
	d := device(t)
	st := d.CoopMatrixStatus()
	t.Logf("vulkan:%d %q: %s", d.Info.Index, d.Info.Name, st)
	if d.coop.wg == 0 && (d.coop.reason == "" || !strings.Contains(st, "not used: ")) {
		t.Errorf("not in use but no reason: %q", st)
	}
	if !d.Info.hasExtension(coopMatrixExtName) && d.coop.wg != 0 {
		t.Error("in use on a device without the extension")
	}
}

// TestCoopFeatureQuery reads, on whatever device the tests use, the
// features and subgroup properties the cooperative-matrix path asks for
// (the same structs and calls as on a GPU), so their layouts are checked
// even where the extension itself is absent.
func TestCoopFeatureQuery(t *testing.T) {
	d := device(t)
	var c CoopCaps
	d.in.coopFeatures(d.phys, &c, d.Info.hasExtension(coopMatrixExtName), d.Info.hasExtension(bfloat16ExtName))
	t.Logf("vulkan:%d: shaderFloat16 %v, vulkanMemoryModel %v, subgroup size %d, basic subgroup ops in compute %v, shaderBFloat16Type %v, shaderBFloat16CooperativeMatrix %v",
		d.Info.Index, c.Float16, c.MemoryModel, c.SubgroupSize, c.SubgroupBasic, c.BF16Type, c.BF16CoopMatrix)
	if !d.Info.hasExtension(bfloat16ExtName) && (c.BF16Type || c.BF16CoopMatrix) {
		t.Errorf("bf16 features read on a device without %s", bfloat16ExtName)
	}
	if d.in.tab[fnGetPhysicalDeviceProperties2] == 0 {
		t.Skip("no vkGetPhysicalDeviceProperties2 (a Vulkan 1.0 driver)")
	}
	// Vulkan 1.1 requires a power-of-two subgroup size ≥ 1 and basic
	// subgroup operations in compute shaders.
	if c.SubgroupSize == 0 || c.SubgroupSize&(c.SubgroupSize-1) != 0 || c.SubgroupSize > 128 || !c.SubgroupBasic {
		t.Errorf("subgroup properties read wrong (layout bug?): %+v", c)
	}
}

// coopDevice is the test device when it runs cooperative-matrix GEMMs;
// otherwise the test is skipped with the reason.
func coopDevice(t testing.TB) *Device {
	d := device(t)
	if d.coop.wg == 0 {
		t.Skipf("%s on vulkan:%d %q; this test runs where the driver offers them (scripts/gpu-check.sh on a GPU)",
			d.CoopMatrixStatus(), d.Info.Index, d.Info.Name)
	}
	return d
}

// TestCoopMatrixParity: GEMMs with 16-bit weights on cooperative matrices
// against the host (inputs rounded to fp16 or bf16 as the kernel rounds
// them, fp64 sums) and against the tiled kernel, over the layouts the
// model uses; every kernel the device runs (bf16 weights on bf16 matrices
// and, forced, on fp16 ones where it has both).
func TestCoopMatrixParity(t *testing.T) {
	d := coopDevice(t)
	r := rand.New(rand.NewPCG(21, 21))
	ran := 0
	for _, kn := range coopKernels {
		dt, mat := kn.w, kn.mat
		if mat == gpu.BF16 && !d.coop.bf16 || mat == gpu.F16 && !d.coop.f16 {
			t.Logf("%v weights on %v matrices: not on this device (%s)", dt, mat, d.CoopMatrixStatus())
			continue
		}
		ran++
		if dt == gpu.BF16 && mat == gpu.F16 {
			coopBuildF16ForBF16(t, d)
		}
		h := func(v float32) float32 { return coopRound(mat, v) }
		for _, sh := range []struct {
			name               string
			M, N, K, batch     int
			transA, transB     bool // A stored [K][M] / B stored [K][N]
			alpha, beta, bias_ bool
			bdiv, aoff, boff   int // 0: BDiv 1, no offsets
		}{
			{"x·wT", 64, 96, 64, 1, false, false, false, false, false, 0, 0, 0},
			{"x·wT ragged+bias", 70, 130, 50, 1, false, false, false, false, true, 0, 0, 0},
			{"dy·w (B k-major)", 33, 40, 77, 1, false, true, false, true, false, 0, 0, 0},
			{"A m-major, alpha", 48, 80, 45, 1, true, false, true, false, false, 0, 0, 0},
			{"batched", 20, 24, 32, 3, false, false, false, true, true, 0, 0, 0},
			// CachedAttention's products over a bf16 KV cache: query heads
			// sharing a KV head (BDiv) and runs at odd element offsets.
			{"attention scores over a KV run", 20, 24, 32, 4, false, false, false, false, false, 2, 3, 5},
			{"attention outputs over a KV run", 17, 32, 24, 4, false, true, false, true, false, 2, 1, 7},
			{"prefill MLP", 256, 512, 896, 1, false, false, false, false, false, 0, 0, 0},
		} {
			t.Run(fmt.Sprintf("%v on %v/%s", dt, mat, sh.name), func(t *testing.T) {
				M, N, K, B := sh.M, sh.N, sh.K, sh.batch
				bdiv := max(sh.bdiv, 1)
				x := randv(r, sh.aoff+B*M*K, 1)
				wf := randv(r, sh.boff+B/bdiv*N*K, 0.1)
				bits := make([]uint16, len(wf))
				wr := make([]float32, len(wf)) // the weight as the kernel sees it
				for i, v := range wf {
					if dt == gpu.BF16 {
						bits[i] = cpu.F32ToBF16(v)
						wr[i] = h(cpu.BF16ToF32(bits[i])) // exact on bf16 matrices
					} else {
						bits[i] = safetensors.F32ToF16(v)
						wr[i] = safetensors.F16ToF32(bits[i])
					}
				}
				c0, bias := randv(r, B*M*N, 1), randv(r, N, 1)
				g := gpu.GEMM{BType: dt, M: M, N: N, K: K, Batch: B, SA: M * K, SB: N * K, SC: M * N, SCM: N, Alpha: 1,
					BDiv: bdiv, AOff: sh.aoff, BOff: sh.boff}
				g.SAM, g.SAK = K, 1
				if sh.transA {
					g.SAM, g.SAK = 1, M
				}
				g.SBK, g.SBN = 1, K
				if sh.transB {
					g.SBK, g.SBN = N, 1
				}
				if sh.alpha {
					g.Alpha = 0.5
				}
				if sh.beta {
					g.Beta = 1
				}
				want := make([]float64, B*M*N)
				for b := 0; b < B; b++ {
					for m := 0; m < M; m++ {
						for n := 0; n < N; n++ {
							s := 0.0
							for k := 0; k < K; k++ {
								s += float64(h(x[sh.aoff+b*M*K+m*g.SAM+k*g.SAK])) * float64(wr[sh.boff+b/bdiv*N*K+k*g.SBK+n*g.SBN])
							}
							v := float64(g.Alpha) * s
							if sh.beta {
								v += float64(c0[b*M*N+m*N+n])
							}
							if sh.bias_ {
								v += float64(bias[n])
							}
							want[b*M*N+m*N+n] = v
						}
					}
				}
				wb, err := d.Alloc(uint64(len(bits)+len(bits)%2) * 2)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(wb.Free)
				if err := UploadU16(d, wb, 0, bits); err != nil {
					t.Fatal(err)
				}
				g.A, g.B = up(t, d, x), wb
				if sh.bias_ {
					g.Bias = up(t, d, bias)
				}
				outs := map[bool][]float32{}
				saved := d.coop
				for _, coop := range []bool{true, false} {
					g.C = up(t, d, c0)
					d.coop.off = !coop
					d.coop.bf16 = mat == gpu.BF16 // bf16 weights on fp16 matrices where the device has both
					run(t, d, func(b *gpu.Recorder) { b.Gemm(g) })
					d.coop = saved
					outs[coop] = down(t, d, g.C, B*M*N)
				}
				conformance.Near(t, fmt.Sprintf("cooperative-matrix GEMM vs %v-rounded host reference", mat), outs[true], want, 1e-5)
				// The tiled kernel keeps x in fp32: the two differ by the
				// rounding of x only, 8 times coarser in bf16.
				tol := 2e-3*float64(K)/64 + 1e-3
				if mat == gpu.BF16 {
					tol *= 8
				}
				conformance.Near(t, "cooperative-matrix vs tiled GEMM", outs[true], outs[false], tol)
			})
		}
	}
	if ran == 0 {
		t.Fatalf("cooperative matrices in use but no kernel ran: %s", d.CoopMatrixStatus())
	}
}

// coopBuildF16ForBF16 builds (and self-tests) the kernel for bf16 weights
// on fp16 matrices, which Open leaves out where bf16 matrices work, so a
// test can run it by clearing d.coop.bf16.
func coopBuildF16ForBF16(t testing.TB, d *Device) {
	t.Helper()
	if _, ok := d.kernels[kernelKey{name: coopKernel(gpu.BF16, gpu.F16), spec: [4]uint32{d.Info.Coop.WorkGroup}}]; ok {
		return
	}
	if err := d.coopTry(gpu.BF16, gpu.F16); err != nil {
		t.Fatalf("bf16 weights on fp16 matrices: %v", err)
	}
}

// BenchmarkGemmCoopMatrix: the same GEMMs with bf16 weights on
// cooperative matrices (the device's choice: bf16 ones where it has
// them), on fp16 matrices as well where it has both (coopf16m) and on the
// tiled kernel (scripts/gpu-check.sh prints them).
func BenchmarkGemmCoopMatrix(b *testing.B) {
	d := coopDevice(b)
	r := rand.New(rand.NewPCG(7, 7))
	for _, sh := range []struct{ M, N, K int }{{64, 4864, 896}, {512, 4864, 896}, {512, 896, 4864}, {2048, 4864, 896}} {
		x := up(b, d, randv(r, sh.M*sh.K, 1))
		w := bf16Weights(b, d, r, sh.N*sh.K)
		out := zeros(b, d, sh.M*sh.N)
		kinds := []string{"coop", "tiled"}
		if d.coop.bf16 && d.coop.f16 {
			coopBuildF16ForBF16(b, d)
			kinds = append(kinds, "coopf16m")
		}
		for _, kind := range kinds {
			b.Run(fmt.Sprintf("%dx%dx%d_bf16_%s", sh.M, sh.N, sh.K, kind), func(b *testing.B) {
				saved := d.coop
				d.coop.off = kind == "tiled"
				d.coop.bf16 = d.coop.bf16 && kind != "coopf16m"
				defer func() { d.coop = saved }()
				benchBatch(b, d, func(bt *gpu.Recorder) { bt.MatMulT(out, x, w, nil, gpu.BF16, sh.M, sh.N, sh.K) })
				flops := 2 * float64(sh.M) * float64(sh.N) * float64(sh.K) * reps * float64(b.N)
				b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// openPretendingCoop opens the test device's physical device the way Open
// does, but with the probe's verdict replaced by "usable" (fp16 matrices,
// and bf16 ones with bf16) and then edited by edit: it drives the
// fallbacks on a device that cannot really run the kernel.
func openPretendingCoop(t *testing.T, bf16 bool, edit func(d *Device)) *Device {
	t.Helper()
	base := device(t)
	in, err := newInstance()
	if err != nil {
		t.Fatal(err)
	}
	hs, infos, err := in.physicalDevices()
	if err != nil {
		in.destroy()
		t.Fatal(err)
	}
	info := infos[base.Info.Index]
	info.Coop = CoopSupport{WorkGroup: 32, F16: true, BF16: bf16}
	d := &Device{Info: info, in: in, phys: hs[base.Info.Index], kernels: map[kernelKey]*pipeline{}, buffers: map[*Buffer]struct{}{}}
	if edit != nil {
		edit(d)
	}
	if err := d.init(); err != nil {
		d.Close()
		t.Fatalf("open must not fail for the cooperative-matrix path: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// TestCoopDeviceRefusedFallsBack: a driver that refuses the device with
// the cooperative-matrix extensions and features (with the bf16 ones, then
// without) gets a device without them, the tiled GEMM, and a reason.
func TestCoopDeviceRefusedFallsBack(t *testing.T) {
	if device(t).Info.hasExtension(coopMatrixExtName) {
		t.Skip("this device offers the extension, so it would not refuse it")
	}
	for _, bf16 := range []bool{false, true} {
		t.Run(fmt.Sprint("bf16 matrices ", bf16), func(t *testing.T) { coopRefused(t, bf16) })
	}
}

func coopRefused(t *testing.T, bf16 bool) {
	d := openPretendingCoop(t, bf16, nil)
	if d.coop.wg != 0 || !strings.Contains(d.CoopMatrixStatus(), "refused to create the device") {
		t.Fatalf("status %q (wg %d)", d.CoopMatrixStatus(), d.coop.wg)
	}
	if _, ok := d.coop.kernelFor(gpu.BF16); ok {
		t.Fatal("a cooperative-matrix kernel for bf16 weights after the refusal")
	}
	// And the device works: a bf16 GEMM with enough rows for the
	// cooperative-matrix path runs on the tiled kernel.
	M, N, K := 32, 8, 16
	x, w := randv(rand.New(rand.NewPCG(1, 1)), M*K, 1), make([]uint16, N*K)
	wf := make([]float32, N*K)
	for i := range w {
		w[i] = cpu.F32ToBF16(float32(i%5) / 4)
		wf[i] = cpu.BF16ToF32(w[i])
	}
	want := make([]float32, M*N)
	cpu.MatMulT(want, x, wf, nil, M, N, K)
	wb, err := d.Alloc(uint64(len(w)) * 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := UploadU16(d, wb, 0, w); err != nil {
		t.Fatal(err)
	}
	xb, out := up(t, d, x), zeros(t, d, M*N)
	run(t, d, func(b *gpu.Recorder) { b.MatMulT(out, xb, wb, nil, gpu.BF16, M, N, K) })
	conformance.Near(t, "tiled fallback", down(t, d, out, M*N), want, 1e-5)
}

// TestCoopShaderRejectedFallsBack: a driver that takes the device but
// rejects the cooperative-matrix shader (lavapipe does, having no such
// capability) leaves the tiled GEMM in use with the reason, and Open does
// not fail. Only on lavapipe: another driver without the extension might
// not reject an unknown capability as gracefully.
func TestCoopShaderRejectedFallsBack(t *testing.T) {
	if base := device(t); base.Info.Type != TypeCPU || base.Info.hasExtension(coopMatrixExtName) {
		t.Skip("runs on lavapipe only")
	}
	rejected := func(k string) string {
		return "rejected the cooperative-matrix kernel (build kernel " + k + ": vkCreateComputePipelines"
	}
	for _, tc := range []struct {
		name string
		mats coopMats
		want []string // in the status
	}{
		{"fp16 matrices", coopMats{f16: true}, []string{rejected("gemm_coopmat_bf16")}},
		// The bf16 kernel is rejected first, then the fp16 one that bf16
		// weights would fall back to.
		{"bf16 and fp16 matrices", coopMats{bf16: true, f16: true},
			[]string{"not used: the driver " + rejected("gemm_coopmat_bf16"), "; bf16 matrices: the driver " + rejected("gemm_coopmat_bf16mat")}},
		{"bf16 matrices only", coopMats{bf16: true}, []string{"not used: the driver " + rejected("gemm_coopmat_bf16mat")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := openPretendingCoop(t, tc.mats.bf16, func(d *Device) { d.Info.Coop.F16 = tc.mats.f16 })
			// The device came up without the features; build the kernels anyway.
			d.coopSetup(tc.mats)
			st := d.CoopMatrixStatus()
			if d.coop.wg != 0 || d.coop.bf16 || d.coop.f16 {
				t.Fatalf("status %q (wg %d, bf16 %v, f16 %v)", st, d.coop.wg, d.coop.bf16, d.coop.f16)
			}
			for _, w := range tc.want {
				if !strings.Contains(st, w) {
					t.Errorf("status %q does not say %q", st, w)
				}
			}
			for key := range d.kernels {
				if strings.HasPrefix(key.name, "gemm_coopmat") {
					t.Errorf("rejected pipeline %s kept", key.name)
				}
			}
			if !strings.Contains(d.backendDevice().Driver, "GEMMs: tiled") {
				t.Errorf("device line %q", d.backendDevice().Driver)
			}
		})
	}
}

// TestCoopReference: the host side of the open-time self-test. The
// reference rounds x as each kind of matrix holds it (bf16 to nearest
// even with fp32's range, fp16 saturated) and adds in the kernel's
// epilogue order; the self-test's inputs give the same 16-bit values under
// either rounding mode a driver may use, sums exact in any order (so the
// comparison can be bit for bit), and different results on bf16 and fp16
// matrices (so a kernel on the wrong matrices fails it).
func TestCoopReference(t *testing.T) {
	for _, tc := range []struct {
		mat  gpu.DType
		x    float32
		want float32
	}{
		{gpu.BF16, 1e6, 999424},                   // to nearest: 0x4974_2400 → 0x4974
		{gpu.F16, 1e6, 65504},                     // saturated
		{gpu.F16, -1e6, -65504},                   // saturated
		{gpu.BF16, -70000, -70144},                // 0xc788_b800 rounds up in magnitude
		{gpu.BF16, 1 + 1.0/512, 1},                // below half a bf16 ulp
		{gpu.F16, 1 + 1.0/512, 1 + 1.0/512},       // fp16 holds it
		{gpu.BF16, 1 + 1.0/256, 1},                // a tie: to even
		{gpu.BF16, 1 + 3.0/256, 1 + 1.0/64},       // a tie: to even, upwards
		{gpu.F16, 1 + 1.0/4096, 1},                // below half an fp16 ulp
		{gpu.BF16, 3.0e38, 3.0040553e38},          // fp32's range: 0x7f61_b1e6 → 0x7f62
		{gpu.BF16, 0.1, 0.10009765625},            // 0x3dcc_cccd → 0x3dcd
		{gpu.F16, 0.1, 0.0999755859375},           // 0x2e66
		{gpu.F16, 6e-8, 5.9604645e-08},            // fp16's smallest subnormal
		{gpu.BF16, 6e-8, 5.9604645e-08 + 0x1p-31}, // bf16 keeps more of it
	} {
		if got := coopRound(tc.mat, tc.x); got != tc.want {
			t.Errorf("coopRound(%v, %v) = %v, want %v", tc.mat, tc.x, got, tc.want)
		}
	}

	// out = x·wᵀ + c0 + bias on one element, with x[0] beyond fp16's range.
	x, w, c0, bias := []float32{70000, 1}, []float32{1, 0.5}, []float32{0.25}, []float32{2}
	for mat, want := range map[gpu.DType]float32{gpu.BF16: 70144 + 0.5 + 0.25 + 2, gpu.F16: 65504 + 0.5 + 0.25 + 2} {
		if got := coopReference(mat, x, w, bias, c0, 1, 1, 2); got[0] != want {
			t.Errorf("coopReference on %v matrices = %v, want %v", mat, got[0], want)
		}
	}

	// The self-test's inputs.
	const M, N, K = coopSelfM, coopSelfN, coopSelfK
	xs, ws, bs, cs := coopSelfTestInputs()
	kept := 0 // x values fp16 keeps and bf16 rounds
	for i, v := range xs {
		b := coopRound(gpu.BF16, v)
		if toZero := cpu.BF16ToF32(uint16(math.Float32bits(v) >> 16)); b != toZero {
			t.Fatalf("x[%d] = %v: bf16 %v to nearest, %v toward zero", i, v, b, toZero)
		}
		if h := coopRound(gpu.F16, v); h != v && math.Abs(float64(v)) <= 65504 {
			t.Fatalf("x[%d] = %v: fp16 rounds it to %v (the self-test needs it exact)", i, v, h)
		} else if h == v && b != v {
			kept++
		}
	}
	for i, v := range ws {
		if cpu.BF16ToF32(cpu.F32ToBF16(v)) != v || safetensors.F16ToF32(safetensors.F32ToF16(v)) != v {
			t.Fatalf("w[%d] = %v: not exact in bf16 and fp16", i, v)
		}
	}
	if kept == 0 {
		t.Error("no x value tells fp16 from bf16 matrices apart below fp16's range")
	}
	refs := map[gpu.DType][]float32{}
	for _, mat := range []gpu.DType{gpu.BF16, gpu.F16} {
		// Every sum exact in any order: all products on one grid 2^e and
		// the sum of their magnitudes below 2^24 · 2^e.
		for m := 0; m < M; m++ {
			for n := 0; n < N; n++ {
				e, abs := math.MaxInt, 0.0
				for k := 0; k < K; k++ {
					p := float64(coopRound(mat, xs[m*K+k])) * float64(ws[n*K+k])
					if float64(float32(p)) != p {
						t.Fatalf("%v: product (%d, %d, %d) %v not exact in fp32", mat, m, n, k, p)
					}
					if p != 0 {
						fr, ex := math.Frexp(p)
						e = min(e, ex-53+bits.TrailingZeros64(uint64(math.Abs(fr)*(1<<53))))
					}
					abs += math.Abs(p)
				}
				if abs >= math.Ldexp(1, 24+e) {
					t.Fatalf("%v: the sum at (%d, %d) may round: magnitudes %v on a grid of 2^%d", mat, m, n, abs, e)
				}
			}
		}
		refs[mat] = coopReference(mat, xs, ws, bs, cs, M, N, K)
	}
	differ := map[int]bool{}
	for i := range refs[gpu.BF16] {
		if refs[gpu.BF16][i] != refs[gpu.F16][i] {
			differ[i/N] = true
		}
	}
	if !differ[3] || !differ[66] || len(differ) < M/2 {
		t.Errorf("bf16 and fp16 references differ in rows %v; want rows 3 and 66 (beyond fp16) and most others", differ)
	}
}

// TestCoopEnable: the extensions asked for at device creation for each
// set of matrices, and the order in which a refusing driver is asked
// again (without the bf16 features first, then without any).
func TestCoopEnable(t *testing.T) {
	d := &Device{Info: DeviceInfo{Extensions: []string{coopMatrixExtName, bfloat16ExtName, float16Int8ExtName, memoryModelExtName}}}
	for _, tc := range []struct {
		m    coopMats
		want []string
		next coopMats
	}{
		{coopMats{bf16: true, f16: true}, []string{coopMatrixExtName, bfloat16ExtName, float16Int8ExtName, memoryModelExtName}, coopMats{f16: true}},
		{coopMats{bf16: true}, []string{coopMatrixExtName, bfloat16ExtName, float16Int8ExtName, memoryModelExtName}, coopMats{}},
		{coopMats{f16: true}, []string{coopMatrixExtName, float16Int8ExtName, memoryModelExtName}, coopMats{}},
		{coopMats{}, nil, coopMats{}},
	} {
		var p pins
		dci := &deviceCreateInfo{}
		got := d.coopEnable(&p, dci, nil, tc.m)
		p.Unpin()
		if !slices.Equal(got, tc.want) || (dci.pNext != 0) != tc.m.any() {
			t.Errorf("%+v: extensions %v (feature chain %v), want %v", tc.m, got, dci.pNext != 0, tc.want)
		}
		if next := tc.m.fallback(); next != tc.next {
			t.Errorf("%+v: after a refusal %+v, want %+v", tc.m, next, tc.next)
		}
	}
}

// TestCoopStatusWords: what doctor and the device line say for each set
// of matrices in use (made-up states: no such device runs here).
func TestCoopStatusWords(t *testing.T) {
	for _, tc := range []struct {
		name   string
		info   CoopSupport
		st     coopState
		status []string
		driver string
	}{
		{"bf16 and fp16", CoopSupport{WorkGroup: 128, BF16: true, F16: true}, coopState{wg: 128, bf16: true, f16: true},
			[]string{"in use (16×16×16 bf16·bf16→f32 (subgroup), 16×16×16 f16·f16→f32 (subgroup), 32-wide subgroups): bf16 matrices for bf16 weights, fp16 matrices for fp16 weights"},
			"GEMMs: cooperative matrices (bf16 or fp16 in, fp32 sums)"},
		{"bf16 only", CoopSupport{WorkGroup: 128, BF16: true}, coopState{wg: 128, bf16: true, f16Reason: "the device does not offer 16×16×16 f16·f16→f32 (subgroup) matrices"},
			[]string{"bf16 matrices for bf16 weights (fp16 weights on the tiled kernel)", "; no fp16 matrices: the device does not offer"},
			"(bf16 in, fp32 sums; fp16 weights tiled)"},
		{"fp16 only, bf16 not offered", CoopSupport{WorkGroup: 128, F16: true}, coopState{wg: 128, f16: true, bf16Reason: "the device does not offer 16×16×16 bf16·bf16→f32 (subgroup) matrices"},
			[]string{"fp16 matrices for bf16 and fp16 weights (activations saturate at ±65504)", "; no bf16 matrices: the device does not offer 16×16×16 bf16"},
			"(fp16 in, fp32 sums)"},
		{"none", CoopSupport{Reason: "the driver does not offer VK_KHR_cooperative_matrix"}, coopState{reason: "the driver does not offer VK_KHR_cooperative_matrix"},
			[]string{"not used: the driver does not offer VK_KHR_cooperative_matrix"}, "GEMMs: tiled (the driver does not offer VK_KHR_cooperative_matrix)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.info.Caps.SubgroupSize = 32
			d := &Device{Info: DeviceInfo{Coop: tc.info}, coop: tc.st}
			st := d.CoopMatrixStatus()
			for _, w := range tc.status {
				if !strings.Contains(st, w) {
					t.Errorf("status %q does not say %q", st, w)
				}
			}
			if drv := d.backendDevice().Driver; !strings.Contains(drv, tc.driver) {
				t.Errorf("device line %q does not say %q", drv, tc.driver)
			}
		})
	}
}

// TestSettleCoop: what an open device keeps of the probe's plan when the
// driver refused features or a kernel is rejected or fails its self-test
// (a made-up try stands for building and self-testing the kernels).
func TestSettleCoop(t *testing.T) {
	both := CoopSupport{WorkGroup: 128, BF16: true, F16: true}
	all := coopMats{bf16: true, f16: true}
	const bb, bf, ff = "bf16 on bf16", "bf16 on f16", "f16 on f16"
	for _, tc := range []struct {
		name    string
		probe   CoopSupport
		m       coopMats
		failing []string // kernels whose try fails
		want    coopState
		tries   []string
	}{
		{"all pass", both, all, nil, coopState{wg: 128, bf16: true, f16: true}, []string{bb, ff}},
		{"bf16 kernel fails: bf16 weights on fp16 matrices", both, all, []string{bb},
			coopState{wg: 128, f16: true, bf16Reason: "fails: " + bb}, []string{bb, bf, ff}},
		{"fp16 kernel fails: bf16 matrices stay", both, all, []string{ff},
			coopState{wg: 128, bf16: true, f16Reason: "fails: " + ff}, []string{bb, ff}},
		{"all fail", both, all, []string{bb, bf, ff},
			coopState{reason: "fails: " + bf, bf16Reason: "fails: " + bb, f16Reason: "fails: " + bf}, []string{bb, bf}},
		{"bf16 features refused", both, coopMats{f16: true}, nil,
			coopState{wg: 128, f16: true, bf16Reason: "the driver refused to create the device with the bf16 features (VK_KHR_shader_bfloat16)"}, []string{bf, ff}},
		{"all features refused", both, coopMats{}, nil,
			coopState{reason: "the driver refused to create the device with the cooperative-matrix features"}, nil},
		{"probe said no", CoopSupport{Reason: "no extension"}, coopMats{}, nil, coopState{reason: "no extension"}, nil},
		{"bf16 only, its kernel fails", CoopSupport{WorkGroup: 256, BF16: true, F16Reason: "no f16 shape"}, coopMats{bf16: true}, []string{bb},
			coopState{reason: "fails: " + bb, bf16Reason: "fails: " + bb, f16Reason: "no f16 shape"}, []string{bb}},
		{"fp16 only, bf16 not offered", CoopSupport{WorkGroup: 64, F16: true, BF16Reason: "no bf16 shape"}, coopMats{f16: true}, nil,
			coopState{wg: 64, f16: true, bf16Reason: "no bf16 shape"}, []string{bf, ff}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var tries []string
			got := settleCoop(tc.probe, tc.m, func(w, mat gpu.DType) error {
				k := fmt.Sprintf("%v on %v", w, mat)
				tries = append(tries, k)
				if slices.Contains(tc.failing, k) {
					return fmt.Errorf("fails: %s", k)
				}
				return nil
			})
			if got != tc.want {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
			if !slices.Equal(tries, tc.tries) {
				t.Errorf("tried %v, want %v", tries, tc.tries)
			}
		})
	}
}
