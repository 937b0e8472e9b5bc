package qwen2

import (
	"sync"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/cpu"
)

// A training step makes several GB of tape (activations and backward
// scratch). Allocating a fresh arena per micro-batch costs a page fault per
// 4 KiB on every step (seconds of system time for Qwen2.5-0.5B) and, since
// the garbage collector frees the previous arena only after the heap has
// grown past twice its live size, briefly holds two arenas: peak memory
// well above the plan the trainer promised. So the model keeps the last
// arena and the next tape reuses it when it is large enough.

// takeArena returns n zeroed floats, reusing the spare arena if it fits.
func (m *Model) takeArena(n int) []float32 { return takeSpare(&m.spareMu, &m.spare, n) }

// putArena keeps a as the spare arena (the larger of it and the current one).
func (m *Model) putArena(a []float32) { putSpare(&m.spareMu, &m.spare, a) }

// takeArena16 and putArena16 are takeArena and putArena for the 16-bit
// arena of a bf16 tape (Model.SetTapeDType).
func (m *Model) takeArena16(n int) []uint16 { return takeSpare(&m.spareMu, &m.spare16, n) }
func (m *Model) putArena16(a []uint16)      { putSpare(&m.spareMu, &m.spare16, a) }

// takeSpare returns n zeroed elements, taking *spare if it is large enough.
func takeSpare[T float32 | uint16](mu *sync.Mutex, spare *[]T, n int) []T {
	mu.Lock()
	a := *spare
	if cap(a) >= n {
		*spare = nil
	}
	mu.Unlock()
	if cap(a) < n {
		return make([]T, n)
	}
	a = a[:n]
	// A fresh arena comes zeroed; keep that contract for the reused one.
	cpu.ParallelFor(n, func(lo, hi int) { clear(a[lo:hi]) })
	return a
}

// putSpare keeps a as *spare if it is larger than the one kept.
func putSpare[T float32 | uint16](mu *sync.Mutex, spare *[]T, a []T) {
	if a == nil {
		return
	}
	mu.Lock()
	if cap(a) > cap(*spare) {
		*spare = a[:0]
	}
	mu.Unlock()
}

// ReleaseTrainingMemory drops the arena kept from the last training pass,
// for when the model will not train again soon (training paused, or
// inference only from now on). The next TrainForward allocates afresh.
func (m *Model) ReleaseTrainingMemory() {
	m.spareMu.Lock()
	m.spare, m.spare16 = nil, nil
	bufs := m.devSpare
	m.devSpare = nil
	m.spareMu.Unlock()
	for _, b := range bufs {
		m.be.Free(b)
	}
}

// takeDeviceTape hands over the last device tape's buffers (in the order
// they were taken) for the next tape to reuse.
func (m *Model) takeDeviceTape() []backend.Buffer {
	m.spareMu.Lock()
	defer m.spareMu.Unlock()
	b := m.devSpare
	m.devSpare = nil
	return b
}

// putDeviceTape keeps a device tape's buffers for the next one, freeing
// any kept before.
func (m *Model) putDeviceTape(bufs []backend.Buffer) {
	m.spareMu.Lock()
	old := m.devSpare
	m.devSpare = bufs
	m.spareMu.Unlock()
	for _, b := range old {
		m.be.Free(b)
	}
}
