//go:build windows

package vulkan

import (
	"os"
	"syscall"
)

// openLoader opens vulkan-1.dll (installed with every GPU driver on
// Windows) and returns vkGetInstanceProcAddr. SWARMDESK_VULKAN_LIB
// overrides the path.
func openLoader() (uintptr, error) {
	name := "vulkan-1.dll"
	if p := os.Getenv("SWARMDESK_VULKAN_LIB"); p != "" {
		name = p
	}
	dll, err := syscall.LoadDLL(name)
	if err != nil {
		return 0, &Error{Kind: ErrNoLoader, Detail: err.Error()}
	}
	proc, err := dll.FindProc("vkGetInstanceProcAddr")
	if err != nil {
		return 0, &Error{Kind: ErrNoLoader, Detail: err.Error()}
	}
	return proc.Addr(), nil
}
