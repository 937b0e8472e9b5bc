package metal

import (
	"github.com/swarmdesk/swarmdesk/engine/backend/gpu"
)

// kernelBuffers is how many storage buffers each kernel the ops use binds.
// It must match the MSL (TestKernelSourcesFollowConventions checks it on
// every OS; the pipeline cache checks it again when it builds a kernel).
var kernelBuffers = map[string]int{
	"gemm_f32": 4, "gemm_bf16": 4, "gemm_f16": 4,
	"gemv_f32": 4, "gemv_bf16": 4, "gemv_f16": 4,
	"rmsnorm": 4, "rmsnorm_bwd": 5, "rmsnorm_bwd_dw": 4, "rmsnorm_scale": 4,
	"rope": 3, "softmax_causal": 2, "softmax_bwd": 2, "attn_decode": 6,
	"swiglu": 3, "swiglu_bwd": 5, "add": 3, "scale_add": 2,
	"embed": 3, "embed_bf16": 3, "embed_bwd": 3, "kv_append": 4, "kv_append_bf16": 4, "colsum": 2,
	"lse_chunk": 3, "logp_final": 3, "logp_grad": 5, "adamw": 4, "sumsq": 2,
	"cast_f32_bf16": 2, "cast_bf16_f32": 2, "cast_f32_f16": 2, "cast_f16_f32": 2,
	"sample": 5, "copy16": 2, "fill16": 1,
}

// The flash-attention kernels, one per head width and K/V type the op
// layer has one for.
func init() {
	for _, k := range gpu.FlashKernels() {
		kernelBuffers[k] = 5
	}
}
