package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/swarmdesk/swarmdesk/app/env"
	"github.com/swarmdesk/swarmdesk/engine/cuda"
)

func init() {
	registerDoctorSection(doctorSection{order: 11, title: "NVIDIA CUDA", report: reportCUDA})
}

// reportCUDA says what the NVIDIA driver reports: its library and CUDA
// version, each device with its compute capability, which GEMM the engine
// would use, whether cuBLAS is present, or the sentence saying why CUDA is
// not used. It asks the driver only (no context, no kernel compilation),
// so it is quick even on a machine with a GPU.
func reportCUDA(_ *env.Setup, w io.Writer) error {
	writeCUDAReport(w, cuda.Probe(), nvidiaKernelModule(), func() string {
		b, err := cuda.FindCUBLAS()
		if err != nil {
			return "not found (not needed: the engine's own GEMMs are used)"
		}
		return b.String() + " found; not used, the engine's own GEMMs are used"
	})
	return nil
}

// writeCUDAReport formats a probe result (split out for tests).
func writeCUDAReport(w io.Writer, res cuda.ProbeResult, module string, blas func() string) {
	if res.Library != "" {
		line := res.Library
		if res.Version > 0 {
			line += ", " + cuda.VersionString(res.Version)
		}
		if module != "" {
			line += ", kernel module " + module
		}
		fmt.Fprintf(w, "  driver    %s\n", line)
	}
	if res.Err != nil {
		fmt.Fprintf(w, "  not used  %s\n", cuda.Explain(res.Err))
		return
	}
	for _, d := range res.Devices {
		line := fmt.Sprintf("%s, compute %d.%d, %d SMs, %.1f GiB", d.Name, d.CC/10, d.CC%10, d.SMs, float64(d.Memory)/(1<<30))
		switch {
		case d.Unusable != "":
			line += "; not usable: " + d.Unusable
		case d.CC >= 80:
			line += "; GEMM: bf16 tensor cores (mma.sync)"
		default:
			line += "; GEMM: fp32 kernels"
		}
		fmt.Fprintf(w, "  cuda:%-4d %s\n", d.Index, line)
	}
	fmt.Fprintf(w, "  cuBLAS    %s\n", blas())
}

// nvidiaKernelModule is the loaded NVIDIA kernel module's version on Linux
// ("535.261.03"), or "" elsewhere or when none is loaded.
func nvidiaKernelModule() string {
	b, err := os.ReadFile("/proc/driver/nvidia/version")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	for i, x := range f {
		if x == "Module" && i+1 < len(f) {
			return f[i+1]
		}
	}
	return ""
}
