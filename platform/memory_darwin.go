package platform

import "golang.org/x/sys/unix"

func totalMemory() uint64 {
	n, err := unix.SysctlUint64("hw.memsize")
	if err != nil {
		return 0
	}
	return n
}

// availableMemory is unknown here (macOS reports no single figure that
// matches Linux's MemAvailable; reclaimable caches make "free" misleading).
func availableMemory() uint64 { return 0 }

func processMemory() (now, peak uint64) { return 0, 0 }
