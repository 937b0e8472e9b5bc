//go:build !linux && !windows

package cuda

import (
	"errors"
	"runtime"
)

// CUDA has no driver for this system (NVIDIA dropped macOS in CUDA 10.2).
var (
	driverNames    []string
	nvrtcNames     []string
	cublasNames    [][2]string
	toolkitLibDirs []string
)

func dlopen(string) (uintptr, error) {
	return 0, errors.New("CUDA is not supported on " + runtime.GOOS)
}

func dlsym(uintptr, string) (uintptr, error) {
	return 0, errors.New("CUDA is not supported on " + runtime.GOOS)
}
