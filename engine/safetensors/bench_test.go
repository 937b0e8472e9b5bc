package safetensors

import (
	"path/filepath"
	"testing"
)

func benchTensor(n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(i%1000) * 0.001
	}
	return v
}

// BenchmarkOpen measures header parse + mmap of a 64-tensor file; it is
// the fixed cost of loading a checkpoint before any weights are touched.
func BenchmarkOpen(b *testing.B) {
	var ts []Tensor
	for i := 0; i < 64; i++ {
		ts = append(ts, BF16Tensor("model.layers."+string(rune('a'+i%26))+string(rune('a'+i/26))+".weight", []int{64, 64}, benchTensor(64*64)))
	}
	p := filepath.Join(b.TempDir(), "m.safetensors")
	if err := Write(p, ts, map[string]string{"format": "pt"}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := Open(p)
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

// BenchmarkFloat32 reports conversion throughput in elements per second.
func BenchmarkFloat32(b *testing.B) {
	const n = 1 << 20
	for _, t := range []Tensor{F32Tensor("x", []int{n}, benchTensor(n)), BF16Tensor("x", []int{n}, benchTensor(n)), F16Tensor("x", []int{n}, benchTensor(n))} {
		b.Run(string(t.DType), func(b *testing.B) {
			b.SetBytes(int64(len(t.Data)))
			for i := 0; i < b.N; i++ {
				if _, err := t.Float32(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Melem/s")
		})
	}
}

// BenchmarkWrite measures checkpoint save throughput (including fsync).
func BenchmarkWrite(b *testing.B) {
	ts := []Tensor{BF16Tensor("w", []int{1 << 22}, benchTensor(1<<22))}
	p := filepath.Join(b.TempDir(), "w.safetensors")
	b.SetBytes(int64(len(ts[0].Data)))
	for i := 0; i < b.N; i++ {
		if err := Write(p, ts, nil); err != nil {
			b.Fatal(err)
		}
	}
}
