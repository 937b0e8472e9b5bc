package qwen2

import (
	"fmt"
	"math"

	"github.com/swarmdesk/swarmdesk/engine/cpu"
)

// ReferenceLogits runs the model on tokens with plain float64 loops straight
// from the math (no KV cache, no fused tensors, no kernels) and returns the
// logits of every position, [len(tokens)][vocab]. It is slow on purpose:
// the fast path and future GPU backends are tested against it.
func (m *Model) ReferenceLogits(tokens []int) ([][]float64, error) {
	cfg := m.Config
	T := len(tokens)
	if T == 0 {
		return nil, fmt.Errorf("reference: empty input")
	}
	if T > cfg.MaxPositionEmbeddings {
		return nil, fmt.Errorf("reference: %d tokens exceed the context of %d", T, cfg.MaxPositionEmbeddings)
	}
	for _, t := range tokens {
		if t < 0 || t >= cfg.VocabSize {
			return nil, fmt.Errorf("reference: token id %d outside the vocabulary [0,%d)", t, cfg.VocabSize)
		}
	}
	H, hd := cfg.HiddenSize, cfg.HeadDim
	nh, nkv := cfg.NumAttentionHeads, cfg.NumKeyValueHeads
	eps := cfg.RMSNormEps
	w := m.param64

	embed := w("model.embed_tokens.weight")
	x := make([][]float64, T)
	for t, id := range tokens {
		x[t] = append([]float64(nil), embed[id*H:(id+1)*H]...)
	}
	for l := 0; l < cfg.NumHiddenLayers; l++ {
		n := func(s string) []float64 { return w(layerName(l, s)) }
		q := make([][]float64, T)
		k := make([][]float64, T)
		v := make([][]float64, T)
		for t := 0; t < T; t++ {
			h := refRMSNorm(x[t], n("input_layernorm.weight"), eps)
			q[t] = refLinear(n("self_attn.q_proj.weight"), n("self_attn.q_proj.bias"), h)
			k[t] = refLinear(n("self_attn.k_proj.weight"), n("self_attn.k_proj.bias"), h)
			v[t] = refLinear(n("self_attn.v_proj.weight"), n("self_attn.v_proj.bias"), h)
			for i := 0; i < nh; i++ {
				refRoPE(q[t][i*hd:(i+1)*hd], t, cfg.RopeTheta)
			}
			for i := 0; i < nkv; i++ {
				refRoPE(k[t][i*hd:(i+1)*hd], t, cfg.RopeTheta)
			}
		}
		for t := 0; t < T; t++ {
			att := make([]float64, nh*hd)
			for i := 0; i < nh; i++ {
				j := i / (nh / nkv) // the kv head shared by this query head
				scores := make([]float64, t+1)
				for s := 0; s <= t; s++ {
					for d := 0; d < hd; d++ {
						scores[s] += q[t][i*hd+d] * k[s][j*hd+d]
					}
					scores[s] /= math.Sqrt(float64(hd))
				}
				refSoftmax(scores)
				for s := 0; s <= t; s++ {
					for d := 0; d < hd; d++ {
						att[i*hd+d] += scores[s] * v[s][j*hd+d]
					}
				}
			}
			o := refLinear(n("self_attn.o_proj.weight"), nil, att)
			for i := range o {
				x[t][i] += o[i]
			}
			h := refRMSNorm(x[t], n("post_attention_layernorm.weight"), eps)
			g := refLinear(n("mlp.gate_proj.weight"), nil, h)
			u := refLinear(n("mlp.up_proj.weight"), nil, h)
			for i := range g {
				g[i] = g[i] / (1 + math.Exp(-g[i])) * u[i]
			}
			d := refLinear(n("mlp.down_proj.weight"), nil, g)
			for i := range d {
				x[t][i] += d[i]
			}
		}
	}
	head := "lm_head.weight"
	if cfg.TieWordEmbeddings {
		head = "model.embed_tokens.weight"
	}
	logits := make([][]float64, T)
	for t := range x {
		logits[t] = refLinear(w(head), nil, refRMSNorm(x[t], w("model.norm.weight"), eps))
	}
	return logits, nil
}

// param64 returns the named parameter widened to float64.
func (m *Model) param64(name string) []float64 {
	info, _ := m.Params.Info(name)
	out := make([]float64, info.Size)
	if info.BF16 {
		for i, b := range m.Params.BF16View(name) {
			out[i] = float64(cpu.BF16ToF32(b))
		}
		return out
	}
	for i, f := range m.Params.F32View(name) {
		out[i] = float64(f)
	}
	return out
}

// refLinear is y = W·x + b for W [len(y), len(x)].
func refLinear(W, b, x []float64) []float64 {
	y := make([]float64, len(W)/len(x))
	for o := range y {
		for i, xi := range x {
			y[o] += W[o*len(x)+i] * xi
		}
		if b != nil {
			y[o] += b[o]
		}
	}
	return y
}

func refRMSNorm(x, w []float64, eps float64) []float64 {
	ss := 0.0
	for _, v := range x {
		ss += v * v
	}
	r := 1 / math.Sqrt(ss/float64(len(x))+eps)
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = v * r * w[i]
	}
	return out
}

// refRoPE rotates one head at position pos, HF rotate_half convention.
func refRoPE(x []float64, pos int, theta float64) {
	half := len(x) / 2
	for i := 0; i < half; i++ {
		a := float64(pos) * math.Pow(theta, -float64(2*i)/float64(len(x)))
		c, s := math.Cos(a), math.Sin(a)
		x0, x1 := x[i], x[i+half]
		x[i] = x0*c - x1*s
		x[i+half] = x1*c + x0*s
	}
}

func refSoftmax(x []float64) {
	mx := math.Inf(-1)
	for _, v := range x {
		mx = math.Max(mx, v)
	}
	sum := 0.0
	for i, v := range x {
		x[i] = math.Exp(v - mx)
		sum += x[i]
	}
	for i := range x {
		x[i] /= sum
	}
}
