package goalnet

// dims is the spatial size of a volume; voxel (x, y, z) is at (x*Y+y)*Z+z,
// the world package's flat order, so a world.Grid index is a volume index.
type dims struct{ X, Y, Z int }

func (d dims) n() int { return d.X * d.Y * d.Z }

// K is the kernel size of every convolution (padding K/2 keeps the size).
const K = 3

const k3 = K * K * K

type float interface{ ~float32 | ~float64 }

// validRange returns the output coordinates o in [0, n) for which o+k-1 (the
// input coordinate under kernel tap k with padding 1) is inside [0, n).
func validRange(k, n int) (lo, hi int) {
	lo, hi = 0, n
	if k == 0 {
		lo = 1
	}
	if k == K-1 {
		hi = n - 1
	}
	return lo, hi
}

// convForward computes out[o] = b[o] + Σ_i w[o,i] ⋆ in[i] with zero padding.
// in is [cin][d.n()], out is [cout][d.n()], w is [cout][cin][K][K][K].
// The inner loop runs along z, which is contiguous in both volumes.
func convForward[T float](out, in, w, b []T, cin, cout int, d dims) {
	n := d.n()
	rows := tapRows(d)
	for o := 0; o < cout; o++ {
		ob := out[o*n : (o+1)*n]
		for j := range ob {
			ob[j] = b[o]
		}
		for i := 0; i < cin; i++ {
			ib := in[i*n : (i+1)*n]
			wk := w[(o*cin+i)*k3 : (o*cin+i+1)*k3]
			for _, r := range rows {
				wt := wk[r.t]
				if wt == 0 {
					continue
				}
				orow := ob[r.dst:r.dstEnd]
				irow := ib[r.src : r.src+len(orow)]
				for z := range orow {
					orow[z] += wt * irow[z]
				}
			}
		}
	}
}

// convBackward accumulates the gradients of convForward given dOut:
//
//	dW[o,i,k] += Σ_v dOut[o,v] · in[i, v+k−1]
//	dB[o]     += Σ_v dOut[o,v]
//	dIn[i,u]  += Σ_o Σ_k w[o,i,k] · dOut[o, u−k+1]     (skipped when dIn is nil)
func convBackward[T float](dIn, dW, dB, dOut, in, w []T, cin, cout int, d dims) {
	n := d.n()
	rows := tapRows(d)
	for o := 0; o < cout; o++ {
		gb := dOut[o*n : (o+1)*n]
		var s T
		for _, g := range gb {
			s += g
		}
		dB[o] += s
		for i := 0; i < cin; i++ {
			ib := in[i*n : (i+1)*n]
			wk := w[(o*cin+i)*k3 : (o*cin+i+1)*k3]
			dwk := dW[(o*cin+i)*k3 : (o*cin+i+1)*k3]
			var di []T
			if dIn != nil {
				di = dIn[i*n : (i+1)*n]
			}
			for _, r := range rows {
				grow := gb[r.dst:r.dstEnd]
				irow := ib[r.src : r.src+len(grow)]
				var acc T
				for z := range grow {
					acc += grow[z] * irow[z]
				}
				dwk[r.t] += acc
				if di != nil {
					wt := wk[r.t]
					drow := di[r.src : r.src+len(grow)]
					for z := range grow {
						drow[z] += wt * grow[z]
					}
				}
			}
		}
	}
}

// tapRow is one (tap, x, y) row of a convolution: output z in
// [dst, dstEnd) (flat indices) reads input from src onwards.
type tapRow struct{ t, dst, dstEnd, src int }

var worldRows = buildRows(worldDims)

// tapRows lists every row every kernel tap reaches inside the input, so the
// convolution loops are plain slices with no bounds tests per voxel.
func tapRows(d dims) []tapRow {
	if d == worldDims {
		return worldRows
	}
	return buildRows(d)
}

func buildRows(d dims) []tapRow {
	var rows []tapRow
	for kx := 0; kx < K; kx++ {
		x0, x1 := validRange(kx, d.X)
		for ky := 0; ky < K; ky++ {
			y0, y1 := validRange(ky, d.Y)
			for kz := 0; kz < K; kz++ {
				z0, z1 := validRange(kz, d.Z)
				if z0 >= z1 {
					continue
				}
				t := (kx*K+ky)*K + kz
				for x := x0; x < x1; x++ {
					for y := y0; y < y1; y++ {
						dst := (x*d.Y + y) * d.Z
						src := ((x+kx-1)*d.Y+(y+ky-1))*d.Z + kz - 1
						rows = append(rows, tapRow{t: t, dst: dst + z0, dstEnd: dst + z1, src: src + z0})
					}
				}
			}
		}
	}
	return rows
}
