//go:build amd64

package cpu

func cpuid(leaf, sub uint32) (a, b, c, d uint32)
func xgetbv0() (lo, hi uint32)

// x86Features are the CPU capabilities the kernels care about, each already
// combined with the OS support check (XCR0) for its register state.
type x86Features struct {
	avx2FMA, avx512, avx512BF16 bool
}

func detectX86() x86Features {
	var f x86Features
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return f
	}
	_, _, c1, _ := cpuid(1, 0)
	fma, osxsave, avx := c1&(1<<12) != 0, c1&(1<<27) != 0, c1&(1<<28) != 0
	if !osxsave || !avx {
		return f
	}
	xcr0, _ := xgetbv0()
	osYMM := xcr0&0x6 == 0x6
	osZMM := xcr0&0xe6 == 0xe6
	_, b7, _, _ := cpuid(7, 0)
	avx2 := b7&(1<<5) != 0
	avx512F, avx512BW, avx512VL := b7&(1<<16) != 0, b7&(1<<30) != 0, b7&(1<<31) != 0
	a71, _, _, _ := cpuid(7, 1)
	f.avx2FMA = osYMM && avx2 && fma
	f.avx512 = f.avx2FMA && osZMM && avx512F && avx512BW && avx512VL
	f.avx512BF16 = f.avx512 && a71&(1<<5) != 0
	return f
}
