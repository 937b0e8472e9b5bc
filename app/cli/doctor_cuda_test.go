package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/cuda"
)

func TestDoctorCUDAReport(t *testing.T) {
	blas := func() string { return "not found" }
	for _, tc := range []struct {
		name string
		res  cuda.ProbeResult
		want []string
		not  []string
	}{
		{name: "no driver", res: cuda.ProbeResult{Err: &cuda.Error{Kind: cuda.ErrNoDriver, Op: "open the NVIDIA driver"}},
			want: []string{"not used  CUDA is not available: the NVIDIA driver library"}, not: []string{"driver    ", "cuBLAS"}},
		{name: "driver but no GPU", res: cuda.ProbeResult{Library: "libcuda.so.1", Version: 12020,
			Err: &cuda.Error{Kind: cuda.ErrNoDevice, Op: "cuInit"}},
			want: []string{"driver    libcuda.so.1, CUDA 12.2", "reports no CUDA-capable GPU"}},
		{name: "old driver", res: cuda.ProbeResult{Library: "libcuda.so.1", Version: 11040,
			Err: &cuda.Error{Kind: cuda.ErrOldDriver, Op: "driver version"}},
			want: []string{"CUDA 11.4", "too old", "update the NVIDIA driver"}},
		{name: "two devices", res: cuda.ProbeResult{Library: "libcuda.so.1", Version: 13000, Devices: []cuda.DeviceInfo{
			{Index: 0, Name: "NVIDIA H100 80GB HBM3", CC: 90, SMs: 132, Memory: 80 << 30},
			{Index: 1, Name: "Tesla P100", CC: 60, SMs: 56, Memory: 16 << 30, Unusable: "compute capability 6.0 is older than 7.5"}}},
			want: []string{"cuda:0    NVIDIA H100 80GB HBM3, compute 9.0, 132 SMs, 80.0 GiB; GEMM: bf16 tensor cores",
				"cuda:1    Tesla P100, compute 6.0", "not usable: compute capability 6.0", "cuBLAS    not found"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var w bytes.Buffer
			writeCUDAReport(&w, tc.res, "", blas)
			for _, s := range tc.want {
				if !strings.Contains(w.String(), s) {
					t.Errorf("missing %q in:\n%s", s, w.String())
				}
			}
			for _, s := range tc.not {
				if strings.Contains(w.String(), s) {
					t.Errorf("unexpected %q in:\n%s", s, w.String())
				}
			}
		})
	}
}
