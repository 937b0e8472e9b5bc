// Package vulkan is the engine's Vulkan compute backend, reached without
// cgo: the system's Vulkan loader (libvulkan.so.1, vulkan-1.dll,
// libvulkan.1.dylib through MoltenVK) is opened at run time with purego and
// every entry point is called through a binding table of function pointers.
//
// Why Vulkan first: it is the one GPU API that also runs for real on
// machines without a GPU. Mesa's lavapipe device executes the same SPIR-V
// on the CPU, so CI runs every kernel here on every change. On real
// hardware the same code drives NVIDIA, AMD and Intel GPUs.
//
// # Shape
//
//   - Device: instance, one physical device (discrete, then integrated;
//     CPU devices such as lavapipe only when asked), one compute queue.
//   - Buffer: device-local memory; Upload/Download go through a host-visible
//     staging buffer.
//   - Kernels are GLSL compute shaders in shaders/, compiled to SPIR-V by
//     shaders/build.sh with fixed glslc flags; the .spv files are committed
//     and embedded, and CI checks a rebuild gives the same bytes.
//   - GEMMs with bf16/f16 weights run on cooperative matrices (tensor
//     cores) where the device offers VK_KHR_cooperative_matrix 16×16×16
//     fp16→fp32, else on the tiled kernel (coopmat.go).
//   - Batch records many dispatches (with a barrier between dependent
//     ones) into one command buffer and submits it once: one submit and one
//     wait per decode step or training micro-step, never per op.
//
// # The engine backend
//
// VKBackend (backend.go) is engine/backend/gpu's op layer, shared with the
// Metal backend, on a Device and its Batch: the op layer picks the kernels
// and records them; this package only builds pipelines, binds buffers and
// records and submits command buffers. It registers as "vulkan" in the
// device registry. The registry is offered
// hardware devices only; software devices (lavapipe) join it when
// SWARMDESK_VULKAN_SOFTWARE=1, because the engine's own CPU backend is
// faster than shaders run on the CPU. Tests open lavapipe directly.
//
// What runs on the device for a model moved there (qwen2.Model.UseBackend):
// prefill and decode (prefill attention with the flash-style kernel, no
// score matrix; the KV cache in float32 or, for batch rollouts at half the
// memory, bf16: qwen2.Model.SetKVCacheDType), sampling inside the decode step (only tokens and log-probs
// come back; top-p without top-k samples on the host, see
// engine/backend/gpu's PlanSample), and training when engine/train makes a trainer for
// it: the training forward and backward, the chunked LM-head log-probs and
// gradient, and AdamW on fp32 master weights and moments kept on the
// device (checkpoints download them). Options.MemoryLimit caps the device
// memory the backend may use.
//
// # Environment
//
//   - SWARMDESK_VULKAN_LIB: full path of the Vulkan loader to open.
//   - SWARMDESK_VULKAN_SOFTWARE=1: list software devices in the registry.
//   - SWARMDESK_VULKAN_REQUIRE_GPU=1 (tests, scripts/gpu-check.sh): the
//     tests fail instead of running on a software device or skipping.
//
// # Errors
//
// Nothing here panics on a driver problem: a missing loader, no device, a
// rejected shader, exhausted device memory or a lost device come back as
// *Error with a Kind and a Message() sentence for the user.
package vulkan
