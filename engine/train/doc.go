// Package train holds the pieces of GRPO training that do not depend on the
// model's backward pass: the Adam/AdamW optimizer, the GRPO loss with its
// gradient with respect to the per-token log-probabilities, group-normalised
// advantages, and crash-safe checkpoints. A swarm node trains its copy of
// the model once per round on its own and its peers' rollouts; these pieces
// make that step match rl-swarm's Python peers (genrl's GRPO with plain
// torch Adam, lr 1e-6, clip ε 0.2/0.28, no KL term, token-level mean) and
// make it safe to run for days on a home machine that may lose power.
//
// # Design notes
//
//   - The trainable weights are one flat float32 vector (qwen2's
//     Trainable(): Params.F32, or the LoRA adapter buffer), so the
//     optimizer is a loop over four equal-length slices, run on all cores
//     with cpu.ParallelFor. Every element is independent and the gradient
//     norm is reduced over fixed-size blocks, so a step is bit-identical for
//     any thread count. The arithmetic follows torch's single-tensor Adam
//     and AdamW step by step in float32; the tests compare it with a
//     float64 re-implementation of torch's update.
//   - A bad step must never corrupt the model: Update checks the gradient
//     (its norm is NaN/Inf exactly when an element is) before touching
//     anything, and returns ErrNonFiniteGradient.
//   - GRPOLoss works on the log-probabilities the model's TrainForward
//     returns and hands back dL/dlogp for Tape.Backward: the loss is
//     elementwise per token, so it runs on the CPU whatever the backend.
//     It divides by the token count of the whole optimizer batch, so
//     micro-batches accumulate to the whole batch's gradient exactly.
//   - A checkpoint is a folder step-NNNNNNNNN/ that Python tools can open:
//     model.safetensors with Hugging Face tensor names plus config.json,
//     optimizer.safetensors with torch's exp_avg/exp_avg_sq per parameter,
//     trainer_state.json (the caller's JSON), and manifest.json with the
//     size and sha256 of every file. With LoRA only the adapters are saved,
//     as PEFT's adapter_model.safetensors and adapter_config.json. It is
//     written into a temporary folder, fsynced, renamed into place, and
//     only then named by the file "latest", so a crash leaves the previous
//     checkpoint in charge.
//     Loading verifies every byte and every shape before changing the
//     model, and refuses (never silently skips) a damaged newest checkpoint.
//
// The trainer loop (which calls TrainForward, GRPOLoss, Backward and
// Update) and the memory planner live in this package too, in their own
// files.
package train
