package platform

import (
	"runtime"
	"testing"
)

// The free space of the temporary folder is known on the systems the app ships for, and a
// missing folder is reported as unknown rather than as an empty disk.
func TestDiskFree(t *testing.T) {
	free, ok := DiskFree(t.TempDir())
	if ok != (runtime.GOOS == "linux" || runtime.GOOS == "darwin" || runtime.GOOS == "windows") {
		t.Fatalf("DiskFree known = %v on %s", ok, runtime.GOOS)
	}
	if ok && free == 0 {
		t.Fatal("the temporary folder's disk reports 0 bytes free")
	}
	if _, ok := DiskFree("/no/such/folder/at/all"); ok {
		t.Fatal("a missing folder reported a free space")
	}
}
