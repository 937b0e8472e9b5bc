package testmodel

import (
	"runtime"
	"strings"
	"sync"

	"github.com/swarmdesk/swarmdesk/engine/cpu"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
)

// Qwen05B is Qwen2.5-0.5B's exact shape. Speed does not depend on weight
// values, so benchmarks build it with Randomize instead of downloading the
// real checkpoint.
var Qwen05B = qwen2.Config{
	Architectures: []string{qwen2.Architecture}, HiddenSize: 896, IntermediateSize: 4864,
	NumHiddenLayers: 24, NumAttentionHeads: 14, NumKeyValueHeads: 2, HeadDim: 64,
	VocabSize: 151936, RMSNormEps: 1e-6, RopeTheta: 1e6, MaxPositionEmbeddings: 32768,
	TieWordEmbeddings: true, BOSTokenID: -1, EOSTokenIDs: []int{151643},
}

// Randomize fills every parameter of m with cheap pseudo-random values of a
// realistic scale (uniform ±0.02, norm gains 1), on all cores: a 0.5B model
// takes about a second.
func Randomize(m *qwen2.Model) {
	fill := func(n int, set func(i int, v float32)) {
		var wg sync.WaitGroup
		parts := runtime.NumCPU()
		for p := 0; p < parts; p++ {
			wg.Add(1)
			go func(lo, hi int) {
				defer wg.Done()
				s := uint64(lo)*0x9E3779B97F4A7C15 | 1
				for i := lo; i < hi; i++ {
					s ^= s << 13
					s ^= s >> 7
					s ^= s << 17
					set(i, (float32(s>>40)/float32(1<<24)-0.5)*0.04)
				}
			}(n*p/parts, n*(p+1)/parts)
		}
		wg.Wait()
	}
	f32, bf := m.Params.F32, m.Params.BF16
	fill(len(f32), func(i int, v float32) { f32[i] = v })
	fill(len(bf), func(i int, v float32) { bf[i] = cpu.F32ToBF16(v) })
	for _, t := range m.Params.Tensors {
		if strings.HasSuffix(t.Name, "norm.weight") {
			for i := range f32[t.Offset : t.Offset+t.Size] {
				f32[t.Offset+i] = 1
			}
		}
	}
}
