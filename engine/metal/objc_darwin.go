//go:build darwin

package metal

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"unsafe"

	"github.com/ebitengine/purego"
	"github.com/ebitengine/purego/objc"
)

// The Objective-C runtime as the backend uses it: every name in names.go
// resolved once, and objc_msgSend called through purego.SyscallN with
// uintptr arguments (≈70 ns, no allocation) rather than objc.ID.Send,
// which builds a reflective call on every send.

var rt struct {
	once    sync.Once
	err     error
	fns     [numFuncs]uintptr
	classes [numClasses]uintptr
	sels    [numSels]uintptr
}

// load opens Metal.framework and libobjc and resolves the binding list.
func load() error {
	rt.once.Do(func() {
		libs := map[string]uintptr{}
		for _, path := range []string{metalLib, objcLib} {
			h, err := purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_GLOBAL)
			if err != nil {
				rt.err = fmt.Errorf("Metal.framework could not be loaded (%s): %w", path, err)
				return
			}
			libs[path] = h
		}
		for i, f := range funcTable {
			p, err := purego.Dlsym(libs[f.recv], f.name)
			if err != nil || p == 0 {
				rt.err = fmt.Errorf("%s is missing from %s: %v", f.name, f.recv, err)
				return
			}
			rt.fns[i] = p
		}
		for i, c := range classTable {
			if rt.classes[i] = uintptr(objc.GetClass(c.name)); rt.classes[i] == 0 {
				rt.err = fmt.Errorf("the Objective-C class %s is missing", c.name)
				return
			}
		}
		for i, s := range selectorTable {
			rt.sels[i] = uintptr(objc.RegisterName(s.name))
		}
	})
	return rt.err
}

// send sends selector sel to id with integer/pointer arguments. Pointers
// to Go memory passed as uintptr are moved to the heap and kept alive for
// the call (go:uintptrescapes, as purego.SyscallN itself).
//
//go:uintptrescapes
func send(id uintptr, sel int, args ...uintptr) uintptr {
	switch len(args) {
	case 0:
		r, _, _ := purego.SyscallN(rt.fns[fnMsgSend], id, rt.sels[sel])
		return r
	case 1:
		r, _, _ := purego.SyscallN(rt.fns[fnMsgSend], id, rt.sels[sel], args[0])
		return r
	case 2:
		r, _, _ := purego.SyscallN(rt.fns[fnMsgSend], id, rt.sels[sel], args[0], args[1])
		return r
	case 3:
		r, _, _ := purego.SyscallN(rt.fns[fnMsgSend], id, rt.sels[sel], args[0], args[1], args[2])
		return r
	}
	panic("metal: send with more than 3 arguments")
}

// sendBool is send for a method returning BOOL (one byte in the result
// register; the rest is undefined).
//
//go:uintptrescapes
func sendBool(id uintptr, sel int, args ...uintptr) bool { return send(id, sel, args...)&0xff != 0 }

func release(id uintptr) {
	if id != 0 {
		send(id, selRelease)
	}
}

// withPool runs f inside an autorelease pool, on one OS thread: a pool is
// per thread, and a goroutine may otherwise move between push and pop.
// Objects Metal returns autoreleased (command buffers, encoders, NSErrors)
// are retained inside f if they must outlive it.
func withPool(f func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	p, _, _ := purego.SyscallN(rt.fns[fnPoolPush])
	defer purego.SyscallN(rt.fns[fnPoolPop], p)
	f()
}

// nsString returns a new (+1, caller releases) NSString holding s.
func nsString(s string) uintptr {
	b := []byte(s)
	if len(b) == 0 {
		b = []byte{0}
		b = b[:0:1]
	}
	str := send(rt.classes[clsNSString], selAlloc)
	const utf8 = 4 // NSUTF8StringEncoding
	r := send(str, selInitWithBytes, uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)), utf8)
	runtime.KeepAlive(b)
	return r
}

// goString copies a NUL-terminated C string.
func goString(p uintptr) string {
	if p == 0 {
		return ""
	}
	base := ptrOf(p)
	var n int
	for *(*byte)(unsafe.Add(base, n)) != 0 {
		n++
	}
	return string(unsafe.Slice((*byte)(base), n))
}

// ptrOf turns an address Metal or libobjc returned (memory Go does not
// manage) into a pointer.
func ptrOf(p uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&p)) }

// nsStringValue is an NSString's text.
func nsStringValue(s uintptr) string {
	if s == 0 {
		return ""
	}
	return goString(send(s, selUTF8String))
}

// nsErrorText is an NSError's localizedDescription (call inside a pool).
func nsErrorText(e uintptr) string {
	if e == 0 {
		return "unknown error"
	}
	return nsStringValue(send(e, selLocalizedDescription))
}

var errNoDevice = errors.New("this Mac reports no Metal device (MTLCreateSystemDefaultDevice returned nil)")
