package metal

import (
	"embed"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The MSL kernels, written by shaders/build.sh from the Vulkan backend's
// GLSL; CI rebuilds them and fails if the bytes differ.
//
//go:embed msl/*.metal
var mslFS embed.FS

// The hand-written simdgroup_matrix GEMM, a drop-in for the gemm_* kernels
// (see simdgroup/gemm.metal).
//
//go:embed simdgroup/gemm.metal
var simdgroupGEMMSrc string

// gemmBType is the BTYPE each gemm kernel's weights have.
var gemmBType = map[string]int{"gemm_f32": 0, "gemm_bf16": 1, "gemm_f16": 2}

// simdgroupKernel returns the simdgroup_matrix GEMM standing in for kernel
// name (gemm_f32, gemm_bf16 or gemm_f16), compiled with that name's BTYPE.
func simdgroupKernel(name string) (kernelInfo, error) {
	bt, ok := gemmBType[name]
	if !ok {
		return kernelInfo{}, fmt.Errorf("kernel %s has no simdgroup_matrix version", name)
	}
	return parseKernel(name, fmt.Sprintf("#define BTYPE %d\n", bt)+simdgroupGEMMSrc)
}

// pushIndex is the [[buffer(N)]] index of every kernel's push-constant
// block (build.sh moves it there; Vulkan calls it push constants, Metal
// receives the same bytes through setBytes:length:atIndex:).
const pushIndex = 30

// kernelInfo is what the Go side needs to know about one kernel's source.
type kernelInfo struct {
	name    string    // file name: the key ops use
	entry   string    // the MSL function name (spirv-cross renames reserved words: sample → _sample)
	src     string    // MSL source
	nbuf    int       // storage buffers at [[buffer(0..nbuf-1)]]
	push    bool      // takes a push-constant block at [[buffer(pushIndex)]]
	threads [3]uint64 // threadgroup size
}

var (
	reEntry = regexp.MustCompile(`(?m)^kernel void ([A-Za-z_][A-Za-z0-9_]*)\(`)
	reGroup = regexp.MustCompile(`gl_WorkGroupSize \[\[maybe_unused\]\] = uint3\((\d+)u, (\d+)u, (\d+)u\)`)
	reBuf   = regexp.MustCompile(`device [A-Za-z_][A-Za-z0-9_]*[&*] [A-Za-z_][A-Za-z0-9_]* \[\[buffer\((\d+)\)\]\]`)
)

// parseKernel reads a kernel's entry point, bindings and threadgroup size
// from its MSL, and checks the conventions build.sh promises.
func parseKernel(name, src string) (kernelInfo, error) {
	k := kernelInfo{name: name, src: src}
	fail := func(why string) (kernelInfo, error) {
		return k, fmt.Errorf("kernel %s: %s", name, why)
	}
	e := reEntry.FindAllStringSubmatch(src, -1)
	if len(e) != 1 {
		return fail(fmt.Sprintf("%d kernel functions, want 1", len(e)))
	}
	k.entry = e[0][1]
	g := reGroup.FindStringSubmatch(src)
	if g == nil {
		return fail("no gl_WorkGroupSize constant")
	}
	for i := range 3 {
		n, _ := strconv.ParseUint(g[i+1], 10, 32)
		k.threads[i] = n
	}
	if t := k.threads[0] * k.threads[1] * k.threads[2]; t == 0 || t > 1024 {
		return fail(fmt.Sprintf("threadgroup of %d threads", t))
	}
	seen := map[int]bool{}
	for _, m := range reBuf.FindAllStringSubmatch(src, -1) {
		i, _ := strconv.Atoi(m[1])
		if i == pushIndex {
			return fail("a storage buffer at the push-constant index")
		}
		seen[i] = true
	}
	for i := range len(seen) {
		if !seen[i] {
			return fail(fmt.Sprintf("buffer indices are not 0..%d", len(seen)-1))
		}
	}
	k.nbuf = len(seen)
	k.push = strings.Contains(src, "[[buffer("+strconv.Itoa(pushIndex)+")]]")
	if strings.Count(src, "[[buffer(0)]]") > 1 {
		return fail("two arguments at [[buffer(0)]] (push constants not moved)")
	}
	return k, nil
}

// kernels returns every embedded kernel by name.
func kernels() (map[string]kernelInfo, error) {
	ents, err := mslFS.ReadDir("msl")
	if err != nil {
		return nil, err
	}
	out := map[string]kernelInfo{}
	for _, e := range ents {
		name, ok := strings.CutSuffix(e.Name(), ".metal")
		if !ok {
			continue
		}
		b, err := mslFS.ReadFile("msl/" + e.Name())
		if err != nil {
			return nil, err
		}
		k, err := parseKernel(name, string(b))
		if err != nil {
			return nil, err
		}
		out[name] = k
	}
	return out, nil
}
