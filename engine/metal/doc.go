// Package metal is the engine's Metal compute backend for Apple Silicon
// (and Intel Macs with a Metal 3 GPU), reached without cgo: Metal.framework
// is opened at run time with purego and driven through the Objective-C
// runtime (purego/objc for class and selector lookup, objc_msgSend through
// purego.SyscallN with uintptr arguments on the hot path).
//
// Why: Apple Silicon Macs are the other large group of home participants,
// and their unified memory makes a 0.5B–1.5B GRPO node practical if the
// engine uses the GPU.
//
// # Shape
//
//   - Device: MTLCreateSystemDefaultDevice, one command queue. Buffers use
//     MTLResourceStorageModeShared: unified memory, so uploads and
//     downloads are plain copies into the buffer's contents, no staging.
//   - Kernels are the Vulkan backend's GLSL compute shaders
//     (engine/vulkan/shaders, the one source of every kernel) cross-compiled
//     to MSL at build time by shaders/build.sh (glslc → SPIR-V →
//     spirv-cross --msl), committed under msl/ and embedded; CI checks that a
//     rebuild gives the same bytes, as it does for the SPIR-V. The OS compiles
//     each kernel at first use with newLibraryWithSource:options:error:, the
//     language version set explicitly to MSL 3.1 and read back (a cgo-free
//     binary has no LC_BUILD_VERSION, and Metal then defaults to MSL 2.4).
//   - Batch: one command buffer and one serial compute encoder per decode
//     step or training micro-step, committed and waited for once. Objects
//     Metal returns autoreleased are created inside an autorelease pool
//     (objc_autoreleasePoolPush/Pop, on a locked OS thread) and retained
//     while in use, since purego has no ARC.
//
// Why cross-compiled kernels and not hand-written MSL (a reasoned choice,
// not a measured one: there is no Mac in this project's dev or CI machines,
// so nothing here could be run on Metal): they are the kernels the Vulkan
// parity suite already checks on every CI run, so the Metal backend starts
// from numerically verified code, and a kernel fixed or added once is fixed
// on both backends. The op layer above them (engine/backend/gpu) is also
// shared and runs in CI over lavapipe, so what is left untested off a Mac is
// the Objective-C plumbing in this package and Apple's MSL compiler.
//
// The GEMM: the default is the cross-compiled shared-memory tiled GEMM
// (64×64 tiles, fp32 accumulation). simdgroup/gemm.metal is a hand-written
// simdgroup_matrix GEMM with the same bindings, push constants and grid (a
// drop-in), opt-in with SWARMDESK_METAL_GEMM=simdgroup on Apple7+ GPUs until
// the macOS job has run the parity suite with it and benchmarked both
// (BenchmarkGemm, BenchmarkModel). MPS (MPSMatrixMultiplication) was not
// chosen: it has no bf16, so every bf16 weight would need an f16 copy (f16's
// range is narrower than bf16's), it takes plain row-major matrices rather
// than our strided, batched and offset operands (attention's per-head
// products, the LM head's vocabulary chunks), and it would add MPS's own
// encoder calls to every step.
//
// # The engine backend
//
// NewBackend returns engine/backend/gpu's Backend (the op layer shared with
// the Vulkan backend's kernels, run by CI over lavapipe) on this package's
// Device and Batch, and registers as "metal" in the device registry,
// probed after CUDA and before Vulkan. Off macOS the probe says "Metal
// exists only on macOS". The parity suite (engine/backend/conformance)
// runs on Metal in parity_darwin_test.go.
//
// # Memory
//
// Device.Info.WorkingSet is recommendedMaxWorkingSetSize, the budget macOS
// advises before it starts paging GPU memory. The backend's Memory reports
// it, so app/device's plan before loading (the planner the host uses)
// refuses a model that does not fit, and every allocation that would pass
// the budget is refused with a message rather than letting macOS swap.
//
// # Binding list
//
// Every class, function and selector the backend sends is named in one
// table (names.go); testdata/objc_names.txt is the committed copy a test
// compares it with on every OS, and on macOS the test also resolves them.
package metal
