package qwen2

import (
	"fmt"
	"math"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/sample"
)

// workspace holds the activations of one forward call on the model's
// backend, grown on demand and reused so decoding allocates nothing per
// token.
type workspace struct {
	x, xn, qkv, att, tmp, ffn, act backend.View
	cos, sin                       backend.View
	head, logits                   backend.View
	pos                            []int
	out                            []float32 // logits downloaded from a device backend
}

// take returns n floats of workspace buffer *v, reallocating it when it is
// too small.
func (ws *workspace) take(be backend.Backend, v *backend.View, n int) (backend.View, error) {
	if v.Buf == nil || v.Buf.Len() < n {
		if v.Buf != nil {
			be.Free(v.Buf)
		}
		b, err := be.Alloc(backend.F32, max(n, 1))
		if err != nil {
			*v = backend.View{}
			return backend.View{}, fmt.Errorf("forward: workspace of %d floats on %s: %w", n, be.Device(), err)
		}
		*v = backend.Whole(b)
	}
	return v.Slice(0, n), nil
}

// free returns every workspace buffer to be.
func (ws *workspace) free(be backend.Backend) {
	for _, v := range []*backend.View{&ws.x, &ws.xn, &ws.qkv, &ws.att, &ws.tmp, &ws.ffn, &ws.act, &ws.cos, &ws.sin, &ws.head, &ws.logits} {
		if v.Buf != nil {
			be.Free(v.Buf)
			*v = backend.View{}
		}
	}
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
	if cache != nil {
		if err := cache.usable(); err != nil {
			return nil, fmt.Errorf("prefill: %w", err)
		}
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
	want, err := decodeRows(caches)
	if err != nil {
		return nil, err
	}
	return m.Forward(caches, tokens, want)
}

// decodeRows checks that a decode step's caches are distinct and returns
// every row as wanted.
func decodeRows(caches []*KVCache) ([]int, error) {
	seen := make(map[*KVCache]bool, len(caches))
	want := make([]int, len(caches))
	for i, c := range caches {
		if seen[c] {
			return nil, fmt.Errorf("decode: sequence %d repeats a cache; use Prefill to add several tokens to one sequence", i)
		}
		seen[c] = true
		want[i] = i
	}
	return want, nil
}

// DecodeSample is Decode followed by one draw per sequence with its own
// sampler (s[i] for caches[i]), on the model's backend: on a device the
// logits stay there and the step (forward and sampling) is one submission
// that downloads only the tokens and their log-probs.
func (m *Model) DecodeSample(caches []*KVCache, tokens []int, s []*sample.Sampler, dst []sample.Result) error {
	want, err := decodeRows(caches)
	if err != nil {
		return err
	}
	if len(s) != len(caches) || len(dst) != len(caches) {
		return fmt.Errorf("decode: %d samplers and %d results for %d sequences", len(s), len(dst), len(caches))
	}
	logits, err := m.forwardLogits(caches, tokens, want)
	if err != nil {
		return err
	}
	if err := m.be.Sample(dst, logits, m.Config.VocabSize, s); err != nil {
		m.be.Flush()
		return fmt.Errorf("decode on %s: %w", m.be.Device().Name, err)
	}
	if err := m.be.Flush(); err != nil {
		return fmt.Errorf("decode on %s: %w", m.be.Device().Name, err)
	}
	return nil
}

// Forward is the general step: row r appends tokens[r] to caches[r] (a cache
// may appear in several rows; its rows get consecutive positions in order).
// It returns logits for the rows listed in want, [len(want)*vocab]. The
// returned slice is reused by the next call.
func (m *Model) Forward(caches []*KVCache, tokens []int, want []int) ([]float32, error) {
	logits, err := m.forwardLogits(caches, tokens, want)
	if err != nil {
		return nil, err
	}
	be := m.be
	if hm, ok := be.(backend.HostMemory); ok {
		if err := be.Flush(); err != nil {
			return nil, fmt.Errorf("forward on %s: %w", be.Device(), err)
		}
		return hm.Host(logits), nil
	}
	ws := &m.ws
	ws.out = grow(ws.out, logits.N)
	if err := be.Download(ws.out, logits); err != nil {
		be.Flush()
		return nil, fmt.Errorf("forward on %s: %w", be.Device(), err)
	}
	if err := be.Flush(); err != nil {
		return nil, fmt.Errorf("forward on %s: %w", be.Device(), err)
	}
	return ws.out, nil
}

// forwardLogits checks a Forward call and records it on the backend inside
// an open batch scope (Begin without Flush), returning the logits view for
// the rows in want: the caller downloads or samples them, then flushes.
func (m *Model) forwardLogits(caches []*KVCache, tokens []int, want []int) (backend.View, error) {
	cfg := m.Config
	M := len(tokens)
	if M == 0 || len(caches) != M {
		return backend.View{}, fmt.Errorf("forward: %d tokens for %d caches", M, len(caches))
	}
	ws := &m.ws
	if cap(ws.pos) < M {
		ws.pos = make([]int, M)
	}
	pos := ws.pos[:M]
	added := make(map[*KVCache]int, 1)
	for r, c := range caches {
		if c == nil || c.kvDim != cfg.KVDim() || c.hd != cfg.HeadDim || len(c.k) != cfg.NumHiddenLayers {
			return backend.View{}, fmt.Errorf("forward: row %d has no cache or one made for another model", r)
		}
		if err := c.usable(); err != nil {
			return backend.View{}, fmt.Errorf("forward: row %d: %w", r, err)
		}
		if t := tokens[r]; t < 0 || t >= cfg.VocabSize {
			return backend.View{}, fmt.Errorf("forward: token id %d at row %d is outside the vocabulary [0,%d)", t, r, cfg.VocabSize)
		}
		pos[r] = c.Len() + added[c]
		added[c]++
		if added[c] > c.Free() {
			return backend.View{}, fmt.Errorf("forward: kv cache full (%d positions); make a larger cache or shorten the prompt", c.cap)
		}
		if pos[r] >= cfg.MaxPositionEmbeddings {
			return backend.View{}, fmt.Errorf("forward: position %d exceeds the model context of %d tokens; shorten the prompt or max new tokens", pos[r], cfg.MaxPositionEmbeddings)
		}
	}
	for _, w := range want {
		if w < 0 || w >= M {
			return backend.View{}, fmt.Errorf("forward: logits requested for row %d of %d", w, M)
		}
	}

	if m.lora != nil && !m.onHost() {
		return backend.View{}, fmt.Errorf("forward: LoRA adapters run on the CPU backend only")
	}
	if err := m.syncWeights(); err != nil {
		return backend.View{}, fmt.Errorf("forward: %w", err)
	}
	be := m.be
	H, Q, KV, F := cfg.HiddenSize, cfg.QDim(), cfg.KVDim(), cfg.IntermediateSize
	W := len(want)
	var views [11]backend.View
	for i, sz := range []struct {
		v *backend.View
		n int
	}{{&ws.x, M * H}, {&ws.xn, M * H}, {&ws.qkv, M * (Q + 2*KV)}, {&ws.att, M * Q}, {&ws.tmp, M * H},
		{&ws.ffn, M * 2 * F}, {&ws.act, M * F}, {&ws.cos, M * cfg.HeadDim / 2}, {&ws.sin, M * cfg.HeadDim / 2},
		{&ws.head, W * H}, {&ws.logits, W * cfg.VocabSize}} {
		v, err := ws.take(be, sz.v, sz.n)
		if err != nil {
			return backend.View{}, err
		}
		views[i] = v
	}
	f := fwd{x: views[0], xn: views[1], qkv: views[2], att: views[3], tmp: views[4], ffn: views[5], act: views[6],
		cos: views[7], sin: views[8], M: M}
	head, logits := views[9], views[10]

	be.Begin()
	be.RoPETables(f.cos, f.sin, pos, cfg.HeadDim, cfg.RopeTheta)
	be.Embed(f.x, m.Embed.w, tokens, H)
	eps := float32(cfg.RMSNormEps)
	seqs := groupRows(caches, pos)
	for l := range m.Layers {
		m.block(l, &f, seqs, pos, eps)
	}
	for c, n := range added {
		c.n += n
	}

	be.GatherRows(f.xn.Slice(0, W*H), f.x, want, H)
	be.RMSNorm(head, backend.View{}, f.xn.Slice(0, W*H), m.norm, W, H, eps)
	be.Gemm(logits, head, m.Head.w, backend.View{}, backend.Gemm{M: W, N: cfg.VocabSize, K: H, TransB: true})
	return logits, nil
}

// fwd is one forward call's activation views, [M rows, width] each.
type fwd struct {
	x, xn, qkv, att, tmp, ffn, act, cos, sin backend.View
	M                                        int
}

// cacheRows is one sequence of a forward call: its cache and its rows, in
// position order.
type cacheRows struct {
	cache *KVCache
	rows  []int
}

// groupRows groups rows by cache, caches in first-seen order (Forward
// assigns a cache's rows consecutive positions in row order).
func groupRows(caches []*KVCache, pos []int) []cacheRows {
	var out []cacheRows
	idx := make(map[*KVCache]int, 1)
	for r, c := range caches {
		i, ok := idx[c]
		if !ok {
			i = len(out)
			idx[c] = i
			out = append(out, cacheRows{cache: c})
		}
		out[i].rows = append(out[i].rows, r)
	}
	return out
}

// block runs decoder layer l over all rows:
//
//	x += o_proj(attention(rope(q), rope(k), v)) of rmsnorm(x)
//	x += down(silu(gate(h)) * up(h)), h = rmsnorm(x)
func (m *Model) block(l int, f *fwd, seqs []cacheRows, pos []int, eps float32) {
	cfg, be, L := m.Config, m.be, &m.Layers[l]
	M := f.M
	H, Q, KV, F := cfg.HiddenSize, cfg.QDim(), cfg.KVDim(), cfg.IntermediateSize
	W := Q + 2*KV
	a := m.attnShape()

	be.RMSNorm(f.xn, backend.View{}, f.x, L.attnNorm, M, H, eps)
	m.project(l, projQKV, f.qkv, f.xn, M)
	be.RoPE(f.qkv, f.cos, f.sin, M, W, Q+KV, cfg.HeadDim, false)
	cs := make([]backend.CachedSeq, len(seqs))
	for i, s := range seqs {
		c := s.cache
		first := pos[s.rows[0]] - c.base
		be.KVAppend(c.ownRun(l, first+len(s.rows)), f.qkv, s.rows, first, a)
		cs[i] = backend.CachedSeq{Rows: s.rows, Runs: c.runs(l, pos[s.rows[len(s.rows)-1]]+1, nil)}
	}
	be.CachedAttention(f.att, f.qkv, cs, pos, a)
	m.project(l, projO, f.tmp, f.att, M)
	be.Add(f.x, f.x, f.tmp)

	be.RMSNorm(f.xn, backend.View{}, f.x, L.mlpNorm, M, H, eps)
	m.project(l, projGateUp, f.ffn, f.xn, M)
	be.SwiGLU(f.act, f.ffn, M, F)
	m.project(l, projDown, f.tmp, f.act, M)
	be.Add(f.x, f.x, f.tmp)
}

// project is out = x·Wᵀ + b for projection p of layer l (plus its LoRA
// adapters, which run on the CPU backend).
func (m *Model) project(l, p int, out, x backend.View, M int) {
	lin := m.Layers[l].proj(p)
	m.be.Gemm(out, x, lin.w, lin.b, backend.Gemm{M: M, N: lin.Out, K: lin.In, TransB: true})
	if m.lora != nil {
		hm := m.be.(backend.HostMemory)
		m.loraInfer(l, p, hm.Host(out), hm.Host(x), M)
	}
}

// attnShape is the model's attention geometry for the backend.
func (m *Model) attnShape() backend.Attn {
	cfg := m.Config
	return backend.Attn{Heads: cfg.NumAttentionHeads, KVHeads: cfg.NumKeyValueHeads, HeadDim: cfg.HeadDim,
		Scale: float32(1 / math.Sqrt(float64(cfg.HeadDim)))}
}
