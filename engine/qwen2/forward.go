package qwen2

import (
	"fmt"
	"math"

	"github.com/swarmdesk/swarmdesk/engine/cpu"
)

// workspace holds the activations of one forward call, grown on demand and
// reused so decoding allocates nothing per token.
type workspace struct {
	x, xn, qkv, att, tmp, ffn, act []float32
	cos, sin                       []float32
	pos                            []int
	head                           []float32
	logits                         []float32
}

func grow(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n)
	}
	return b[:n]
}

// prefillChunk bounds how many prompt tokens go through one forward pass,
// so activation memory stays ~50 MB (Qwen2.5-0.5B) however long the prompt.
const prefillChunk = 512

// Prefill appends a whole prompt to cache and returns the logits [vocab] of
// its last token. Prompt tokens go through each weight matrix together as
// one GEMM (in chunks of prefillChunk). The returned slice is scratch
// memory, overwritten by the next call on m.
func (m *Model) Prefill(cache *KVCache, tokens []int) ([]float32, error) {
	if len(tokens) == 0 {
		return nil, fmt.Errorf("prefill: empty prompt")
	}
	if cache != nil && len(tokens) > cache.Free() {
		return nil, fmt.Errorf("prefill: %d tokens do not fit the kv cache (%d free of %d); make a larger cache or shorten the prompt",
			len(tokens), cache.Free(), cache.cap)
	}
	// Validate every token first so a bad id late in a long prompt cannot
	// leave the cache half-filled.
	for i, t := range tokens {
		if t < 0 || t >= m.Config.VocabSize {
			return nil, fmt.Errorf("prefill: token id %d at position %d is outside the vocabulary [0,%d)", t, i, m.Config.VocabSize)
		}
	}
	if cache != nil && cache.Len()+len(tokens) > m.Config.MaxPositionEmbeddings {
		return nil, fmt.Errorf("prefill: %d tokens after %d cached exceed the model context of %d; shorten the prompt",
			len(tokens), cache.Len(), m.Config.MaxPositionEmbeddings)
	}
	var logits []float32
	for lo := 0; lo < len(tokens); lo += prefillChunk {
		hi := min(lo+prefillChunk, len(tokens))
		caches := make([]*KVCache, hi-lo)
		for i := range caches {
			caches[i] = cache
		}
		var err error
		if logits, err = m.Forward(caches, tokens[lo:hi], []int{hi - lo - 1}); err != nil {
			return nil, err
		}
	}
	return logits, nil
}

// PrefillAll is Prefill returning logits for every prompt position,
// [len(tokens)*vocab], as scoring and training need.
func (m *Model) PrefillAll(cache *KVCache, tokens []int) ([]float32, error) {
	caches := make([]*KVCache, len(tokens))
	want := make([]int, len(tokens))
	for i := range caches {
		caches[i], want[i] = cache, i
	}
	return m.Forward(caches, tokens, want)
}

// Decode appends one token to each of the B caches (which must be distinct)
// and returns the logits [B*vocab] for the next token of every sequence
// (scratch memory, overwritten by the next call on m).
func (m *Model) Decode(caches []*KVCache, tokens []int) ([]float32, error) {
	seen := make(map[*KVCache]bool, len(caches))
	want := make([]int, len(caches))
	for i, c := range caches {
		if seen[c] {
			return nil, fmt.Errorf("decode: sequence %d repeats a cache; use Prefill to add several tokens to one sequence", i)
		}
		seen[c] = true
		want[i] = i
	}
	return m.Forward(caches, tokens, want)
}

// Forward is the general step: row r appends tokens[r] to caches[r] (a cache
// may appear in several rows; its rows get consecutive positions in order).
// It returns logits for the rows listed in want, [len(want)*vocab]. The
// returned slice is reused by the next call.
func (m *Model) Forward(caches []*KVCache, tokens []int, want []int) ([]float32, error) {
	cfg := m.Config
	M := len(tokens)
	if M == 0 || len(caches) != M {
		return nil, fmt.Errorf("forward: %d tokens for %d caches", M, len(caches))
	}
	ws := &m.ws
	if cap(ws.pos) < M {
		ws.pos = make([]int, M)
	}
	pos := ws.pos[:M]
	added := make(map[*KVCache]int, 1)
	for r, c := range caches {
		if c == nil || c.kvDim != cfg.KVDim() || c.hd != cfg.HeadDim || len(c.k) != cfg.NumHiddenLayers {
			return nil, fmt.Errorf("forward: row %d has no cache or one made for another model", r)
		}
		if t := tokens[r]; t < 0 || t >= cfg.VocabSize {
			return nil, fmt.Errorf("forward: token id %d at row %d is outside the vocabulary [0,%d)", t, r, cfg.VocabSize)
		}
		pos[r] = c.Len() + added[c]
		added[c]++
		if added[c] > c.Free() {
			return nil, fmt.Errorf("forward: kv cache full (%d positions); make a larger cache or shorten the prompt", c.cap)
		}
		if pos[r] >= cfg.MaxPositionEmbeddings {
			return nil, fmt.Errorf("forward: position %d exceeds the model context of %d tokens; shorten the prompt or max new tokens", pos[r], cfg.MaxPositionEmbeddings)
		}
	}
	for _, w := range want {
		if w < 0 || w >= M {
			return nil, fmt.Errorf("forward: logits requested for row %d of %d", w, M)
		}
	}

	H, Q, KV, F := cfg.HiddenSize, cfg.QDim(), cfg.KVDim(), cfg.IntermediateSize
	ws.x = grow(ws.x, M*H)
	ws.xn = grow(ws.xn, M*H)
	ws.qkv = grow(ws.qkv, M*(Q+2*KV))
	ws.att = grow(ws.att, M*Q)
	ws.tmp = grow(ws.tmp, M*H)
	ws.ffn = grow(ws.ffn, M*2*F)
	ws.act = grow(ws.act, M*F)
	m.ropeTables(pos)

	for r, t := range tokens {
		m.Embed.Row(ws.x[r*H:(r+1)*H], t)
	}
	eps := float32(cfg.RMSNormEps)
	tasks := m.planAttention(caches, pos)
	for l := range m.Layers {
		m.block(l, caches, pos, tasks, eps)
	}
	for c, n := range added {
		c.n += n
	}

	W := len(want)
	ws.head = grow(ws.head, W*H)
	for i, r := range want {
		cpu.RMSNorm(ws.head[i*H:(i+1)*H], ws.x[r*H:(r+1)*H], m.Norm, eps)
	}
	ws.logits = grow(ws.logits, W*cfg.VocabSize)
	m.Head.Forward(ws.logits, ws.head, W)
	return ws.logits, nil
}

