package platform

import (
	"runtime"
	"testing"
)

func TestTotalMemory(t *testing.T) {
	n := TotalMemory()
	if runtime.GOOS == "linux" && n < 256<<20 {
		t.Fatalf("TotalMemory = %d on linux; /proc/meminfo should give the machine's memory", n)
	}
	if l := DefaultMemoryLimit(); uint64(l) > n || (n > 0 && l <= 0) {
		t.Fatalf("DefaultMemoryLimit = %d for %d bytes of memory", l, n)
	}
}
