package metal

import "fmt"

// Info describes the Metal device as doctor and the registry show it.
type Info struct {
	Name    string // e.g. "Apple M2 Pro"
	Family  string // highest GPU family supported: "Apple9", "Mac2", …
	Metal3  bool   // supports MTLGPUFamilyMetal3
	MSL     string // the MSL version the kernels compile with, as read back ("3.1")
	Unified bool   // hasUnifiedMemory
	// WorkingSet is recommendedMaxWorkingSetSize: what Metal advises this
	// process keep resident on the GPU before macOS starts paging. It is
	// the memory budget the engine plans against.
	WorkingSet uint64
	MaxBuffer  uint64 // maxBufferLength: the largest single buffer
	// GEMM is the matrix-product kernel in use: "tiled" (cross-compiled,
	// the default) or "simdgroup" (simdgroup_matrix, opt-in with
	// SWARMDESK_METAL_GEMM=simdgroup on Apple7+ GPUs).
	GEMM string
}

// Driver is the device's API line for the registry: family, MSL version
// and memory kind.
func (i Info) Driver() string {
	s := "Metal"
	if i.Metal3 {
		s = "Metal 3"
	}
	s += ", GPU family " + i.Family + ", MSL " + i.MSL
	if i.Unified {
		s += ", unified memory"
	}
	if i.GEMM == "simdgroup" {
		s += ", simdgroup_matrix GEMM"
	}
	return s
}

// mslVersion is MTLLanguageVersion3_1: (major << 16) | minor.
const mslVersion = 3<<16 | 1

func mslString(v uint64) string { return fmt.Sprintf("%d.%d", v>>16, v&0xffff) }

// gpuFamilies is MTLGPUFamily's values, the most capable first.
var gpuFamilies = []struct {
	name string
	v    uintptr
}{
	{"Apple10", 1010}, {"Apple9", 1009}, {"Apple8", 1008}, {"Apple7", 1007}, {"Apple6", 1006},
	{"Apple5", 1005}, {"Apple4", 1004}, {"Apple3", 1003}, {"Apple2", 1002}, {"Apple1", 1001},
	{"Mac2", 2002}, {"Common3", 3003}, {"Common2", 3002}, {"Common1", 3001},
}

const familyMetal3 = 5001
