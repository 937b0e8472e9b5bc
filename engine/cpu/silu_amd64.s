//go:build amd64

#include "textflag.h"

// Vector SiLU(g)*u. silu(g) = g / (1 + e^-g), with e^t computed as in
// expf32: t clamped to [-87.3, 88.3], n = round(t·log2e),
// r = t - n·ln2 (two-part ln2), degree-6 Taylor polynomial, times 2^n built
// in the exponent bits. Lanes with g < -87 are forced to 0 (the limit; the
// formula would give -Inf·0 = NaN for g = -Inf).
//
// The constants block c (see siluConsts) holds, as float32:
// 0 log2e, 1 ln2hi, 2 ln2lo, 3 1/720, 4 1/120, 5 1/24, 6 1/6, 7 0.5, 8 1,
// 9 tmax 88.3, 10 tmin -87.3, 11 zero-below -87.

// func siluMulAVX512(out, gate, u *float32, n int, c *float32)
// n is a positive multiple of 16.
TEXT ·siluMulAVX512(SB), NOSPLIT, $0-40
	MOVQ out+0(FP), DI
	MOVQ gate+8(FP), SI
	MOVQ u+16(FP), DX
	MOVQ n+24(FP), CX
	MOVQ c+32(FP), AX
	VBROADCASTSS 0(AX), Z20
	VBROADCASTSS 4(AX), Z21
	VBROADCASTSS 8(AX), Z22
	VBROADCASTSS 12(AX), Z23
	VBROADCASTSS 16(AX), Z24
	VBROADCASTSS 20(AX), Z25
	VBROADCASTSS 24(AX), Z26
	VBROADCASTSS 28(AX), Z27
	VBROADCASTSS 32(AX), Z28
	VBROADCASTSS 36(AX), Z29
	VBROADCASTSS 40(AX), Z30
	VBROADCASTSS 44(AX), Z31
loop:
	VMOVUPS (SI), Z0            // g
	VXORPS Z1, Z1, Z1
	VSUBPS Z0, Z1, Z1           // t = -g
	VMINPS Z29, Z1, Z1
	VMAXPS Z30, Z1, Z1
	VMULPS Z20, Z1, Z2
	VRNDSCALEPS $0, Z2, Z2      // n = round(t·log2e)
	VMOVAPS Z1, Z3
	VFNMADD231PS Z21, Z2, Z3    // r = t - n·ln2hi
	VFNMADD231PS Z22, Z2, Z3    // r -= n·ln2lo
	VMOVAPS Z23, Z4             // p = 1/720
	VFMADD213PS Z24, Z3, Z4     // p = p·r + 1/120
	VFMADD213PS Z25, Z3, Z4
	VFMADD213PS Z26, Z3, Z4
	VFMADD213PS Z27, Z3, Z4
	VFMADD213PS Z28, Z3, Z4
	VFMADD213PS Z28, Z3, Z4     // p = e^r
	VCVTPS2DQ Z2, Z5
	VPSLLD $23, Z5, Z5
	VPADDD Z5, Z4, Z4           // p·2^n via the exponent field
	VADDPS Z28, Z4, Z4          // 1 + e^-g
	VDIVPS Z4, Z0, Z6           // g / (1 + e^-g)
	VMULPS (DX), Z6, Z6         // · u
	VCMPPS $1, Z31, Z0, K1      // g < -87
	VPXORD Z6, Z6, K1, Z6
	VMOVUPS Z6, (DI)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, DI
	SUBQ $16, CX
	JNZ loop
	VZEROUPPER
	RET

// func siluMulAVX2(out, gate, u *float32, n int, c *float32)
// n is a positive multiple of 8.
TEXT ·siluMulAVX2(SB), NOSPLIT, $0-40
	MOVQ out+0(FP), DI
	MOVQ gate+8(FP), SI
	MOVQ u+16(FP), DX
	MOVQ n+24(FP), CX
	MOVQ c+32(FP), AX
