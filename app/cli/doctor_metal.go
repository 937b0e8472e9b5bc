package cli

import (
	"fmt"
	"io"

	"github.com/swarmdesk/swarmdesk/app/env"
	"github.com/swarmdesk/swarmdesk/engine/metal"
)

func init() {
	registerDoctorSection(doctorSection{order: 11, title: "Apple GPU (Metal)", report: reportMetal})
}

// metalDescribe is metal.Describe (tests replace it).
var metalDescribe = metal.Describe

// reportMetal shows what the Metal backend would run on: the GPU, its
// family, the MSL version the kernels compile with, and the memory budget
// macOS advises (recommendedMaxWorkingSetSize), which the engine plans
// against; or why Metal is not used.
func reportMetal(_ *env.Setup, w io.Writer) error {
	i, err := metalDescribe()
	if err != nil {
		fmt.Fprintf(w, "  not used: %v\n", err)
		return nil
	}
	fmt.Fprintf(w, "  gpu       %s\n", i.Name)
	metal3 := ""
	if i.Metal3 {
		metal3 = ", Metal 3"
	}
	fmt.Fprintf(w, "  family    %s%s\n", i.Family, metal3)
	fmt.Fprintf(w, "  msl       %s (set explicitly and read back)\n", i.MSL)
	if i.GEMM != "" {
		fmt.Fprintf(w, "  gemm      %s kernel\n", i.GEMM)
	}
	mem := "dedicated"
	if i.Unified {
		mem = "unified (shared with the CPU)"
	}
	fmt.Fprintf(w, "  memory    %s; budget %.1f GiB (recommendedMaxWorkingSetSize), largest buffer %.1f GiB\n",
		mem, float64(i.WorkingSet)/(1<<30), float64(i.MaxBuffer)/(1<<30))
	return nil
}
