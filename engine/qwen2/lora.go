package qwen2

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/swarmdesk/swarmdesk/engine/cpu"
)

// LoRAConfig describes low-rank adapters (Hu et al. 2021, PEFT layout): each
// targeted projection y = x·Wᵀ gains scale·(x·Aᵀ)·Bᵀ with A [Rank, in] and
// B [out, Rank], scale = Alpha/Rank. Training updates only A and B, a few
// MB instead of the whole model.
type LoRAConfig struct {
	Rank    int
	Alpha   float64  // scale = Alpha/Rank
	Targets []string // subset of "q","k","v","o","gate","up","down"; empty = all
	Seed    uint64   // A ~ deterministic Kaiming-uniform (as PEFT), B = 0
}

// NamedTensor is one adapter tensor for a checkpoint: a PEFT name, its shape
// and a view of its values (aliasing Trainable()).
type NamedTensor struct {
	Name  string
	Shape []int
	Data  []float32
}

// loraTargets are the adaptable projections in canonical order: where each
// sits in the fused projections and its Hugging Face module name.
var loraTargets = []struct {
	name   string
	proj   int
	module string
}{
	{"q", projQKV, "self_attn.q_proj"},
	{"k", projQKV, "self_attn.k_proj"},
	{"v", projQKV, "self_attn.v_proj"},
	{"o", projO, "self_attn.o_proj"},
	{"gate", projGateUp, "mlp.gate_proj"},
	{"up", projGateUp, "mlp.up_proj"},
	{"down", projDown, "mlp.down_proj"},
}

// loraState is an enabled set of adapters: one flat buffer (Trainable) with
// views per layer and target.
type loraState struct {
	cfg     LoRAConfig
	scale   float32
	buf     []float32
	layers  [][]loraAdapter // per layer, in canonical target order
	width   int             // Rank × targets: columns of the kept x·Aᵀ per row and layer
	maxDim  int             // widest in/out of any projection (scratch sizing)
	tensors []NamedTensor
	xa, dlt []float32 // inference scratch: x·Aᵀ and the delta
}

func isLoRATarget(name string) bool {
	for _, t := range loraTargets {
		if t.name == name {
			return true
		}
	}
	return false
}

// loraAdapter is one target's A and B inside the flat buffer.
type loraAdapter struct {
	proj    int // fused projection it adds to
	col     int // first output column within that projection
	in, out int
	slot    int // index among the layer's adapters: its x·Aᵀ block on the tape
	aOff    int // offset of A [r, in] in the buffer (B [out, r] follows)
	A, B    []float32
}

