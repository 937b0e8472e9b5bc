//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package safetensors

import "os"

// mapFile reads the whole file on platforms where we do not memory-map
// (Windows and others); correct but uses RAM equal to the file size.
func mapFile(f *os.File, size int64) ([]byte, func() error, bool, error) {
	buf, unmap, err := readFile(f, size)
	return buf, unmap, false, err
}

// dropPages is never called here: nothing is mapped.
func dropPages([]byte) {}

const releasesPages = false
