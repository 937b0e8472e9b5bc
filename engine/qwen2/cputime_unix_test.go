//go:build unix

package qwen2_test

import (
	"syscall"
	"time"
)

// cpuSeconds is the process's user+system CPU time. On a shared, busy box
// wall-clock tok/s understates the engine; tokens per CPU-second do not.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
