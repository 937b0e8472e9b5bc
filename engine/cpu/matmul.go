package cpu

import "fmt"

// need panics with a descriptive message when a slice is shorter than the
// shapes require. Shapes come from validated model configs, so a mismatch is
// a programming error inside the engine (like an index out of range), never
// a result of outside data.
func need(fn, name string, have, want int) {
	if have < want {
		panic(fmt.Sprintf("cpu.%s: len(%s)=%d, shapes need %d", fn, name, have, want))
	}
}

func needShapes(fn string, M, N, K int) {
	if M < 0 || N < 0 || K < 0 {
		panic(fmt.Sprintf("cpu.%s: negative shape M=%d N=%d K=%d", fn, M, N, K))
	}
}

// MatMulT computes out[m*N+n] = sum_k x[m*K+k]*w[n*K+k] (+ bias[n] if bias
// != nil): a Linear layer with PyTorch's [N,K] weight. out is overwritten.
func MatMulT(out, x, w, bias []float32, M, N, K int) {
	needShapes("MatMulT", M, N, K)
	need("MatMulT", "out", len(out), M*N)
	need("MatMulT", "x", len(x), M*K)
	need("MatMulT", "w", len(w), N*K)
	if bias != nil {
		need("MatMulT", "bias", len(bias), N)
	}
	if M == 0 || N == 0 {
		return
	}
	if K == 0 {
		initRows(out, bias, M, N)
		return
	}
	matMulTImpl(out[:M*N], x[:M*K], w[:N*K], bias, M, N, K)
}

// MatMulTBF16 is MatMulT with w stored as bfloat16 bits (the upper 16 bits of
// the float32), halving the memory traffic that bounds decode speed.
func MatMulTBF16(out, x []float32, w []uint16, bias []float32, M, N, K int) {
	needShapes("MatMulTBF16", M, N, K)
	need("MatMulTBF16", "out", len(out), M*N)
	need("MatMulTBF16", "x", len(x), M*K)
	need("MatMulTBF16", "w", len(w), N*K)
	if bias != nil {
		need("MatMulTBF16", "bias", len(bias), N)
	}
	if M == 0 || N == 0 {
		return
	}
	if K == 0 {
		initRows(out, bias, M, N)
		return
	}
	matMulTBF16Impl(out[:M*N], x[:M*K], w[:N*K], bias, M, N, K)
}

// MatMul computes out[m*N+n] = sum_k x[m*K+k]*w[k*N+n]; with w a Linear
// weight [K=out,N=in] this is the input gradient dX = dY·W. out is overwritten.
func MatMul(out, x, w []float32, M, N, K int) {
	needShapes("MatMul", M, N, K)
	need("MatMul", "out", len(out), M*N)
	need("MatMul", "x", len(x), M*K)
	need("MatMul", "w", len(w), K*N)
	if M == 0 || N == 0 {
		return
	}
	if K == 0 {
		initRows(out, nil, M, N)
		return
	}
	matMulImpl(out[:M*N], x[:M*K], w[:K*N], M, N, K)
}

// MatMulTNAcc accumulates the weight gradient dw[n*K+k] += sum_m
// dy[m*N+n]*x[m*K+k] (dW += dYᵀ·X), so gradients of several micro-batches add up.
func MatMulTNAcc(dw, dy, x []float32, M, N, K int) {
	needShapes("MatMulTNAcc", M, N, K)
	need("MatMulTNAcc", "dw", len(dw), N*K)
	need("MatMulTNAcc", "dy", len(dy), M*N)
	need("MatMulTNAcc", "x", len(x), M*K)
	if M == 0 || N == 0 || K == 0 {
		return
	}
	matMulTNAccImpl(dw[:N*K], dy[:M*N], x[:M*K], M, N, K)
}
