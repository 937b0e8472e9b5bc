package train

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"unsafe"

	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/safetensors"
)

// trainedTensor is one checkpointed tensor: a view of m.Trainable() at
// element offset off.
type trainedTensor struct {
	name  string
	shape []int
	off   int
	data  []float32
}

// layout says what of a model a checkpoint holds: every weight (a full
// fine-tune) or only the LoRA adapters.
type layout struct {
	kind    string
	weights string // the weights file: modelName or adapterName
	tensors []trainedTensor
	n       int               // len(m.Trainable())
	lora    *qwen2.LoRAConfig // nil for kindFull
}

// layoutOf describes m's trainable tensors. Models without float32 weights
// cannot be trained, so they are refused.
func layoutOf(m *qwen2.Model) (layout, error) {
	if m == nil || m.Params == nil {
		return layout{}, errors.New("no model")
	}
	if m.DType != qwen2.F32 || len(m.Params.BF16) != 0 {
		return layout{}, fmt.Errorf("model weights are %v; training checkpoints hold float32 weights, load the model with WeightDType F32", m.DType)
	}
	buf := m.Trainable()
	lay := layout{n: len(buf)}
	if lc := m.LoRA(); lc != nil {
		lay.kind, lay.weights, lay.lora = kindLoRA, adapterName, lc
		base := uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
		for _, t := range m.LoRATensors() {
			if len(t.Data) == 0 {
				return layout{}, fmt.Errorf("LoRA tensor %s is empty", t.Name)
			}
			d := uintptr(unsafe.Pointer(unsafe.SliceData(t.Data))) - base
			off := int(d / 4)
			if d%4 != 0 || d > uintptr(4*len(buf)) || off+len(t.Data) > len(buf) {
				// Impossible unless qwen2 stops placing adapters in Trainable().
				return layout{}, fmt.Errorf("LoRA tensor %s is not a view of the trainable buffer", t.Name)
			}
			lay.tensors = append(lay.tensors, trainedTensor{t.Name, t.Shape, off, t.Data})
		}
		return lay, nil
	}
	lay.kind, lay.weights = kindFull, modelName
	for _, t := range m.Params.Tensors {
		lay.tensors = append(lay.tensors, trainedTensor{t.Name, t.Shape, t.Offset, buf[t.Offset : t.Offset+t.Size]})
	}
	return lay, nil
}

// weightTensors views the trainable tensors for writing.
func (l layout) weightTensors() []safetensors.Tensor {
	out := make([]safetensors.Tensor, 0, len(l.tensors))
	for _, t := range l.tensors {
		out = append(out, f32Tensor(t.name, t.shape, t.data))
	}
	return out
}

// optimTensors views M and V per trainable tensor.
func (l layout) optimTensors(opt *Optimizer) []safetensors.Tensor {
	out := make([]safetensors.Tensor, 0, 2*len(l.tensors))
	for _, t := range l.tensors {
		end := t.off + len(t.data)
		out = append(out,
			f32Tensor(t.name+expAvgSuffix, t.shape, opt.M[t.off:end]),
			f32Tensor(t.name+expAvgSqSuffix, t.shape, opt.V[t.off:end]))
	}
	return out
}

// peftConfig is PEFT's adapter_config.json: r, lora_alpha and
// target_modules are checked on load, the other keys are PEFT's defaults so
// PeftModel.from_pretrained accepts the folder (only keys PEFT knows, since
// older PEFT versions refuse unknown ones; the init seed is not needed once
// the adapters are trained).
type peftConfig struct {
	PeftType        string   `json:"peft_type"`
	TaskType        string   `json:"task_type"`
	BaseModel       string   `json:"base_model_name_or_path"`
	R               int      `json:"r"`
	LoraAlpha       float64  `json:"lora_alpha"`
	LoraDropout     float64  `json:"lora_dropout"`
	TargetModules   []string `json:"target_modules"`
	Bias            string   `json:"bias"`
	FanInFanOut     bool     `json:"fan_in_fan_out"`
	InferenceMode   bool     `json:"inference_mode"`
	InitLoraWeights bool     `json:"init_lora_weights"`
	UseRSLoRA       bool     `json:"use_rslora"`
	UseDoRA         bool     `json:"use_dora"`
	ModulesToSave   []string `json:"modules_to_save"`
	LayersTransform []int    `json:"layers_to_transform"`
	RankPattern     struct{} `json:"rank_pattern"`
	AlphaPattern    struct{} `json:"alpha_pattern"`
}

// peftModules maps our target names to PEFT's module names.
var peftModules = map[string]string{
	"q": "q_proj", "k": "k_proj", "v": "v_proj", "o": "o_proj",
	"gate": "gate_proj", "up": "up_proj", "down": "down_proj",
}

// peftConfigJSON renders adapter_config.json for c.
func peftConfigJSON(c qwen2.LoRAConfig) ([]byte, error) {
	p := peftConfig{PeftType: "LORA", TaskType: "CAUSAL_LM", R: c.Rank, LoraAlpha: c.Alpha, Bias: "none",
		InferenceMode: true, InitLoraWeights: true}
	for _, t := range c.Targets {
		mod, ok := peftModules[t]
		if !ok {
			return nil, fmt.Errorf("LoRA target %q has no PEFT module name", t)
		}
		p.TargetModules = append(p.TargetModules, mod)
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", adapterCfg, err)
	}
	return append(b, '\n'), nil
}

// parsePEFTConfig reads a checkpoint's adapter_config.json.
func parsePEFTConfig(data []byte) (peftConfig, error) {
	var p peftConfig
	if err := json.Unmarshal(data, &p); err != nil {
		return p, fmt.Errorf("parse %s: %w", adapterCfg, err)
	}
	if p.PeftType != "LORA" {
		return p, fmt.Errorf("%s: peft_type %q, want \"LORA\"", adapterCfg, p.PeftType)
	}
	return p, nil
}

// sameLoRA names the first adapter setting that differs between a
// checkpoint's adapter_config.json and the model's adapters (the seed only
// initialises A, so it may differ).
func sameLoRA(p peftConfig, have qwen2.LoRAConfig) error {
	if p.R != have.Rank {
		return fmt.Errorf("LoRA rank r is %d in the checkpoint but %d in the model", p.R, have.Rank)
	}
	if p.LoraAlpha != have.Alpha {
		return fmt.Errorf("lora_alpha is %g in the checkpoint but %g in the model", p.LoraAlpha, have.Alpha)
	}
	var want []string
	for _, t := range have.Targets {
		want = append(want, peftModules[t])
	}
	got := slices.Clone(p.TargetModules)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		return fmt.Errorf("target_modules are %v in the checkpoint but %v in the model", got, want)
	}
	return nil
}
