// Package gputest is the parity suite every device backend runs: each op
// forward and backward against the CPU backend, a whole tiny model's
// prefill and decode logits against the CPU and the float64 reference,
// sampled rollouts, and a GRPO step. A backend's test calls Run with a
// function that opens it (and skips when its device is absent).
package gputest

import (
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
)

// Open returns a fresh backend for one test (closed by the test's
// cleanup), or skips the test when the device is absent.
type Open func(t *testing.T) backend.Backend

// Run runs the whole suite on the backend open returns.
func Run(t *testing.T, open Open) {
	t.Run("BuffersAndElementwise", func(t *testing.T) { testOpsBuffersAndElementwise(t, open) })
	t.Run("GemmNormRopeSwiGLU", func(t *testing.T) { testOpsGemmNormRopeSwiGLU(t, open) })
	t.Run("Attention", func(t *testing.T) { testOpsAttention(t, open) })
	t.Run("LMHeadAdamWSample", func(t *testing.T) { testOpsLMHeadAdamWSample(t, open) })
	t.Run("Model", func(t *testing.T) { testModel(t, open) })
	t.Run("GRPOStep", func(t *testing.T) { testGRPOStep(t, open) })
}
