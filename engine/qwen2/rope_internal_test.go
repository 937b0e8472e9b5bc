package qwen2

import (
	"math"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend/host"
)

// HF Qwen2 applies q·cos + rotate_half(q)·sin with rotate_half(x) =
// cat(-x[d/2:], x[:d/2]) and cos/sin = cat(freqs, freqs), freqs[i] =
// pos·θ^(-2i/d). So a unit vector at index i moves to index i+d/2 (by sin),
// not to i+1 as in the interleaved GPT-J convention. These are hand-derived
// from that definition.
func TestRoPEConventionMatchesHF(t *testing.T) {
	cfg := Config{HeadDim: 8, RopeTheta: 10000}
	be := host.New()
	const pos = 3
	cos, sin := make([]float32, cfg.HeadDim/2), make([]float32, cfg.HeadDim/2)
	be.RoPETables(hv(cos), hv(sin), []int{pos}, cfg.HeadDim, cfg.RopeTheta)
	for i := 0; i < 8; i++ {
		x := make([]float32, 8)
		x[i] = 1
		be.RoPE(hv(x), hv(cos), hv(sin), 1, 8, 8, cfg.HeadDim, false)
		ref := make([]float64, 8)
		ref[i] = 1
		refRoPE(ref, pos, cfg.RopeTheta)

		pair := i % 4
		a := pos * math.Pow(10000, -float64(2*pair)/8)
		want := make([]float64, 8)
		if i < 4 { // x1 part: out[i] = cos, out[i+4] = sin
			want[i], want[i+4] = math.Cos(a), math.Sin(a)
		} else { // x2 part: out[i-4] = -sin, out[i] = cos
			want[i-4], want[i] = -math.Sin(a), math.Cos(a)
		}
		for d := range want {
			if math.Abs(float64(x[d])-want[d]) > 1e-6 || math.Abs(ref[d]-want[d]) > 1e-12 {
				t.Fatalf("unit %d, dim %d: fast %v, reference %v, HF %v", i, d, x[d], ref[d], want[d])
			}
		}
	}
}

func TestZerosLikeSharesLayout(t *testing.T) {
	cfg := Config{Architectures: []string{Architecture}, HiddenSize: 8, IntermediateSize: 16, NumHiddenLayers: 2,
		NumAttentionHeads: 2, NumKeyValueHeads: 1, HeadDim: 4, VocabSize: 10, MaxPositionEmbeddings: 4,
		RMSNormEps: 1e-6, RopeTheta: 1e4, BOSTokenID: -1}
	m, err := New(cfg, F32)
	if err != nil {
		t.Fatal(err)
	}
	g := m.Params.ZerosLike()
	if len(g.F32) != len(m.Params.F32) || len(g.F32) != m.Params.NumParams() {
		t.Fatalf("gradient buffer %d, params %d", len(g.F32), len(m.Params.F32))
	}
	// Every view of the layout tiles the flat buffer exactly once.
	seen := make([]int, len(g.F32))
	for _, ti := range g.Tensors {
		for i := ti.Offset; i < ti.Offset+ti.Size; i++ {
			seen[i]++
		}
	}
	for i, n := range seen {
		if n != 1 {
			t.Fatalf("element %d covered %d times", i, n)
		}
	}
	// q|k|v and gate|up are adjacent so the stacked views are exact.
	q, _ := g.Info("model.layers.1.self_attn.q_proj.weight")
	v, _ := g.Info("model.layers.1.self_attn.v_proj.weight")
	if v.Offset+v.Size-q.Offset != len(m.Layers[1].QKV.W) || &m.Layers[1].QKV.W[0] != &m.Params.F32[q.Offset] {
		t.Fatal("QKV view does not span q, k and v")
	}
}