// EnableLoRA freezes the base model and adds adapters per cfg; Trainable()
// becomes the adapter buffer and Backward fills gradients for A and B only.
// Inference (Forward, Prefill, Decode, Generate) applies the adapters too.
// The base must hold F32 weights: the input gradient flows through the frozen
// weights and there is no bf16 backward product.
func (m *Model) EnableLoRA(cfg LoRAConfig) error {
	if m.lora != nil {
		return fmt.Errorf("enable LoRA: adapters are already enabled (rank %d)", m.lora.cfg.Rank)
	}
	if m.DType != F32 {
		return fmt.Errorf("enable LoRA: the base model has %v weights; load the model with F32 weights to train", m.DType)
	}
	if cfg.Rank <= 0 || cfg.Rank > m.Config.HiddenSize {
		return fmt.Errorf("enable LoRA: rank %d must be in [1, hidden size %d]", cfg.Rank, m.Config.HiddenSize)
	}
	if !(cfg.Alpha > 0) || math.IsInf(cfg.Alpha, 0) {
		return fmt.Errorf("enable LoRA: alpha %g must be a positive number", cfg.Alpha)
	}
	targets := cfg.Targets
	if len(targets) == 0 {
		for _, t := range loraTargets {
			targets = append(targets, t.name)
		}
	}
	want := map[string]bool{}
	for _, name := range targets {
		if !isLoRATarget(name) {
			return fmt.Errorf("enable LoRA: unknown target %q (want q, k, v, o, gate, up or down)", name)
		}
		if want[name] {
			return fmt.Errorf("enable LoRA: target %q listed twice", name)
		}
		want[name] = true
	}
	c := m.Config
	H, Q, KV, F, r := c.HiddenSize, c.QDim(), c.KVDim(), c.IntermediateSize, cfg.Rank
	shape := map[string][3]int{ // in, out, first output column in the fused projection
		"q": {H, Q, 0}, "k": {H, KV, Q}, "v": {H, KV, Q + KV},
		"o": {Q, H, 0}, "gate": {H, F, 0}, "up": {H, F, F}, "down": {F, H, 0},
	}
	s := &loraState{cfg: cfg, scale: float32(cfg.Alpha / float64(r)), maxDim: max(H, Q, F)}
	s.cfg.Targets = nil
	size := 0
	for _, t := range loraTargets {
		if want[t.name] {
			s.cfg.Targets = append(s.cfg.Targets, t.name)
			size += r * (shape[t.name][0] + shape[t.name][1])
		}
	}
	s.width = r * len(s.cfg.Targets)
	s.buf = make([]float32, size*c.NumHiddenLayers)
	s.layers = make([][]loraAdapter, c.NumHiddenLayers)
	off := 0
	for l := range s.layers {
		for _, t := range loraTargets {
			if !want[t.name] {
				continue
			}
			sh := shape[t.name]
			ad := loraAdapter{proj: t.proj, col: sh[2], in: sh[0], out: sh[1], slot: len(s.layers[l]), aOff: off}
			ad.A = s.buf[off : off+r*ad.in : off+r*ad.in]
			ad.B = s.buf[off+r*ad.in : off+r*(ad.in+ad.out) : off+r*(ad.in+ad.out)]
			// PEFT: kaiming_uniform_(A, a=√5) is U(±1/√in); B = 0 so the
			// adapted model starts as the base model.
			rng := rand.New(rand.NewPCG(cfg.Seed, uint64(len(s.tensors)/2))) // one stream per adapter
			bound := 1 / math.Sqrt(float64(ad.in))
			for i := range ad.A {
				ad.A[i] = float32((2*rng.Float64() - 1) * bound)
			}
			prefix := fmt.Sprintf("base_model.model.model.layers.%d.%s.", l, t.module)
			s.tensors = append(s.tensors,
				NamedTensor{Name: prefix + "lora_A.weight", Shape: []int{r, ad.in}, Data: ad.A},
				NamedTensor{Name: prefix + "lora_B.weight", Shape: []int{ad.out, r}, Data: ad.B})
			s.layers[l] = append(s.layers[l], ad)
			off += r * (ad.in + ad.out)
		}
	}
	m.lora = s
	return nil
}

// LoRA returns the adapters' configuration (targets in canonical order), or
// nil when LoRA is not enabled.
func (m *Model) LoRA() *LoRAConfig {
	if m.lora == nil {
		return nil
	}
	c := m.lora.cfg
	c.Targets = slices.Clone(c.Targets)
	return &c
}

// LoRATensors lists the adapter tensors with PEFT names
// (base_model.model.model.layers.{i}.self_attn.q_proj.lora_A.weight [r,in],
// …lora_B.weight [out,r]) as views into Trainable(), for checkpoints. Nil
// when LoRA is not enabled.
func (m *Model) LoRATensors() []NamedTensor {
	if m.lora == nil {
		return nil
	}
	return slices.Clone(m.lora.tensors)
}

// loraScratch is the per-row scratch (floats) the adapters need: a delta or
// gathered output gradient, and the gradients of all of a layer's x·Aᵀ.
func loraScratch(cfg Config, width int) int {
	if width == 0 {
		return 0
	}
	return max(cfg.HiddenSize, cfg.QDim(), cfg.IntermediateSize) + width
}

