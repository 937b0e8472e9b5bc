// Package gpu is engine/backend's Backend written once for every GPU API
// that runs the engine's compute kernels: the op layer (which kernel, which
// push constants, which grid for each model op; the attention and LM-head
// decompositions; staging of offset views and host inputs) over a small
// kernel-recording interface (Device, Batch) that each API implements.
//
// Why: the Vulkan backend (engine/vulkan) and the Metal backend
// (engine/metal) run the same kernels — Metal's MSL is cross-compiled from
// Vulkan's GLSL — with the same push-constant layouts and grids, so the op
// layer above them is the same code. Keeping it here means a fix lands on
// both, and the Metal backend's op layer, which CI cannot run on a Mac, is
// exercised on every CI run by the Vulkan backend's tests on lavapipe
// (engine/vulkan runs the parity suite, engine/backend/conformance, on
// this layer).
//
// Both backends are built on this package: each supplies a Device and a
// Batch (buffers, pipelines, one command buffer per Batch) and nothing
// op-level. What differs per API stays behind optional interfaces:
// SharedMemory (uploads that are plain host writes) and GEMMRecorder
// (GEMM kernels only one API has).
package gpu
