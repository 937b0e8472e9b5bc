package cuda

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"unsafe"

	"github.com/ebitengine/purego"
)

// NVRTC, the CUDA runtime compiler, is only needed by the PTX generator
// (cmd/ptxgen) and its tests: the engine itself loads the committed PTX.
// It is bound the same way as the driver: a table resolved once, calls
// through purego.SyscallN.

type nvfn int

const (
	nvVersion nvfn = iota
	nvCreateProgram
	nvDestroyProgram
	nvCompileProgram
	nvGetPTXSize
	nvGetPTX
	nvGetProgramLogSize
	nvGetProgramLog
	nvGetErrorString
	nvCount
)

var nvEntries = [nvCount]string{
	nvVersion:           "nvrtcVersion",
	nvCreateProgram:     "nvrtcCreateProgram",
	nvDestroyProgram:    "nvrtcDestroyProgram",
	nvCompileProgram:    "nvrtcCompileProgram",
	nvGetPTXSize:        "nvrtcGetPTXSize",
	nvGetPTX:            "nvrtcGetPTX",
	nvGetProgramLogSize: "nvrtcGetProgramLogSize",
	nvGetProgramLog:     "nvrtcGetProgramLog",
	nvGetErrorString:    "nvrtcGetErrorString",
}

// NVRTC is an opened runtime compiler.
type NVRTC struct {
	Library      string
	Major, Minor int
	syms         [nvCount]uintptr
}

var (
	nvOnce sync.Once
	nv     *NVRTC
	nvErr  error
)

// OpenNVRTC opens NVRTC: SWARMDESK_NVRTC_LIB, then the sonames of CUDA 13,
// 12 and Debian's 11.8, a toolkit's folders and pip's nvidia/*/lib.
func OpenNVRTC() (*NVRTC, error) {
	nvOnce.Do(func() { nv, nvErr = openNVRTC() })
	return nv, nvErr
}

func openNVRTC() (*NVRTC, error) {
	names := nvrtcNames
	if p := os.Getenv("SWARMDESK_NVRTC_LIB"); p != "" {
		names = append([]string{p}, names...)
	}
	h, lib, err := findLibrary(names, pythonLibDirs("nvidia/cuda_nvrtc/lib", "nvidia/cu13/lib"))
	if err != nil {
		return nil, &Error{Kind: ErrNoNVRTC, Op: "open NVRTC", Detail: err.Error()}
	}
	n := &NVRTC{Library: lib}
	for i, name := range nvEntries {
		p, err := dlsym(h, name)
		if err != nil || p == 0 {
			return nil, &Error{Kind: ErrNoNVRTC, Op: "resolve " + name, Detail: lib}
		}
		n.syms[i] = p
	}
	var maj, min int32
	n.call(nvVersion, uintptr(unsafe.Pointer(&maj)), uintptr(unsafe.Pointer(&min)))
	n.Major, n.Minor = int(maj), int(min)
	return n, nil
}

func (n *NVRTC) call(f nvfn, args ...uintptr) int32 {
	r, _, _ := purego.SyscallN(n.syms[f], args...)
	return int32(r)
}

func (n *NVRTC) errString(r int32) string {
	p, _, _ := purego.SyscallN(n.syms[nvGetErrorString], uintptr(r))
	return cString(p)
}

// Header is an include file handed to NVRTC by name (there is no CUDA
// toolkit on the machines that generate PTX, so no system headers exist).
type Header struct{ Name, Source string }

// Compile compiles one CUDA C source to PTX with opts. The log is returned
// too; a log that mentions a warning is an error, so kernels stay
// warning-free.
func (n *NVRTC) Compile(name, src string, headers []Header, opts []string) (ptx []byte, log string, err error) {
	csrc, cname := cBytes(src), cBytes(name)
	hs := make([][]byte, 0, len(headers))
	hn := make([][]byte, 0, len(headers))
	hp := make([]uintptr, len(headers)+1)
	np := make([]uintptr, len(headers)+1)
	for i, h := range headers {
		hs = append(hs, cBytes(h.Source))
		hn = append(hn, cBytes(h.Name))
		hp[i] = uintptr(unsafe.Pointer(&hs[i][0]))
		np[i] = uintptr(unsafe.Pointer(&hn[i][0]))
	}
	// Out-parameters live on the heap: a uintptr to a stack variable goes
	// stale if the goroutine's stack moves before C writes through it.
	out := new([3]uintptr) // program, log size, PTX size
	if r := n.call(nvCreateProgram, uintptr(unsafe.Pointer(&out[0])), uintptr(unsafe.Pointer(&csrc[0])), uintptr(unsafe.Pointer(&cname[0])),
		uintptr(len(headers)), uintptr(unsafe.Pointer(&hp[0])), uintptr(unsafe.Pointer(&np[0]))); r != 0 {
		return nil, "", &Error{Kind: ErrCompile, Op: "nvrtcCreateProgram " + name, Detail: n.errString(r)}
	}
	prog := out[0]
	defer n.call(nvDestroyProgram, uintptr(unsafe.Pointer(&out[0])))
	ob := make([][]byte, len(opts))
	op := make([]uintptr, len(opts)+1)
	for i, o := range opts {
		ob[i] = cBytes(o)
		op[i] = uintptr(unsafe.Pointer(&ob[i][0]))
	}
	rc := n.call(nvCompileProgram, prog, uintptr(len(opts)), uintptr(unsafe.Pointer(&op[0])))
	n.call(nvGetProgramLogSize, prog, uintptr(unsafe.Pointer(&out[1])))
	logSize := out[1]
	if logSize > 1 {
		lb := make([]byte, logSize)
		n.call(nvGetProgramLog, prog, uintptr(unsafe.Pointer(&lb[0])))
		log = strings.TrimSpace(cName(lb))
	}
	keep(csrc, cname, hs, hn, ob, hp, np, op)
	if rc != 0 {
		return nil, log, &Error{Kind: ErrCompile, Op: "compile " + name, Detail: n.errString(rc) + "\n" + log}
	}
	if strings.Contains(strings.ToLower(log), "warning") {
		return nil, log, &Error{Kind: ErrCompile, Op: "compile " + name, Detail: "warnings are errors:\n" + log}
	}
	n.call(nvGetPTXSize, prog, uintptr(unsafe.Pointer(&out[2])))
	size := out[2]
	if size == 0 {
		return nil, log, &Error{Kind: ErrCompile, Op: "compile " + name, Detail: "empty PTX"}
	}
	buf := make([]byte, size)
	n.call(nvGetPTX, prog, uintptr(unsafe.Pointer(&buf[0])))
	return []byte(cName(buf)), log, nil
}

// keep holds Go memory that C read through uintptrs until after the calls.
//
//go:noinline
func keep(...any) {}

// String says which NVRTC this is.
func (n *NVRTC) String() string { return fmt.Sprintf("NVRTC %d.%d (%s)", n.Major, n.Minor, n.Library) }
