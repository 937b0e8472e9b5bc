// Package cuda runs the engine on NVIDIA GPUs through the CUDA driver API,
// needing nothing but the NVIDIA driver: libcuda.so.1 (nvcuda.dll on
// Windows) is opened at run time with purego, so the single binary has no
// cgo and starts on machines without CUDA.
//
// Why it is built this way:
//
//   - Bindings are a table of driver symbols resolved once (binding.go) and
//     called through purego.SyscallN: ~70 ns and no allocation per call,
//     where RegisterFunc costs 3–10× more (research/engine.md §0.3).
//   - A CUDA context is current per OS thread, and goroutines migrate, so one
//     goroutine locked to its thread owns the primary context and runs every
//     driver call (thread.go). The backend records a step's launches in Go
//     memory and hands the whole list to that goroutine at Flush: one
//     channel round trip per decode step, not per op.
//   - Kernels are CUDA C in kernels/*.cu, compiled to PTX by our own
//     generator (cmd/ptxgen, NVRTC through purego) for compute_75, and for
//     compute_80 where they use bf16 tensor cores. The PTX is committed and
//     embedded (ptx/), and the driver JIT-compiles it for whatever card is
//     present; kernels/build.sh --check proves the bytes come from the
//     sources. No CUDA toolkit is needed at run time or build time.
//   - cuBLAS is optional: when a toolkit or pip wheel provides it, doctor
//     says so (cublas.go); the engine's own GEMMs need none.
//   - A decode step is captured as a CUDA graph and replayed (graph.go), so
//     a token costs one graph launch instead of hundreds of kernel launches.
package cuda
