package qwen2

import "fmt"

// DType selects how the large matrix weights are held in memory.
type DType int

const (
	// F32 keeps every weight as float32: exact and trainable, 4 bytes/param.
	F32 DType = iota
	// BF16 keeps matmul weights (embeddings, projections, LM head) as
	// bfloat16 bits, halving memory and the bytes read per decoded token;
	// norms and biases stay float32. Meant for inference only.
	BF16
)

func (d DType) String() string {
	switch d {
	case F32:
		return "F32"
	case BF16:
		return "BF16"
	}
	return fmt.Sprintf("DType(%d)", int(d))
}

// TensorInfo names one parameter and says where its values live: a view of
// Params.F32 or, for BF16-stored matmul weights, of Params.BF16.
type TensorInfo struct {
	Name   string
	Shape  []int
	BF16   bool // stored in Params.BF16 instead of Params.F32
	Offset int  // element offset into the flat buffer
	Size   int  // number of elements
}

// Params owns every parameter in (at most) two flat buffers, llm.c style, so
// an optimizer, a gradient buffer or a checkpoint can treat the model as one
// vector while the forward pass uses per-tensor views into it.
type Params struct {
	F32     []float32
	BF16    []uint16
	Tensors []TensorInfo // in Hugging Face order, one entry per HF tensor
	byName  map[string]int
}

// Info returns the layout entry of the HF tensor name.
func (p *Params) Info(name string) (TensorInfo, bool) {
	i, ok := p.byName[name]
	if !ok {
		return TensorInfo{}, false
	}
	return p.Tensors[i], true
}

// F32View returns the float32 values of the named tensor (nil if it is
// stored as bf16 or does not exist). The slice aliases Params.F32.
func (p *Params) F32View(name string) []float32 {
	t, ok := p.Info(name)
	if !ok || t.BF16 {
		return nil
	}
	return p.F32[t.Offset : t.Offset+t.Size : t.Offset+t.Size]
}

// BF16View returns the bf16 bits of the named tensor (nil if it is stored
// as float32 or does not exist). The slice aliases Params.BF16.
func (p *Params) BF16View(name string) []uint16 {
	t, ok := p.Info(name)
	if !ok || !t.BF16 {
		return nil
	}
	return p.BF16[t.Offset : t.Offset+t.Size : t.Offset+t.Size]
}

// layerName returns the HF name of a per-layer tensor.
func layerName(i int, suffix string) string {
	return fmt.Sprintf("model.layers.%d.%s", i, suffix)
}

// newParams lays out every tensor of cfg and allocates the buffers.
func newParams(cfg Config, wdt DType) *Params {
	p := newLayout(cfg, wdt)
	n32, n16 := p.sizes()
	p.F32 = make([]float32, n32)
	p.BF16 = make([]uint16, n16)
	return p
}

// sizes returns the element counts of the two flat buffers.
func (p *Params) sizes() (n32, n16 int) {
	for _, t := range p.Tensors {
		if t.BF16 {
			n16 += t.Size
		} else {
			n32 += t.Size
		}
	}
	return n32, n16
}

// newLayout lays out every tensor of cfg without allocating memory. Tensors that the forward pass
// multiplies together are placed back to back (q|k|v weights, q|k|v biases,
// gate|up weights) so that each group is one contiguous matrix and runs as
// one GEMM instead of three or two.
func newLayout(cfg Config, wdt DType) *Params {
	p := &Params{byName: map[string]int{}}
	var n32, n16 int
	add := func(name string, matmul bool, shape ...int) {
		size := 1
		for _, d := range shape {
			size *= d
		}
		t := TensorInfo{Name: name, Shape: shape, Size: size, BF16: matmul && wdt == BF16}
		if t.BF16 {
			t.Offset, n16 = n16, n16+size
		} else {
			t.Offset, n32 = n32, n32+size
		}
		p.byName[name] = len(p.Tensors)
		p.Tensors = append(p.Tensors, t)
	}
	h, q, kv, f := cfg.HiddenSize, cfg.QDim(), cfg.KVDim(), cfg.IntermediateSize
	add("model.embed_tokens.weight", true, cfg.VocabSize, h)
	for i := 0; i < cfg.NumHiddenLayers; i++ {
		add(layerName(i, "input_layernorm.weight"), false, h)
		add(layerName(i, "self_attn.q_proj.weight"), true, q, h)
		add(layerName(i, "self_attn.k_proj.weight"), true, kv, h)
		add(layerName(i, "self_attn.v_proj.weight"), true, kv, h)
		add(layerName(i, "self_attn.q_proj.bias"), false, q)
		add(layerName(i, "self_attn.k_proj.bias"), false, kv)
		add(layerName(i, "self_attn.v_proj.bias"), false, kv)
		add(layerName(i, "self_attn.o_proj.weight"), true, h, q)
		add(layerName(i, "post_attention_layernorm.weight"), false, h)
		add(layerName(i, "mlp.gate_proj.weight"), true, f, h)
		add(layerName(i, "mlp.up_proj.weight"), true, f, h)
		add(layerName(i, "mlp.down_proj.weight"), true, h, f)
	}
	add("model.norm.weight", false, h)
	if !cfg.TieWordEmbeddings {
		add("lm_head.weight", true, cfg.VocabSize, h)
	}
	return p
}

// NumParams is the total parameter count (both buffers).
func (p *Params) NumParams() int { return len(p.F32) + len(p.BF16) }

// ZerosLike returns parameters with the same layout as p and zeroed
// buffers: the shape of a gradient or an optimizer moment, so training code
// can walk one flat vector per quantity.
func (p *Params) ZerosLike() *Params {
	return &Params{
		F32:     make([]float32, len(p.F32)),
		BF16:    make([]uint16, len(p.BF16)),
		Tensors: p.Tensors,
		byName:  p.byName,
	}
}
