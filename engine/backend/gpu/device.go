package gpu

import "github.com/swarmdesk/swarmdesk/engine/backend"

// Buffer is a block of device memory.
type Buffer interface {
	Size() uint64 // bytes
}

// HostBuffer is a Buffer the host can write directly (mapped or shared
// memory): what AllocHost returns.
type HostBuffer interface {
	Buffer
	Bytes() []byte
}

// Batch records kernel dispatches and transfers for one submission, in
// order: each sees the writes of those recorded before it. Recording errors
// are kept and returned by Run; after Run the batch is empty and reusable.
type Batch interface {
	// Dispatch runs kernel name over x·y·z work groups with bufs bound in
	// order (binding/[[buffer(i)]] i) and push as its push constants.
	Dispatch(name string, bufs []Buffer, push []byte, x, y, z uint32)
	// Copy copies n bytes (a multiple of 2) from src at srcOff to dst at
	// dstOff.
	Copy(dst Buffer, dstOff uint64, src Buffer, srcOff, n uint64)
	// FillRange sets the 32-bit words of bytes [off, off+n) to v (off and n
	// multiples of 4).
	FillRange(b Buffer, off, n uint64, v uint32)
	Ops() int // dispatches and copies recorded since the last Run
	Run() error
	Release()
}

// Device is one GPU as the op layer needs it.
type Device interface {
	Alloc(n uint64) (Buffer, error)         // device memory, zeroed
	AllocHost(n uint64) (HostBuffer, error) // host-writable memory the kernels can read
	Free(b Buffer)
	// Upload and Download copy bytes at a byte offset; the caller makes
	// sure no recorded work is pending.
	Upload(b Buffer, off uint64, src []byte) error
	Download(b Buffer, off uint64, dst []byte) error
	NewBatch() (Batch, error)
	Memory() backend.Memory
	Info() backend.Device
	Close() error
}

// Buf adapts an API's allocation result ((*its Buffer, error)) to
// Device.Alloc's: on failure the Buffer is a nil interface, not a typed nil
// pointer inside one (which would read as a valid buffer).
func Buf[T Buffer](b T, err error) (Buffer, error) {
	if err != nil {
		return nil, err
	}
	return b, nil
}

// HostBuf is Buf for Device.AllocHost.
func HostBuf[T HostBuffer](b T, err error) (HostBuffer, error) {
	if err != nil {
		return nil, err
	}
	return b, nil
}
