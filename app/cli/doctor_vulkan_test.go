package cli

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/vulkan"
)

func TestDoctorVulkanReport(t *testing.T) {
	for _, tc := range []struct {
		name      string
		res       vulkan.ProbeResult
		want      []string
		confirmed []int
	}{
		{name: "no loader", res: vulkan.ProbeResult{Err: errors.New("vulkan: no loader")},
			want: []string{"not used  vulkan: no loader"}},
		{name: "lavapipe and a GPU with tensor cores", res: vulkan.ProbeResult{Devices: []vulkan.DeviceInfo{
			{Index: 0, Name: "llvmpipe", Type: vulkan.TypeCPU, Coop: vulkan.CoopSupport{Reason: "the driver does not offer VK_KHR_cooperative_matrix"}},
			{Index: 1, Name: "NVIDIA H100", Type: vulkan.TypeDiscrete, Coop: vulkan.CoopSupport{WorkGroup: 128}}}},
			want: []string{"vulkan:0   llvmpipe (CPU (software)): cooperative-matrix GEMMs not used: the driver does not offer VK_KHR_cooperative_matrix",
				"vulkan:1   NVIDIA H100 (discrete GPU): confirmed 1"},
			confirmed: []int{1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var w bytes.Buffer
			var opened []int
			writeVulkanReport(&w, tc.res, func(i int) string { opened = append(opened, i); return "confirmed " + string(rune('0'+i)) })
			for _, s := range tc.want {
				if !strings.Contains(w.String(), s) {
					t.Errorf("missing %q in:\n%s", s, w.String())
				}
			}
			if len(opened) != len(tc.confirmed) || (len(opened) > 0 && opened[0] != tc.confirmed[0]) {
				t.Errorf("opened %v, want %v (only devices the probe found able)", opened, tc.confirmed)
			}
		})
	}
}
