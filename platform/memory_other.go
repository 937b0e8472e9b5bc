//go:build !linux && !darwin && !windows

package platform

func totalMemory() uint64 { return 0 }

// availableMemory is unknown here (macOS reports no single figure that
// matches Linux's MemAvailable; reclaimable caches make "free" misleading).
func availableMemory() uint64 { return 0 }

func processMemory() (now, peak uint64) { return 0, 0 }
