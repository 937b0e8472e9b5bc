//go:build darwin && arm64

package metal

import (
	"unsafe"

	"github.com/ebitengine/purego"
)

// dispatch sends dispatchThreadgroups:threadsPerThreadgroup:. On arm64
// (AAPCS64) a struct over 16 bytes is passed as a pointer to a copy, so
// the two 24-byte MTLSizes go by pointer through the uintptr fast path.
func dispatch(enc uintptr, grid, group mtlSize) {
	purego.SyscallN(rt.fns[fnMsgSend], enc, rt.sels[selDispatch],
		uintptr(unsafe.Pointer(&grid)), uintptr(unsafe.Pointer(&group)))
}
