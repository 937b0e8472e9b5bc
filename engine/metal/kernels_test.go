package metal

import (
	"strings"
	"testing"
)

// The committed MSL is checked for reproducibility by shaders/build.sh
// --check in CI; this test checks, on every OS, that each kernel keeps the
// conventions the backend binds by, and that every kernel the ops use
// exists with the buffer count they pass.
func TestKernelSourcesFollowConventions(t *testing.T) {
	ks, err := kernels()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range kernelBuffers {
		k, ok := ks[name]
		if !ok {
			t.Errorf("kernel %s is used but not in msl/", name)
			continue
		}
		if k.nbuf != want {
			t.Errorf("kernel %s binds %d buffers, the ops pass %d", name, k.nbuf, want)
		}
		if !k.push {
			t.Errorf("kernel %s has no push-constant block at [[buffer(%d)]]", name, pushIndex)
		}
		if !strings.Contains(k.src, "#include <metal_stdlib>") {
			t.Errorf("kernel %s does not include metal_stdlib", name)
		}
	}
	for name := range ks {
		if _, ok := kernelBuffers[name]; !ok {
			t.Errorf("msl/%s.metal is not used by any op", name)
		}
	}
	if ks["sample"].entry != "_sample" || ks["gemm_bf16"].threads != [3]uint64{16, 16, 1} {
		t.Errorf("entry/threadgroup parsing: %+v %+v", ks["sample"].entry, ks["gemm_bf16"].threads)
	}
}

func TestParseKernelRejectsBrokenConventions(t *testing.T) {
	good := "#include <metal_stdlib>\nconstant uint3 gl_WorkGroupSize [[maybe_unused]] = uint3(64u, 1u, 1u);\n" +
		"kernel void k(constant P& p [[buffer(30)]], device A_& a [[buffer(0)]], const device B_& b [[buffer(1)]])\n{}\n"
	if k, err := parseKernel("k", good); err != nil || k.nbuf != 2 || !k.push || k.threads[0] != 64 {
		t.Fatalf("good kernel: %+v, %v", k, err)
	}
	for what, src := range map[string]string{
		"two kernels":    good + "kernel void j(device A_& a [[buffer(0)]])\n{}\n",
		"no group size":  strings.Replace(good, "gl_WorkGroupSize", "x", 1),
		"huge group":     strings.Replace(good, "64u, 1u", "64u, 64u", 1),
		"gap in indices": strings.Replace(good, "[[buffer(1)]]", "[[buffer(2)]]", 1),
		"push not moved": strings.Replace(good, "[[buffer(30)]]", "[[buffer(0)]]", 1),
	} {
		if _, err := parseKernel("k", src); err == nil {
			t.Errorf("%s: accepted", what)
		}
	}
}

// The simdgroup_matrix GEMM must be a drop-in for the cross-compiled one:
// same buffers, push constants and threadgroup size, for every weight type.
func TestSimdgroupGEMMIsADropIn(t *testing.T) {
	ks, err := kernels()
	if err != nil {
		t.Fatal(err)
	}
	for name := range gemmBType {
		sg, err := simdgroupKernel(name)
		if err != nil {
			t.Fatal(err)
		}
		tiled := ks[name]
		if sg.nbuf != tiled.nbuf || sg.push != tiled.push || sg.threads != tiled.threads || sg.entry != "gemm_simdgroup" {
			t.Errorf("%s: simdgroup %d buffers, push %v, threads %v; tiled %d, %v, %v", name, sg.nbuf, sg.push, sg.threads, tiled.nbuf, tiled.push, tiled.threads)
		}
		if !strings.HasPrefix(sg.src, "#define BTYPE ") {
			t.Errorf("%s: BTYPE not defined first", name)
		}
	}
	if _, err := simdgroupKernel("rmsnorm"); err == nil {
		t.Error("a simdgroup version of rmsnorm")
	}
}
