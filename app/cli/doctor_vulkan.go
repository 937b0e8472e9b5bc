package cli

import (
	"fmt"
	"io"

	"github.com/swarmdesk/swarmdesk/app/env"
	"github.com/swarmdesk/swarmdesk/engine/vulkan"
)

func init() {
	registerDoctorSection(doctorSection{order: 12, title: "Vulkan GEMMs", report: reportVulkan})
}

// reportVulkan says, for each Vulkan device, whether the engine's GEMMs
// with bf16/f16 weights run on cooperative matrices (tensor cores) or on
// the tiled kernel, on which matrices (bf16 ones keep the activations'
// range, fp16 ones saturate them at ±65504), and why. A device whose
// driver offers what the kernel needs is opened to confirm it: the driver
// must accept the shaders and pass the engine's self-test, which only an
// open device can show.
func reportVulkan(_ *env.Setup, w io.Writer) error {
	writeVulkanReport(w, vulkan.Probe(), func(i int) (string, error) {
		d, err := vulkan.Open(vulkan.Options{Index: i, AllowCPU: true})
		if err != nil {
			return "", err
		}
		defer d.Close()
		return d.CoopMatrixStatus(), nil
	})
	return nil
}

// writeVulkanReport formats a probe result; confirm opens device i and
// returns its status line (split out for tests).
func writeVulkanReport(w io.Writer, res vulkan.ProbeResult, confirm func(i int) (string, error)) {
	if res.Err != nil {
		fmt.Fprintf(w, "  not used  %s\n", res.Err)
		return
	}
	for _, d := range res.Devices {
		status := "cooperative-matrix GEMMs not used: " + d.Coop.Reason
		if d.Coop.WorkGroup > 0 {
			st, err := confirm(d.Index)
			status = st
			if err != nil {
				status = fmt.Sprintf("cooperative-matrix GEMMs not checked (the driver offers %s): the device did not open (%v)", d.Coop.Matrices(), err)
			}
		}
		fmt.Fprintf(w, "  vulkan:%-3d %s (%s): %s\n", d.Index, d.Name, d.Type, status)
	}
}
