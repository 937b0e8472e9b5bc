package qwen2

import "github.com/swarmdesk/swarmdesk/engine/backend"

// Sizes a memory planner needs from the config alone, before anything is
// loaded or allocated (see engine/train's plan before loading).

// ParamCounts splits the parameters of cfg's model into the matrix weights
// (held as bf16 when the model is loaded for inference only) and the rest
// (norm gains and biases, always float32).
func ParamCounts(cfg Config) (matmul, other int64) {
	for _, t := range newLayout(cfg, BF16).Tensors {
		if t.BF16 {
			matmul += int64(t.Size)
		} else {
			other += int64(t.Size)
		}
	}
	return matmul, other
}

// WeightBytes is the memory of the weights loaded with dtype wdt.
func WeightBytes(cfg Config, wdt DType) int64 {
	mm, other := ParamCounts(cfg)
	if wdt == BF16 {
		return 2*mm + 4*other
	}
	return 4 * (mm + other)
}

// LargestTensor is the element count of cfg's largest tensor (the
// embedding): what a load holds twice at once while copying it.
func LargestTensor(cfg Config) int64 {
	var n int64
	for _, t := range newLayout(cfg, F32).Tensors {
		n = max(n, int64(t.Size))
	}
	return n
}

// LoRAParams is the number of adapter parameters EnableLoRA adds for this
// rank on ntargets of the seven projections (all seven when ntargets is 0
// or more than 7: the default), counting the widest targets first so the
// figure is an upper bound for any subset of that size.
func LoRAParams(cfg Config, rank, ntargets int) int64 {
	H, Q, KV, F := cfg.HiddenSize, cfg.QDim(), cfg.KVDim(), cfg.IntermediateSize
	widths := []int{H + F, H + F, F + H, H + Q, Q + H, H + KV, H + KV} // gate, up, down, q, o, k, v
	if ntargets <= 0 || ntargets > len(widths) {
		ntargets = len(widths)
	}
	per := 0
	for _, w := range widths[:ntargets] {
		per += w
	}
	return int64(rank) * int64(per) * int64(cfg.NumHiddenLayers)
}

// LoRATapeBytes is TapeBytes for a model with LoRA adapters of this rank on
// ntargets projections (0 = all seven): the tape also keeps each adapter's
// low-rank intermediate.
func LoRATapeBytes(cfg Config, seqLens []int, rank, ntargets int) int64 {
	if ntargets <= 0 || ntargets > len(loraTargets) {
		ntargets = len(loraTargets)
	}
	return tapeBytes(cfg, seqLens, rank*ntargets)
}

// ForwardBytes is the memory of a tape-less forward pass over sequences of
// these lengths (scoring answers, a prompt's prefill): one layer's
// activations reused by every layer.
func ForwardBytes(cfg Config, seqLens []int) int64 {
	N, maxT := 0, 0
	for _, n := range seqLens {
		N += n
		maxT = max(maxT, n)
	}
	return sizesFor(cfg, N, N, maxT, len(seqLens), 0, false).bytes(len(seqLens))
}

// KVBytesPerToken is the KV cache memory of one token of one sequence for
// caches that store keys and values as dt (Model.SetKVCacheDType: F32, or
// BF16 at half the bytes where the backend offers it). A planner passes the
// type the caches will really have on the device it plans for, so a bf16
// cache is not counted at float32's size.
func KVBytesPerToken(cfg Config, dt backend.DType) int64 {
	return int64(cfg.NumHiddenLayers) * 2 * int64(cfg.KVDim()) * int64(dt.Size())
}
