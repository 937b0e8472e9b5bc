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
// exercised on every CI run over the Vulkan device (lavapipe) in this
// package's tests.
//
// The Metal backend is built on this package. The Vulkan backend still has
// its own copy of the same layer (engine/vulkan/backend.go, ops.go), from
// which this one was taken; moving it onto this package is a mechanical
// change left for after its device-training work lands.
package gpu
