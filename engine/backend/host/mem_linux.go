package host

import "golang.org/x/sys/unix"

// totalMemory and availableMemory read the kernel's counters (0 on error).
func totalMemory() uint64 {
	var si unix.Sysinfo_t
	if unix.Sysinfo(&si) != nil {
		return 0
	}
	return uint64(si.Totalram) * uint64(si.Unit)
}

func availableMemory() uint64 {
	var si unix.Sysinfo_t
	if unix.Sysinfo(&si) != nil {
		return 0
	}
	return (uint64(si.Freeram) + uint64(si.Bufferram)) * uint64(si.Unit)
}
