package cpu

import "os"

// kernelSet is one complete implementation of the hot kernels. Sets are
// listed fastest-last in available(); init picks the last one unless
// SWARMDESK_CPU_PORTABLE=1 asks for the portable Go code (useful to rule the
// assembly out when chasing a numerical bug) or SWARMDESK_CPU_KERNELS names
// another supported set. The tests run every available set regardless.
type kernelSet struct {
	name        string
	matMulT     func(out, x, w, bias []float32, M, N, K int)
	matMulTBF16 func(out, x []float32, w []uint16, bias []float32, M, N, K int)
	matMul      func(out, x, w []float32, M, N, K int)
	matMulTNAcc func(dw, dy, x []float32, M, N, K int)
	dot         func(a, b []float32) float32
	axpy        func(alpha float32, x, y []float32)
	siluMul     func(out, gate, up []float32)
	expSub      func(x []float32, m float32) float32
	// bf16DotMinM > 0 means matMulTBF16 rounds x to bf16 as well (the
	// VDPBF16PS path) whenever M >= bf16DotMinM; the tests account for it.
	bf16DotMinM int
}

var portableSet = kernelSet{
	name:        "portable",
	matMulT:     matMulTGeneric,
	matMulTBF16: matMulTBF16Generic,
	matMul:      matMulGeneric,
	matMulTNAcc: matMulTNAccGeneric,
	dot:         dotGeneric,
	axpy:        axpyGeneric,
	siluMul:     siluMulGeneric,
	expSub:      expSubGeneric,
}

var (
	active          kernelSet
	matMulTImpl     func(out, x, w, bias []float32, M, N, K int)
	matMulTBF16Impl func(out, x []float32, w []uint16, bias []float32, M, N, K int)
	matMulImpl      func(out, x, w []float32, M, N, K int)
	matMulTNAccImpl func(dw, dy, x []float32, M, N, K int)
	dotImpl         func(a, b []float32) float32
	axpyImpl        func(alpha float32, x, y []float32)
	siluMulImpl     func(out, gate, up []float32)
	expSubImpl      func(x []float32, m float32) float32
)

func use(s kernelSet) {
	active = s
	matMulTImpl = s.matMulT
	matMulTBF16Impl = s.matMulTBF16
	matMulImpl = s.matMul
	matMulTNAccImpl = s.matMulTNAcc
	dotImpl = s.dot
	axpyImpl = s.axpy
	siluMulImpl = s.siluMul
	expSubImpl = s.expSub
}

func init() {
	sets := available()
	use(sets[len(sets)-1])
	if os.Getenv("SWARMDESK_CPU_PORTABLE") == "1" {
		use(portableSet)
		return
	}
	// SWARMDESK_CPU_KERNELS=avx2 (etc.) picks a slower set the CPU also
	// supports, to compare paths or work around a suspected kernel bug.
	if want := os.Getenv("SWARMDESK_CPU_KERNELS"); want != "" {
		for _, s := range sets {
			if s.name == want {
				use(s)
			}
		}
	}
}

// KernelName reports which kernel set is active ("portable", "avx2",
// "avx512", "avx512bf16"), for logs and bug reports.
func KernelName() string { return active.name }