// forward adds scale·(x·Aᵀ)·Bᵀ of layer l's adapters on projection p to out
// ([M, fused width]) and keeps each x·Aᵀ in its slot of inter.
func (s *loraState) forward(l, p int, out, x []float32, M int, inter, scr []float32) {
	r := s.cfg.Rank
	for _, ad := range s.layers[l] {
		if ad.proj != p {
			continue
		}
		xa := inter[ad.slot*M*r : (ad.slot+1)*M*r]
		s.addDelta(&ad, out, x, xa, scr[:M*ad.out], M)
	}
}

// addDelta computes xa = x·Aᵀ and adds scale·xa·Bᵀ into ad's columns of out.
func (s *loraState) addDelta(ad *loraAdapter, out, x, xa, delta []float32, M int) {
	r := s.cfg.Rank
	cpu.MatMulT(xa, x, ad.A, nil, M, r, ad.in)
	cpu.MatMulT(delta, xa, ad.B, nil, M, ad.out, r)
	width := len(out) / M
	for i := 0; i < M; i++ {
		o := out[i*width+ad.col : i*width+ad.col+ad.out]
		cpu.Axpy(s.scale, delta[i*ad.out:(i+1)*ad.out], o)
	}
}

// regions splits the backward scratch: the scaled output gradient of one
// adapter, then every adapter's d(x·Aᵀ).
func (s *loraState) regions(scr []float32, M int) (dys, dxa []float32) {
	return scr[:M*s.maxDim], scr[M*s.maxDim : M*(s.maxDim+s.width)]
}

// backwardWeights adds the gradients of the adapters on projection p
// (dy: gradient of the fused output [M, width]; x: the projection input):
//
//	dB += (scale·dy)ᵀ·xa,  d xa = scale·dy·B,  dA += d xaᵀ·x
//
// keeping d xa for backwardInput.
func (s *loraState) backwardWeights(l, p int, dy, x []float32, M int, inter, scr, grad, pack []float32) {
	r := s.cfg.Rank
	dys, dxaAll := s.regions(scr, M)
	for _, ad := range s.layers[l] {
		if ad.proj != p {
			continue
		}
		width := len(dy) / M
		d := dys[:M*ad.out]
		for i := 0; i < M; i++ {
			src := dy[i*width+ad.col : i*width+ad.col+ad.out]
			dst := d[i*ad.out : (i+1)*ad.out]
			for c, v := range src {
				dst[c] = s.scale * v
			}
		}
		xa := inter[ad.slot*M*r : (ad.slot+1)*M*r]
		dxa := dxaAll[ad.slot*M*r : (ad.slot+1)*M*r]
		dA := grad[ad.aOff : ad.aOff+r*ad.in]
		dB := grad[ad.aOff+r*ad.in : ad.aOff+r*(ad.in+ad.out)]
		cpu.MatMulTNAccNN(dB, d, xa, M, ad.out, r, pack)
		cpu.MatMul(dxa, d, ad.B, M, r, ad.out) // r columns: narrower than a register tile
		cpu.MatMulTNAccNN(dA, dxa, x, M, r, ad.in, pack)
	}
}

// backwardInput adds the adapters' input path d xa·A into dx.
func (s *loraState) backwardInput(l, p int, dx []float32, M int, scr, pack []float32) {
	r := s.cfg.Rank
	_, dxaAll := s.regions(scr, M)
	for _, ad := range s.layers[l] {
		if ad.proj == p {
			cpu.MatMulNN(dx, dxaAll[ad.slot*M*r:(ad.slot+1)*M*r], ad.A, M, ad.in, r, true, pack)
		}
	}
}

// loraInfer adds the adapters on projection p of layer l to an inference
// forward pass (out [M, fused width] = projection of x), using scratch kept
// on the adapters. A no-op without adapters.
func (m *Model) loraInfer(l, p int, out, x []float32, M int) {
	s := m.lora
	if s == nil {
		return
	}
	s.xa = grow(s.xa, M*s.cfg.Rank)
	s.dlt = grow(s.dlt, M*s.maxDim)
	for _, ad := range s.layers[l] {
		if ad.proj == p {
			s.addDelta(&ad, out, x, s.xa, s.dlt[:M*ad.out], M)
		}
	}
}
