//go:build linux || darwin || freebsd || netbsd || openbsd

package safetensors

import (
	"os"
	"syscall"
)

// mapFile maps the whole file read-only and shared, so tensor data is paged
// in lazily by the kernel and shared with other processes reading the same
// checkpoint.
func mapFile(f *os.File, size int64) ([]byte, func() error, error) {
	if int64(int(size)) != size {
		return readFile(f, size)
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		// Some filesystems (FUSE, network mounts) refuse mmap; reading is
		// slower but always works.
		return readFile(f, size)
	}
	return b, func() error { return syscall.Munmap(b) }, nil
}