loop:
	VMOVUPS (SI), Y0            // g
	VXORPS Y1, Y1, Y1
	VSUBPS Y0, Y1, Y1           // t = -g
	VBROADCASTSS 36(AX), Y7
	VMINPS Y7, Y1, Y1
	VBROADCASTSS 40(AX), Y7
	VMAXPS Y7, Y1, Y1
	VBROADCASTSS 0(AX), Y7
	VMULPS Y7, Y1, Y2
	VROUNDPS $0, Y2, Y2         // n = round(t·log2e)
	VMOVAPS Y1, Y3
	VBROADCASTSS 4(AX), Y7
	VFNMADD231PS Y7, Y2, Y3
	VBROADCASTSS 8(AX), Y7
	VFNMADD231PS Y7, Y2, Y3
	VBROADCASTSS 12(AX), Y4
	VBROADCASTSS 16(AX), Y7
	VFMADD213PS Y7, Y3, Y4
	VBROADCASTSS 20(AX), Y7
	VFMADD213PS Y7, Y3, Y4
	VBROADCASTSS 24(AX), Y7
	VFMADD213PS Y7, Y3, Y4
	VBROADCASTSS 28(AX), Y7
	VFMADD213PS Y7, Y3, Y4
	VBROADCASTSS 32(AX), Y8     // 1
	VFMADD213PS Y8, Y3, Y4
	VFMADD213PS Y8, Y3, Y4
	VCVTPS2DQ Y2, Y5
	VPSLLD $23, Y5, Y5
	VPADDD Y5, Y4, Y4
	VADDPS Y8, Y4, Y4
	VDIVPS Y4, Y0, Y6
	VMULPS (DX), Y6, Y6
	VBROADCASTSS 44(AX), Y7
	VCMPPS $1, Y7, Y0, Y9       // g < -87
	VANDNPS Y6, Y9, Y6
	VMOVUPS Y6, (DI)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ loop
	VZEROUPPER
	RET

// func expSubAVX512(x *float32, n int, m float32, c *float32) float32
// x[i] = e^(x[i]-m) in place for n (a positive multiple of 16) elements,
// returning their sum. Arguments below -87 (and -Inf) give 0, NaN stays
// NaN. Same
// polynomial and constants as siluMulAVX512.
TEXT ·expSubAVX512(SB), NOSPLIT, $0-36
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	VBROADCASTSS m+16(FP), Z19
	MOVQ c+24(FP), AX
	VBROADCASTSS 0(AX), Z20
	VBROADCASTSS 4(AX), Z21
	VBROADCASTSS 8(AX), Z22
	VBROADCASTSS 12(AX), Z23
	VBROADCASTSS 16(AX), Z24
	VBROADCASTSS 20(AX), Z25
	VBROADCASTSS 24(AX), Z26
	VBROADCASTSS 28(AX), Z27
	VBROADCASTSS 32(AX), Z28
	VBROADCASTSS 36(AX), Z29
	VBROADCASTSS 40(AX), Z30
	VBROADCASTSS 44(AX), Z31
	VPXORD Z7, Z7, Z7           // running sum
loop:
	VMOVUPS (SI), Z0
	VSUBPS Z19, Z0, Z0          // t = x - m
	VCMPPS $1, Z31, Z0, K1      // t < -87: result 0
	VMINPS Z29, Z0, Z1
	VMAXPS Z30, Z1, Z1
	VMULPS Z20, Z1, Z2
	VRNDSCALEPS $0, Z2, Z2
	VMOVAPS Z1, Z3
	VFNMADD231PS Z21, Z2, Z3
	VFNMADD231PS Z22, Z2, Z3
	VMOVAPS Z23, Z4
	VFMADD213PS Z24, Z3, Z4
	VFMADD213PS Z25, Z3, Z4
	VFMADD213PS Z26, Z3, Z4
	VFMADD213PS Z27, Z3, Z4
	VFMADD213PS Z28, Z3, Z4
	VFMADD213PS Z28, Z3, Z4
	VCVTPS2DQ Z2, Z5
	VPSLLD $23, Z5, Z5
	VPADDD Z5, Z4, Z4
	VPXORD Z4, Z4, K1, Z4
	VCMPPS $3, Z0, Z0, K2       // NaN lanes pass through
	VMOVAPS Z0, K2, Z4
	VMOVUPS Z4, (SI)
	VADDPS Z4, Z7, Z7
	ADDQ $64, SI
	SUBQ $16, CX
	JNZ loop
	VEXTRACTF64X4 $1, Z7, Y1
	VADDPS Y1, Y7, Y7
	VEXTRACTF128 $1, Y7, X1
	VADDPS X1, X7, X7
	VPERMILPS $0x4e, X7, X1
	VADDPS X1, X7, X7
	VMOVSHDUP X7, X1
	VADDSS X1, X7, X7
	VMOVSS X7, ret+32(FP)
	VZEROUPPER
	RET
