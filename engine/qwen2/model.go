package qwen2

import (
	"fmt"
	"sync"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/host"
	"github.com/swarmdesk/swarmdesk/engine/cpu"
)

// Linear is y = x·Wᵀ + b with W in PyTorch layout [Out, In]. Exactly one of
// W (float32) and W16 (bf16 bits) is set; B may be nil. w and b are the
// same weights on the model's backend (views of the host slices on the CPU,
// device copies elsewhere).
type Linear struct {
	W       []float32
	W16     []uint16
	B       []float32
	Out, In int
	w, b    backend.View
}

// Forward computes out[M,Out] = x[M,In]·Wᵀ + b.
func (l *Linear) Forward(out, x []float32, M int) {
	if l.W16 != nil {
		cpu.MatMulTBF16(out, x, l.W16, l.B, M, l.Out, l.In)
		return
	}
	cpu.MatMulT(out, x, l.W, l.B, M, l.Out, l.In)
}

// host views the host copy of W on the CPU backend (for the training
// pass, which runs there).
func (l *Linear) host() backend.View {
	if l.W16 != nil {
		return host.WrapBF16(l.W16)
	}
	return host.Wrap(l.W)
}

// Row writes row r of W into dst as float32 (an embedding lookup).
func (l *Linear) Row(dst []float32, r int) {
	if l.W16 != nil {
		for i, b := range l.W16[r*l.In : (r+1)*l.In] {
			dst[i] = cpu.BF16ToF32(b)
		}
		return
	}
	copy(dst, l.W[r*l.In:(r+1)*l.In])
}

// Layer is one decoder block. QKV stacks q_proj, k_proj and v_proj (rows
// [q | k | v]) and GateUp stacks gate_proj and up_proj (rows [gate | up]);
// both are views into contiguous parameter memory, not copies.
type Layer struct {
	attnNorm backend.View // AttnNorm and MLPNorm on the backend
	mlpNorm  backend.View
	AttnNorm []float32
	QKV      Linear
	O        Linear
	MLPNorm  []float32
	GateUp   Linear
	Down     Linear
}

// Model is a Qwen2 causal language model with its weights in memory. A Model
// is not safe for concurrent forward passes (it reuses scratch buffers).
type Model struct {
	Config Config
	DType  DType
	Params *Params
	Embed  Linear // [vocab, hidden]; also the LM head when embeddings are tied
	Layers []Layer
	Norm   []float32
	Head   Linear // [vocab, hidden]

	be    backend.Backend   // where the forward pass runs (backend.go)
	norm  backend.View      // Norm on the backend
	dev   [2]backend.Buffer // device copies of Params.F32 and Params.BF16 (nil on the CPU)
	pv    [2]backend.View   // Params.F32 and Params.BF16 on the backend
	cpu   *host.Backend     // the training pass's backend when be is a device (backend.go)
	stale bool              // Params changed since they were copied to dev
	// devTrain: training runs on be (SetDeviceTraining); hostStale: the
	// device weights were trained since Params were last synced.
	devTrain, hostStale bool
	devSpare            []backend.Buffer // the last device tape's buffers (arena.go)
	ws                  workspace
	lora                *loraState    // LoRA adapters (lora.go), nil unless EnableLoRA was called
	kvDT                backend.DType // KV cache element type where the backend accepts it (kvcache.go)

	spareMu sync.Mutex
	spare   []float32     // the last tape's arena, reused by the next (arena.go)
	spare16 []uint16      // the last bf16 tape's 16-bit arena, likewise
	tapeDT  backend.DType // how tapes keep their large activations (SetTapeDType)
}

// New allocates a zero-initialised model for cfg, with matmul weights stored
// as wdt. Callers fill Params (Load does it from safetensors; benchmarks and
// tests fill it with random values).
func New(cfg Config, wdt DType) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if wdt != F32 && wdt != BF16 {
		return nil, fmt.Errorf("unknown weight dtype %v (want F32 or BF16)", wdt)
	}
	m := &Model{Config: cfg, DType: wdt, Params: newParams(cfg, wdt), be: host.New()}
	m.bind()
	return m, nil
}

// linear builds a Linear view over the consecutive tensors names (stacked
// along Out) and the optional consecutive biases.
func (m *Model) linear(names []string, biases []string) Linear {
	p := m.Params
	first, _ := p.Info(names[0])
	var l Linear
	l.In = first.Shape[1]
	size := 0
	for _, n := range names {
		t, _ := p.Info(n)
		l.Out += t.Shape[0]
		size += t.Size
	}
	if first.BF16 {
		l.W16 = p.BF16[first.Offset : first.Offset+size : first.Offset+size]
		l.w = m.pv[1].Slice(first.Offset, first.Offset+size)
	} else {
		l.W = p.F32[first.Offset : first.Offset+size : first.Offset+size]
		l.w = m.pv[0].Slice(first.Offset, first.Offset+size)
	}
	if len(biases) > 0 {
		b0, _ := p.Info(biases[0])
		l.B = p.F32[b0.Offset : b0.Offset+l.Out : b0.Offset+l.Out]
		l.b = m.pv[0].Slice(b0.Offset, b0.Offset+l.Out)
	}
	return l
}

// bind points the per-block views at the flat buffers, on the host and on
// the backend.
func (m *Model) bind() {
	cfg := m.Config
	m.pv = m.paramViews()
	fv := func(name string) backend.View {
		t, _ := m.Params.Info(name)
		return m.pv[0].Slice(t.Offset, t.Offset+t.Size)
	}
	m.Embed = m.linear([]string{"model.embed_tokens.weight"}, nil)
	m.Layers = make([]Layer, cfg.NumHiddenLayers)
	for i := range m.Layers {
		n := func(s string) string { return layerName(i, s) }
		m.Layers[i] = Layer{
			AttnNorm: m.Params.F32View(n("input_layernorm.weight")),
			QKV: m.linear(
				[]string{n("self_attn.q_proj.weight"), n("self_attn.k_proj.weight"), n("self_attn.v_proj.weight")},
				[]string{n("self_attn.q_proj.bias"), n("self_attn.k_proj.bias"), n("self_attn.v_proj.bias")}),
			O:        m.linear([]string{n("self_attn.o_proj.weight")}, nil),
			MLPNorm:  m.Params.F32View(n("post_attention_layernorm.weight")),
			GateUp:   m.linear([]string{n("mlp.gate_proj.weight"), n("mlp.up_proj.weight")}, nil),
			Down:     m.linear([]string{n("mlp.down_proj.weight")}, nil),
			attnNorm: fv(n("input_layernorm.weight")),
			mlpNorm:  fv(n("post_attention_layernorm.weight")),
		}
	}
	m.Norm = m.Params.F32View("model.norm.weight")
	m.norm = fv("model.norm.weight")
	if cfg.TieWordEmbeddings {
		m.Head = m.Embed
	} else {
		m.Head = m.linear([]string{"lm_head.weight"}, nil)
	}
}
