package vulkan

import (
	"encoding/binary"
	"fmt"
	"github.com/swarmdesk/swarmdesk/engine/backend/conformance"
	"github.com/swarmdesk/swarmdesk/engine/backend/gpu"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/cpu"
	"github.com/swarmdesk/swarmdesk/engine/safetensors"
)

// TestChooseCoop: the cooperative-matrix decision from what a device
// offers, on made-up devices (no such device runs here).
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
	for _, tc := range []struct {
		name      string
		caps      CoopCaps
		maxInv    uint32
		maxShared uint32
		wantWG    uint32
		reason    string // substring of the reason when wantWG == 0
	}{
		{"NVIDIA-like: 16x16x16 among others, subgroup 32", nv, 1024, 49152, 128, ""},
		{"AMD-like: only 16x16x16, subgroup 64", with(func(c *CoopCaps) { c.SubgroupSize = 64; c.Shapes = c.Shapes[1:2] }), 1024, 65536, 256, ""},
		{"lavapipe: no extension", CoopCaps{SubgroupSize: 8}, 1024, 32768, 0, "does not offer VK_KHR_cooperative_matrix"},
		{"old loader: no query function", with(func(c *CoopCaps) { c.QueryFunc = false; c.Shapes = nil }), 1024, 49152, 0, "loader is too old"},
		{"feature off", with(func(c *CoopCaps) { c.CoopFeature = false }), 1024, 49152, 0, "cooperativeMatrix feature off"},
		{"Intel-like: only 8x8x16", with(func(c *CoopCaps) {
			c.Shapes = []CoopShape{{M: 8, N: 8, K: 16, A: componentFloat16, B: componentFloat16, C: componentFloat32, Result: componentFloat32, Scope: scopeSubgroup}}
		}), 1024, 65536, 0, "it offers: 8×8×16 f16·f16→f32 (subgroup)"},
		{"fp16 accumulate only", with(func(c *CoopCaps) { c.Shapes = c.Shapes[2:] }), 1024, 49152, 0, "16×16×16 f16·f16→f16"},
		{"workgroup scope only", with(func(c *CoopCaps) { c.Shapes = c.Shapes[1:2]; c.Shapes[0].Scope = 2 }), 1024, 49152, 0, "(workgroup)"},
		{"no shapes listed", with(func(c *CoopCaps) { c.Shapes = nil }), 1024, 49152, 0, "it offers: none"},
		{"no shaderFloat16", with(func(c *CoopCaps) { c.Float16 = false }), 1024, 49152, 0, "shaderFloat16"},
		{"no memory model", with(func(c *CoopCaps) { c.MemoryModel = false }), 1024, 49152, 0, "vulkanMemoryModel"},
		{"no subgroup ops in compute", with(func(c *CoopCaps) { c.SubgroupBasic = false }), 1024, 49152, 0, "subgroup operations"},
		{"subgroup too wide for the work group", with(func(c *CoopCaps) { c.SubgroupSize = 128 }), 256, 49152, 0, "subgroup size 128"},
		{"subgroup size not a power of two", with(func(c *CoopCaps) { c.SubgroupSize = 24 }), 1024, 49152, 0, "subgroup size 24"},
		{"too little shared memory", nv, 1024, 8192, 0, "shared memory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := chooseCoop(tc.caps, tc.maxInv, tc.maxShared)
			if s.WorkGroup != tc.wantWG {
				t.Fatalf("work group %d (reason %q), want %d", s.WorkGroup, s.Reason, tc.wantWG)
			}
			if tc.wantWG > 0 && s.Reason != "" {
				t.Errorf("usable but with reason %q", s.Reason)
			}
			if tc.wantWG == 0 && !strings.Contains(s.Reason, tc.reason) {
				t.Errorf("reason %q does not say %q", s.Reason, tc.reason)
			}
		})
	}
}

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
		capFloat16   = 9
		capGroupNU   = 61
		capVkMemory  = 5345
		capCoopKHR   = 6022
	)
	for _, dt := range []gpu.DType{gpu.BF16, gpu.F16} {
		name := coopKernel(dt)
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
		for _, c := range []uint32{capFloat16, capGroupNU, capVkMemory, capCoopKHR} {
			if !caps[c] {
				t.Errorf("%s: capability %d missing", name, c)
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
	d.in.coopFeatures(d.phys, &c, d.Info.hasExtension(coopMatrixExtName))
	t.Logf("vulkan:%d: shaderFloat16 %v, vulkanMemoryModel %v, subgroup size %d, basic subgroup ops in compute %v",
		d.Info.Index, c.Float16, c.MemoryModel, c.SubgroupSize, c.SubgroupBasic)
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
// against the host (inputs rounded to fp16 as the kernel rounds them, fp64
// sums) and against the tiled kernel, over the layouts the model uses.
func TestCoopMatrixParity(t *testing.T) {
	d := coopDevice(t)
	r := rand.New(rand.NewPCG(21, 21))
	h := func(v float32) float32 { return safetensors.F16ToF32(safetensors.F32ToF16(v)) }
	for _, dt := range []gpu.DType{gpu.BF16, gpu.F16} {
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
			t.Run(fmt.Sprintf("%v/%s", dt, sh.name), func(t *testing.T) {
				M, N, K, B := sh.M, sh.N, sh.K, sh.batch
				bdiv := max(sh.bdiv, 1)
				x := randv(r, sh.aoff+B*M*K, 1)
				wf := randv(r, sh.boff+B/bdiv*N*K, 0.1)
				bits := make([]uint16, len(wf))
				wr := make([]float32, len(wf)) // the weight as the kernel sees it
				for i, v := range wf {
					if dt == gpu.BF16 {
						bits[i] = cpu.F32ToBF16(v)
						wr[i] = h(cpu.BF16ToF32(bits[i]))
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
				for _, coop := range []bool{true, false} {
					g.C = up(t, d, c0)
					d.coop.off = !coop
					run(t, d, func(b *gpu.Recorder) { b.Gemm(g) })
					d.coop.off = false
					outs[coop] = down(t, d, g.C, B*M*N)
				}
				conformance.Near(t, "cooperative-matrix GEMM vs fp16-rounded host reference", outs[true], want, 1e-5)
				// The tiled kernel keeps x in fp32: the two differ by fp16
				// rounding of x only.
				conformance.Near(t, "cooperative-matrix vs tiled GEMM", outs[true], outs[false], 2e-3*float64(K)/64+1e-3)
			})
		}
	}
}

// BenchmarkGemmCoopMatrix: the same GEMMs with 16-bit weights on
// cooperative matrices and on the tiled kernel (scripts/gpu-check.sh
// prints both).
func BenchmarkGemmCoopMatrix(b *testing.B) {
	d := coopDevice(b)
	r := rand.New(rand.NewPCG(7, 7))
	for _, sh := range []struct{ M, N, K int }{{64, 4864, 896}, {512, 4864, 896}, {512, 896, 4864}, {2048, 4864, 896}} {
		x := up(b, d, randv(r, sh.M*sh.K, 1))
		w := bf16Weights(b, d, r, sh.N*sh.K)
		out := zeros(b, d, sh.M*sh.N)
		for _, kind := range []string{"coop", "tiled"} {
			b.Run(fmt.Sprintf("%dx%dx%d_bf16_%s", sh.M, sh.N, sh.K, kind), func(b *testing.B) {
				d.coop.off = kind == "tiled"
				defer func() { d.coop.off = false }()
				benchBatch(b, d, func(bt *gpu.Recorder) { bt.MatMulT(out, x, w, nil, gpu.BF16, sh.M, sh.N, sh.K) })
				flops := 2 * float64(sh.M) * float64(sh.N) * float64(sh.K) * reps * float64(b.N)
				b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// openPretendingCoop opens the test device's physical device the way Open
// does, but with the probe's verdict replaced by "usable" and then edited
// by edit: it drives the fallbacks on a device that cannot really run the
// kernel.
func openPretendingCoop(t *testing.T, edit func(d *Device)) *Device {
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
	info.Coop = CoopSupport{WorkGroup: 32}
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
// the cooperative-matrix extension and features gets a device without
// them, the tiled GEMM, and a reason.
func TestCoopDeviceRefusedFallsBack(t *testing.T) {
	if device(t).Info.hasExtension(coopMatrixExtName) {
		t.Skip("this device offers the extension, so it would not refuse it")
	}
	d := openPretendingCoop(t, nil)
	if d.coop.wg != 0 || !strings.Contains(d.CoopMatrixStatus(), "refused to create the device") {
		t.Fatalf("status %q (wg %d)", d.CoopMatrixStatus(), d.coop.wg)
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
	d := openPretendingCoop(t, nil)
	d.Info.Coop.WorkGroup = 32 // the device came up without the features; build the kernel anyway
	d.coopSetup(true)
	st := d.CoopMatrixStatus()
	if d.coop.wg != 0 || !strings.Contains(st, "rejected the cooperative-matrix kernel (build kernel gemm_coopmat_bf16: vkCreateComputePipelines") {
		t.Fatalf("status %q (wg %d)", st, d.coop.wg)
	}
	for key := range d.kernels {
		if strings.HasPrefix(key.name, "gemm_coopmat") {
			t.Errorf("rejected pipeline %s kept", key.name)
		}
	}
}
