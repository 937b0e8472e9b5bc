//go:build darwin || linux || freebsd || netbsd

package vulkan

import (
	"fmt"
	"os"
	"runtime"

	"github.com/ebitengine/purego"
)

// loaderNames lists the Vulkan loader's file names in the order they are
// tried. SWARMDESK_VULKAN_LIB overrides them (a full path), for machines
// where the loader lives somewhere the dynamic linker does not look.
func loaderNames() []string {
	if p := os.Getenv("SWARMDESK_VULKAN_LIB"); p != "" {
		return []string{p}
	}
	if runtime.GOOS == "darwin" {
		// MoltenVK through the LunarG loader, or MoltenVK directly.
		return []string{"libvulkan.1.dylib", "libvulkan.dylib", "libMoltenVK.dylib",
			"/usr/local/lib/libvulkan.1.dylib", "/opt/homebrew/lib/libvulkan.1.dylib"}
	}
	return []string{"libvulkan.so.1", "libvulkan.so"}
}

// openLoader opens the system's Vulkan loader and returns
// vkGetInstanceProcAddr, the one symbol everything else is resolved from.
func openLoader() (uintptr, error) {
	var errs []string
	for _, name := range loaderNames() {
		h, err := purego.Dlopen(name, purego.RTLD_NOW|purego.RTLD_LOCAL)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		sym, err := purego.Dlsym(h, "vkGetInstanceProcAddr")
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", name, err))
			continue
		}
		return sym, nil
	}
	return 0, &Error{Kind: ErrNoLoader, Detail: fmt.Sprint(errs)}
}
