//go:build !(darwin || linux || freebsd || netbsd || windows)

package vulkan

import "runtime"

func openLoader() (uintptr, error) {
	return 0, &Error{Kind: ErrNoLoader, Detail: "Vulkan is not supported on " + runtime.GOOS}
}
