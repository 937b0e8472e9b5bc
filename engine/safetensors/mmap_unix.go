//go:build linux || darwin || freebsd || netbsd || openbsd

package safetensors

import (
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// mapFile maps the whole file read-only and shared, so tensor data is paged
// in lazily by the kernel and shared with other processes reading the same
// checkpoint.
func mapFile(f *os.File, size int64) (buf []byte, unmap func() error, mapped bool, err error) {
	if int64(int(size)) != size {
		buf, unmap, err = readFile(f, size)
		return buf, unmap, false, err
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		// Some filesystems (FUSE, network mounts) refuse mmap; reading is
		// slower but always works.
		buf, unmap, err = readFile(f, size)
		return buf, unmap, false, err
	}
	return b, func() error { return syscall.Munmap(b) }, true, nil
}

// dropPages tells the kernel this process no longer needs the mapped pages
// of b (whole pages inside it only): they leave the process's resident set
// and stay in the page cache, from where a later read faults them back in.
func dropPages(b []byte) {
	page := uintptr(os.Getpagesize())
	if len(b) == 0 {
		return
	}
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo := (start + page - 1) &^ (page - 1)
	hi := (start + uintptr(len(b))) &^ (page - 1)
	if hi <= lo {
		return
	}
	_ = unix.Madvise(b[lo-start:hi-start], unix.MADV_DONTNEED)
}

const releasesPages = true
