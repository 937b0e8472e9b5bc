//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package safetensors

import "os"

// mapFile reads the whole file on platforms where we do not memory-map
// (Windows and others); correct but uses RAM equal to the file size.
func mapFile(f *os.File, size int64) ([]byte, func() error, error) {
	return readFile(f, size)
}
