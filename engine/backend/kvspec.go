package backend

import (
	"errors"
	"fmt"
	"strings"
)

// KVSpec is an engine.kv_cache value: the element type a model's KV caches
// should have (Auto: the best the device offers, decided by the caller once
// the device is open; see backend.KVCacheDTypes).
type KVSpec struct {
	Auto  bool
	DType DType // F32 or BF16 when not Auto
}

func (s KVSpec) String() string {
	if s.Auto {
		return "auto"
	}
	return s.DType.String()
}

// ErrBadKVSpec is wrapped by ParseKVSpec's errors.
var ErrBadKVSpec = errors.New("invalid KV cache type")

// ParseKVSpec parses an engine.kv_cache value: auto, f32 or bf16
// (case-insensitive, spaces trimmed).
func ParseKVSpec(s string) (KVSpec, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "auto":
		return KVSpec{Auto: true}, nil
	case "f32":
		return KVSpec{DType: F32}, nil
	case "bf16":
		return KVSpec{DType: BF16}, nil
	}
	return KVSpec{}, fmt.Errorf("%w %q: use auto, f32 or bf16", ErrBadKVSpec, s)
}
