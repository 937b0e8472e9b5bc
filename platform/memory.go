package platform

// TotalMemory is the machine's physical memory in bytes, or 0 when the OS
// does not say. Training derives its default memory limit from it, so a
// step that would push the machine into swap is refused up front.
func TotalMemory() uint64 { return totalMemory() }

// DefaultMemoryLimit is what a training step may use when the user set no
// limit: three quarters of physical memory, leaving room for the OS and the
// desktop. 0 (no limit) when the memory size is unknown.
func DefaultMemoryLimit() int64 { return int64(TotalMemory() / 4 * 3) }

// AvailableMemory is the memory the OS could give this process now without
// swapping (Linux: MemAvailable), or 0 when the OS does not say. The node
// skips a training step when less than the step needs is free: the computer
// is busy with something else.
func AvailableMemory() uint64 { return availableMemory() }

// ProcessMemory is this process's resident memory now and at its peak (Linux: VmRSS and
// VmHWM), in bytes; 0 where the OS does not say. Tests hold the memory plan to the peak.
func ProcessMemory() (now, peak uint64) { return processMemory() }
