// Package qwen2 is the engine's Qwen2 (Qwen2.5) causal language model:
// config.json parsing, safetensors weight loading, a forward pass on any
// engine/backend device (the CPU by default, a GPU with UseBackend) with
// per-sequence KV caches, batched decoding of many answers that share one
// prompt, and sampling-based generation.
//
// Design, in the llm.c spirit, so that one model serves inference and training:
//
//   - All parameters live in one flat buffer (Params.F32, plus Params.BF16
//     for matmul weights held as bfloat16), with per-tensor views. An
//     optimizer, a gradient buffer or a checkpoint can treat the model as one
//     vector. Tensors used together (q|k|v, gate|up) are adjacent, so each
//     group runs as one GEMM.
//   - The forward pass is plain code that reads like the math: Forward →
//     block (RMSNorm, QKV+bias, RoPE, GQA attention, o_proj, RMSNorm,
//     SwiGLU, down_proj) → final norm → LM head, each step one op of
//     engine/backend, so the model is written once for every device
//     (backend.go). Inference and training call the same RMSNorm, RoPE and
//     attention ops; training runs them on the CPU backend over the host
//     weights for now.
//   - ReferenceLogits is an independent float64 implementation straight from
//     the equations; the fast path (and later GPU backends) are tested
//     against it.
//   - Training (train.go, tape.go, backward.go, headlogp.go): TrainForward
//     runs whole sequences and keeps a Tape; Tape.Backward turns dL/dlogp
//     into the gradient of Trainable() with a hand-written backward per
//     block (attention softmax recomputed from stored logsumexps, flash
//     style). The LM head and log-softmax run in row chunks, so a
//     [tokens × vocab] matrix never exists. EnableLoRA (lora.go) freezes the
//     base and makes the adapters the trainable vector, with the same API.
//     SetTapeDType(BF16) keeps the tape's large activations as bf16 (half
//     the memory; compute stays float32, log-probs unchanged), the
//     trainer's choice on a GPU.
//   - A KVCache can Branch: G answers to one prompt see the prompt's keys and
//     values by pointer instead of G copies, and decode together in one
//     batched step per token (GRPO rollouts).
//
// Typical use:
//
//	m, err := qwen2.Load(dir, qwen2.LoadOptions{WeightDType: qwen2.BF16})
//	outs, stats, err := m.Generate(promptIDs, qwen2.GenerateOptions{N: 4, MaxNew: 128, Temperature: 0.7, TopP: 0.95, Seed: 1})
//
// A Model is not safe for concurrent forward passes (it reuses scratch
// buffers); use one goroutine per model.
package qwen2
