//go:build darwin && amd64

package metal

import (
	"sync"

	"github.com/ebitengine/purego"
)

// On amd64 (System V) a 24-byte struct is passed in memory on the stack,
// not by pointer, so the uintptr fast path cannot express
// dispatchThreadgroups:threadsPerThreadgroup:. purego's typed function
// call lays the MTLSizes out by value (slower, once per dispatch; Intel
// Macs are a small share of participants).
var (
	dispatchOnce sync.Once
	dispatchFn   func(enc, sel uintptr, grid, group mtlSize)
)

func dispatch(enc uintptr, grid, group mtlSize) {
	dispatchOnce.Do(func() { purego.RegisterFunc(&dispatchFn, rt.fns[fnMsgSend]) })
	dispatchFn(enc, rt.sels[selDispatch], grid, group)
}
