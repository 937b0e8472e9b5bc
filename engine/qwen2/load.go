package qwen2

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/swarmdesk/swarmdesk/engine/cpu"
	"github.com/swarmdesk/swarmdesk/engine/safetensors"
)

// LoadOptions tunes how a checkpoint is held in memory.
type LoadOptions struct {
	// WeightDType is F32 (default; exact, trainable) or BF16 (half the
	// memory and roughly twice the decode speed, inference only).
	WeightDType DType
	// MaxContext, when positive, caps the usable context below the
	// config's max_position_embeddings (KV caches are sized per call, so
	// this only limits prompt+answer length).
	MaxContext int
	// Progress, if set, is called after each tensor with the checkpoint bytes decoded so far
	// and in all: loading a large model takes a while, and the app shows it.
	Progress func(done, total int64)
}

// Load reads a Hugging Face Qwen2 checkpoint directory (config.json plus
// model.safetensors or a sharded model.safetensors.index.json). Every tensor
// is checked against the config: missing, unexpected or mis-shaped tensors
// are reported by name.
func Load(dir string, opt LoadOptions) (*Model, error) {
	if st, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("load model: %w", err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("load model %s: not a directory; pass the folder holding config.json and the .safetensors files", dir)
	}
	cfg, err := LoadConfig(dir)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", dir, err)
	}
	if opt.MaxContext > 0 && opt.MaxContext < cfg.MaxPositionEmbeddings {
		cfg.MaxPositionEmbeddings = opt.MaxContext
	}
	set, err := safetensors.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", dir, err)
	}
	defer set.Close()
	// Check names and shapes before allocating, so a bogus config.json
	// cannot make us allocate far more memory than the checkpoint holds.
	if err := checkTensors(newLayout(cfg, opt.WeightDType), cfg, set.Tensor, set.Names()); err != nil {
		return nil, fmt.Errorf("load %s: %w", dir, err)
	}
	m, err := New(cfg, opt.WeightDType)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", dir, err)
	}
	// Each tensor's mapped pages are dropped once decoded (set.Release): the
	// load's peak is the model plus one tensor, not the model plus the file.
	if err := m.loadTensors(set.Tensor, set.Names(), opt.Progress, set.Release); err != nil {
		return nil, fmt.Errorf("load %s: %w", dir, err)
	}
	return m, nil
}

// LoadTensors fills the parameters from a tensor source: get looks a tensor
// up by HF name and names lists everything the source holds (to catch
// unexpected tensors). A tied checkpoint may carry a redundant
// lm_head.weight, which is ignored as Hugging Face does.
func (m *Model) LoadTensors(get func(string) (safetensors.Tensor, bool), names []string) error {
	return m.loadTensors(get, names, nil, nil)
}

func (m *Model) loadTensors(get func(string) (safetensors.Tensor, bool), names []string, progress func(done, total int64), release func(string)) error {
	if err := checkTensors(m.Params, m.Config, get, names); err != nil {
		return err
	}
	var done, total int64
	if progress != nil {
		for _, info := range m.Params.Tensors {
			t, _ := get(info.Name)
			total += int64(len(t.Data))
		}
	}
	for _, info := range m.Params.Tensors {
		t, _ := get(info.Name)
		var err error
		if info.BF16 {
			err = decodeBF16(m.Params.BF16[info.Offset:info.Offset+info.Size], t)
		} else {
			err = decodeF32(m.Params.F32[info.Offset:info.Offset+info.Size], t)
		}
		if err != nil {
			return err
		}
		if release != nil {
			release(info.Name)
		}
		if progress != nil {
			done += int64(len(t.Data))
			progress(done, total)
		}
	}
	return nil
}

// checkTensors verifies that the source holds exactly the tensors of layout
// p, each with the expected shape and a float dtype.
func checkTensors(p *Params, cfg Config, get func(string) (safetensors.Tensor, bool), names []string) error {
	var extra []string
	for _, n := range names {
		if _, ok := p.Info(n); !ok && !(n == "lm_head.weight" && cfg.TieWordEmbeddings) {
			extra = append(extra, n)
		}
	}
	if len(extra) > 0 {
		slices.Sort(extra)
		if len(extra) > 5 {
			extra = append(extra[:5], fmt.Sprintf("and %d more", len(extra)-5))
		}
		return fmt.Errorf("checkpoint has tensors a %s with this config.json does not use: %s (wrong config.json or not a Qwen2 checkpoint?)",
			Architecture, strings.Join(extra, ", "))
	}
	for _, info := range p.Tensors {
		t, ok := get(info.Name)
		if !ok {
			return fmt.Errorf("tensor %s is missing from the checkpoint (incomplete download or wrong config.json?)", info.Name)
		}
		if !slices.Equal(t.Shape, info.Shape) {
			return fmt.Errorf("tensor %s has shape %v, config.json implies %v", info.Name, t.Shape, info.Shape)
		}
		if err := checkBytes(t, info.Size); err != nil {
			return err
		}
	}
	return nil
}

// checkBytes verifies t carries exactly n elements of a float dtype.
func checkBytes(t safetensors.Tensor, n int) error {
	switch t.DType {
	case safetensors.F32, safetensors.BF16, safetensors.F16:
	default:
		return fmt.Errorf("tensor %s has dtype %s; only F32, BF16 and F16 checkpoints are supported", t.Name, t.DType)
	}
	if len(t.Data) != n*t.DType.Size() {
		return fmt.Errorf("tensor %s has %d bytes, want %d for %d %s values (corrupt file?)", t.Name, len(t.Data), n*t.DType.Size(), n, t.DType)
	}
	return nil
}

// decodeF32 converts t straight into dst on all cores, avoiding a
// temporary copy of multi-hundred-megabyte tensors.
func decodeF32(dst []float32, t safetensors.Tensor) error {
	if err := checkBytes(t, len(dst)); err != nil {
		return err
	}
	d := t.Data
	dt := t.DType
	cpu.ParallelFor(len(dst), func(lo, hi int) {
		switch dt {
		case safetensors.F32:
			for i := lo; i < hi; i++ {
				dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(d[4*i:]))
			}
		case safetensors.BF16:
			for i := lo; i < hi; i++ {
				dst[i] = cpu.BF16ToF32(binary.LittleEndian.Uint16(d[2*i:]))
			}
		case safetensors.F16:
			for i := lo; i < hi; i++ {
				dst[i] = safetensors.F16ToF32(binary.LittleEndian.Uint16(d[2*i:]))
			}
		}
	})
	return nil
}

// decodeBF16 converts t into bf16 bits in dst (rounding F32/F16 to nearest even).
func decodeBF16(dst []uint16, t safetensors.Tensor) error {
	if err := checkBytes(t, len(dst)); err != nil {
		return err
	}
	d := t.Data
	dt := t.DType
	cpu.ParallelFor(len(dst), func(lo, hi int) {
		switch dt {
		case safetensors.BF16:
			for i := lo; i < hi; i++ {
				dst[i] = binary.LittleEndian.Uint16(d[2*i:])
			}
		case safetensors.F32:
			for i := lo; i < hi; i++ {
				dst[i] = cpu.F32ToBF16(math.Float32frombits(binary.LittleEndian.Uint32(d[4*i:])))
			}
		case safetensors.F16:
			for i := lo; i < hi; i++ {
				dst[i] = cpu.F32ToBF16(safetensors.F16ToF32(binary.LittleEndian.Uint16(d[2*i:])))
			}
		}
	})
	return nil
}
