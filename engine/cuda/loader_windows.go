//go:build windows

package cuda

import "syscall"

// driverNames: nvcuda.dll is installed into System32 with every NVIDIA
// driver on Windows.
var driverNames = []string{"nvcuda.dll"}

var nvrtcNames = []string{"nvrtc64_130_0.dll", "nvrtc64_120_0.dll", "nvrtc64_112_0.dll"}

var cublasNames = [][2]string{
	{"cublas64_13.dll", "cublasLt64_13.dll"},
	{"cublas64_12.dll", "cublasLt64_12.dll"},
}

var toolkitLibDirs = []string{`C:\Program Files\NVIDIA GPU Computing Toolkit\CUDA\v*\bin`}

func dlopen(name string) (uintptr, error) {
	h, err := syscall.LoadLibrary(name)
	return uintptr(h), err
}

func dlsym(h uintptr, name string) (uintptr, error) {
	return syscall.GetProcAddress(syscall.Handle(h), name)
}