// block runs decoder layer l over all rows of the workspace:
//
//	x += o_proj(attention(rope(q), rope(k), v)) of rmsnorm(x)
//	x += down(silu(gate(h)) * up(h)), h = rmsnorm(x)
func (m *Model) block(l int, caches []*KVCache, pos []int, tasks []attnTask, eps float32) {
	cfg, ws, L := m.Config, &m.ws, &m.Layers[l]
	M := len(pos)
	H, Q, KV, F := cfg.HiddenSize, cfg.QDim(), cfg.KVDim(), cfg.IntermediateSize
	W := Q + 2*KV

	for r := 0; r < M; r++ {
		cpu.RMSNorm(ws.xn[r*H:(r+1)*H], ws.x[r*H:(r+1)*H], L.AttnNorm, eps)
	}
	L.QKV.Forward(ws.qkv, ws.xn, M)
	m.loraInfer(l, projQKV, ws.qkv, ws.xn, M)
	for r := 0; r < M; r++ {
		row := ws.qkv[r*W : (r+1)*W]
		m.rope(row[:Q], r)
		m.rope(row[Q:Q+KV], r)
		c := caches[r]
		p := pos[r] - c.base
		for j := 0; j < cfg.NumKeyValueHeads; j++ {
			i := (j*c.cap + p) * cfg.HeadDim
			copy(c.k[l][i:i+cfg.HeadDim], row[Q+j*cfg.HeadDim:Q+(j+1)*cfg.HeadDim])
			copy(c.v[l][i:i+cfg.HeadDim], row[Q+KV+j*cfg.HeadDim:Q+KV+(j+1)*cfg.HeadDim])
		}
	}
	m.attention(l, tasks, pos)
	L.O.Forward(ws.tmp, ws.att, M)
	m.loraInfer(l, projO, ws.tmp, ws.att, M)
	for i, v := range ws.tmp[:M*H] {
		ws.x[i] += v
	}

	for r := 0; r < M; r++ {
		cpu.RMSNorm(ws.xn[r*H:(r+1)*H], ws.x[r*H:(r+1)*H], L.MLPNorm, eps)
	}
	L.GateUp.Forward(ws.ffn, ws.xn, M)
	m.loraInfer(l, projGateUp, ws.ffn, ws.xn, M)
	for r := 0; r < M; r++ {
		g := ws.ffn[r*2*F : r*2*F+F]
		u := ws.ffn[r*2*F+F : (r+1)*2*F]
		cpu.SiLUMul(ws.act[r*F:(r+1)*F], g, u)
	}
	L.Down.Forward(ws.tmp, ws.act, M)
	m.loraInfer(l, projDown, ws.tmp, ws.act, M)
	for i, v := range ws.tmp[:M*H] {
		ws.x[i] += v
	}
}

// ropeTables fills cos/sin [M, head_dim/2] for the rows' positions. Angles
// are computed in float64 so long positions keep full float32 accuracy.
func (m *Model) ropeTables(pos []int) {
	half := m.Config.HeadDim / 2
	ws := &m.ws
	ws.cos = grow(ws.cos, len(pos)*half)
	ws.sin = grow(ws.sin, len(pos)*half)
	for r, p := range pos {
		for i := 0; i < half; i++ {
			a := float64(p) * m.invFreq(i)
			ws.cos[r*half+i] = float32(math.Cos(a))
			ws.sin[r*half+i] = float32(math.Sin(a))
		}
	}
}

// invFreq is θ^(-2i/d), the rotation speed of pair i.
func (m *Model) invFreq(i int) float64 {
	return math.Pow(m.Config.RopeTheta, -float64(2*i)/float64(m.Config.HeadDim))
}

// rope rotates every head in v (a run of whole heads of row r) by its
// position, NeoX/HF "rotate_half" style: pairs are (x[i], x[i+d/2]).
func (m *Model) rope(v []float32, r int) {
	hd := m.Config.HeadDim
	half := hd / 2
	cos := m.ws.cos[r*half : (r+1)*half]
	sin := m.ws.sin[r*half : (r+1)*half]
	for h := 0; h+hd <= len(v); h += hd {
		x := v[h : h+hd]
		for i := 0; i < half; i++ {
			a, b := x[i], x[i+half]
			x[i] = a*cos[i] - b*sin[i]
			x[i+half] = b*cos[i] + a*sin[i]
		}
	}
}
