package cuda

import (
	"fmt"
	"os"
	"sync"
	"unsafe"

	"github.com/ebitengine/purego"
)

// cuBLAS is optional. The engine's own GEMMs need nothing but the driver;
// when a CUDA toolkit or a pip wheel (nvidia-cublas-cu12, or CUDA 13's
// nvidia/cu13) provides cuBLAS, doctor reports it and the device check
// measures our GEMM against it on the model's shapes.

// CUBLAS is an opened cuBLAS (and cuBLASLt beside it, when present).
type CUBLAS struct {
	Library, LtLibrary  string
	Major, Minor, Patch int
	create, destroy     uintptr
	setStream, gemmEx   uintptr
}

var (
	blasOnce sync.Once
	blas     *CUBLAS
	blasErr  error
)

// FindCUBLAS looks for cuBLAS 13 then 12: SWARMDESK_CUBLAS_LIB, the
// linker's path, a toolkit's folders and pip's nvidia/*/lib folders.
func FindCUBLAS() (*CUBLAS, error) {
	blasOnce.Do(func() { blas, blasErr = findCUBLAS() })
	return blas, blasErr
}

func findCUBLAS() (*CUBLAS, error) {
	dirs := pythonLibDirs("nvidia/cublas/lib", "nvidia/cu13/lib", "nvidia/cu12/lib")
	var lastErr error
	for _, pair := range cublasNames {
		names := []string{pair[0]}
		if p := os.Getenv("SWARMDESK_CUBLAS_LIB"); p != "" {
			names = append([]string{p}, names...)
		}
		h, lib, err := findLibrary(names, dirs)
		if err != nil {
			lastErr = err
			continue
		}
		b := &CUBLAS{Library: lib}
		for _, s := range []struct {
			name string
			p    *uintptr
		}{{"cublasCreate_v2", &b.create}, {"cublasDestroy_v2", &b.destroy}, {"cublasSetStream_v2", &b.setStream}, {"cublasGemmEx", &b.gemmEx}} {
			if *s.p, err = dlsym(h, s.name); err != nil {
				return nil, fmt.Errorf("cuBLAS %s lacks %s: %w", lib, s.name, err)
			}
		}
		if gp, err := dlsym(h, "cublasGetProperty"); err == nil {
			for i, dst := range []*int{&b.Major, &b.Minor, &b.Patch} {
				var v int32
				purego.SyscallN(gp, uintptr(i), uintptr(unsafe.Pointer(&v)))
				*dst = int(v)
			}
		}
		if _, lt, err := findLibrary([]string{pair[1]}, dirs); err == nil {
			b.LtLibrary = lt
		}
		return b, nil
	}
	return nil, fmt.Errorf("cuBLAS not found (%v); the engine's own GEMMs are used", lastErr)
}

func (b *CUBLAS) String() string {
	s := fmt.Sprintf("cuBLAS %d.%d.%d (%s", b.Major, b.Minor, b.Patch, b.Library)
	if b.LtLibrary != "" {
		s += ", cuBLASLt " + b.LtLibrary
	}
	return s + ")"
}

// cuBLAS constants (cublas_api.h, library_types.h).
const (
	cublasOpN         = 0
	cublasOpT         = 1
	cudaR32F          = 0
	cudaR16BF         = 14
	cublasCompute32F  = 68
	cublasGemmDefault = -1
)

// blasHandle is a cuBLAS handle bound to a backend's stream.
type blasHandle struct {
	b *CUBLAS
	h uintptr
}

// newBlasHandle creates a handle on the backend's context and stream.
func (be *Backend) newBlasHandle(b *CUBLAS) (*blasHandle, error) {
	bh := &blasHandle{b: b}
	err := be.c.Do(func() error {
		if r, _, _ := purego.SyscallN(b.create, uintptr(unsafe.Pointer(&bh.h))); r != 0 {
			return fmt.Errorf("cublasCreate: status %d", int32(r))
		}
		purego.SyscallN(b.setStream, bh.h, be.c.stream)
		return nil
	})
	return bh, err
}

// blasGemmBF16 runs C[M,N] (row-major f32) = A[M,K]·B[N,K]ᵀ with A and B bf16,
// through cublasGemmEx (column-major: Cᵀ = B·Aᵀ), and waits (context
// thread not required: it hops there).
func (be *Backend) blasGemmBF16(bh *blasHandle, C, A, B uintptr, M, N, K int) error {
	alpha, beta := float32(1), float32(0)
	algo := int32(cublasGemmDefault)
	return be.c.Do(func() error {
		r, _, _ := purego.SyscallN(bh.b.gemmEx, bh.h, cublasOpT, cublasOpN, uintptr(N), uintptr(M), uintptr(K),
			uintptr(unsafe.Pointer(&alpha)), B, cudaR16BF, uintptr(K), A, cudaR16BF, uintptr(K),
			uintptr(unsafe.Pointer(&beta)), C, cudaR32F, uintptr(N), cublasCompute32F, uintptr(uint32(algo)))
		if r != 0 {
			return fmt.Errorf("cublasGemmEx: status %d", int32(r))
		}
		return be.c.sync()
	})
}

func (bh *blasHandle) close(be *Backend) {
	be.c.Do(func() error { purego.SyscallN(bh.b.destroy, bh.h); return nil })
}
