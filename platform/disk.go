package platform

// DiskFree returns the bytes available to this user on the file system holding path, and
// false where the OS cannot tell (the caller then skips its low-disk warning).
func DiskFree(path string) (uint64, bool) { return diskFree(path) }
