//go:build linux

package cuda

import (
	"github.com/ebitengine/purego"
)

// driverNames are the NVIDIA driver's library names, tried in order after
// SWARMDESK_CUDA_LIB: the soname the driver installs, the development
// link, Debian's alternatives target and WSL2's driver folder.
var driverNames = []string{
	"libcuda.so.1",
	"libcuda.so",
	"/usr/lib/x86_64-linux-gnu/nvidia/current/libcuda.so.1",
	"/usr/lib/aarch64-linux-gnu/nvidia/current/libcuda.so.1",
	"/usr/lib/wsl/lib/libcuda.so.1",
}

// nvrtcNames are NVRTC's sonames, newest first (CUDA 13, 12, Debian's 11.8).
var nvrtcNames = []string{"libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"}

// cublasNames are the cuBLAS and cuBLASLt sonames, CUDA 13 then 12.
var cublasNames = [][2]string{
	{"libcublas.so.13", "libcublasLt.so.13"},
	{"libcublas.so.12", "libcublasLt.so.12"},
}

// toolkitLibDirs are where a CUDA toolkit keeps its libraries.
var toolkitLibDirs = []string{"/usr/local/cuda/lib64", "/usr/local/cuda-*/lib64", "/usr/local/cuda/targets/*/lib", "/opt/cuda/lib64"}

func dlopen(name string) (uintptr, error) {
	return purego.Dlopen(name, purego.RTLD_NOW|purego.RTLD_LOCAL)
}

func dlsym(h uintptr, name string) (uintptr, error) { return purego.Dlsym(h, name) }
