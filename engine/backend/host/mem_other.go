//go:build !linux

package host

// Elsewhere the engine does not know; 0 means unknown (the app's memory
// planner uses platform.TotalMemory for its limits).
func totalMemory() uint64     { return 0 }
func availableMemory() uint64 { return 0 }
