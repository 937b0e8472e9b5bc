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
			{Index: 1, Name: "NVIDIA H100", Type: vulkan.TypeDiscrete, Coop: vulkan.CoopSupport{WorkGroup: 128, BF16: true, F16: true}}}},
			want: []string{"vulkan:0   llvmpipe (CPU (software)): cooperative-matrix GEMMs not used: the driver does not offer VK_KHR_cooperative_matrix",
				"vulkan:1   NVIDIA H100 (discrete GPU): confirmed 1"},
			confirmed: []int{1}},
		{name: "a GPU that does not open", res: vulkan.ProbeResult{Devices: []vulkan.DeviceInfo{
			{Index: 2, Name: "AMD RX 7900", Type: vulkan.TypeDiscrete, Coop: vulkan.CoopSupport{WorkGroup: 256, F16: true}}}},
			want:      []string{"vulkan:2   AMD RX 7900 (discrete GPU): cooperative-matrix GEMMs not checked (the driver offers fp16 matrices for bf16 and fp16 weights (activations saturate at ±65504)): the device did not open (out of memory)"},
			confirmed: []int{2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var w bytes.Buffer
			var opened []int
			writeVulkanReport(&w, tc.res, func(i int) (string, error) {
				opened = append(opened, i)
				if i == 2 {
					return "", errors.New("out of memory")
				}
				return "confirmed " + string(rune('0'+i)), nil
			})
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
