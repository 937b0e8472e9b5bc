package safetensors

import (
	"encoding/binary"
	"fmt"
	"math"
	"sync"

	"github.com/swarmdesk/swarmdesk/engine/cpu"
)

// f16Table maps every half bit pattern to float32 (256 KiB, built on first
// use): a lookup is several times faster than decoding the bits.
var f16Table = sync.OnceValue(func() *[1 << 16]float32 {
	var t [1 << 16]float32
	for i := range t {
		t[i] = F16ToF32(uint16(i))
	}
	return &t
})

// Tensor is one named array. Data holds the raw little-endian element bytes;
// for tensors returned by a Set it is a read-only view into the mapped file,
// valid only until the Set is closed (copy it, or convert with Float32, if
// it must outlive the Set).
type Tensor struct {
	Name  string
	DType DType
	Shape []int
	Data  []byte
}

// NumElements is the product of the shape (1 for a scalar). It returns -1 if
// a dimension is negative or the product overflows, which only happens for
// hand-built tensors; tensors read from files are validated.
func (t Tensor) NumElements() int {
	n, ok := numElements(t.Shape)
	if !ok {
		return -1
	}
	return n
}

// numElements multiplies dims, reporting false on negative dims or overflow
// so corrupt headers cannot wrap sizes around.
func numElements(shape []int) (int, bool) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, false
		}
		if d != 0 && n > math.MaxInt/d {
			return 0, false
		}
		n *= d
	}
	return n, true
}

// checkData verifies the byte length matches shape and dtype before any
// element loop runs, so conversions never index out of range.
func (t Tensor) checkData() (int, error) {
	size := t.DType.Size()
	if size == 0 {
		return 0, fmt.Errorf("tensor %q: unknown dtype %q", t.Name, t.DType)
	}
	n := t.NumElements()
	if n < 0 || n > math.MaxInt/size {
		return 0, fmt.Errorf("tensor %q: invalid shape %v", t.Name, t.Shape)
	}
	if len(t.Data) != n*size {
		return 0, fmt.Errorf("tensor %q: has %d bytes, shape %v of %s needs %d", t.Name, len(t.Data), t.Shape, t.DType, n*size)
	}
	return n, nil
}

// Float32 converts an F32, F16 or BF16 tensor into a newly allocated
// []float32. Other dtypes return an error naming the dtype, because silently
// reinterpreting integer or fp8 weights would corrupt the model.
func (t Tensor) Float32() ([]float32, error) {
	n, err := t.checkData()
	if err != nil {
		return nil, err
	}
	out := make([]float32, n)
	d := t.Data
	switch t.DType {
	case F32:
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(d[4*i:]))
		}
	case BF16:
		for i := range out {
			out[i] = cpu.BF16ToF32(binary.LittleEndian.Uint16(d[2*i:]))
		}
	case F16:
		tab := f16Table()
		for i := range out {
			out[i] = tab[binary.LittleEndian.Uint16(d[2*i:])]
		}
	default:
		return nil, fmt.Errorf("tensor %q: dtype %s cannot be converted to float32 (supported: F32, F16, BF16)", t.Name, t.DType)
	}
	return out, nil
}

// BF16 returns the tensor as raw bfloat16 bits, the engine's compact
// training format: BF16 is copied, F32 is rounded to nearest even and F16 is
// widened to float32 first (exact) and then rounded.
func (t Tensor) BF16() ([]uint16, error) {
	n, err := t.checkData()
	if err != nil {
		return nil, err
	}
	out := make([]uint16, n)
	d := t.Data
	switch t.DType {
	case BF16:
		for i := range out {
			out[i] = binary.LittleEndian.Uint16(d[2*i:])
		}
	case F32:
		for i := range out {
			out[i] = cpu.F32ToBF16(math.Float32frombits(binary.LittleEndian.Uint32(d[4*i:])))
		}
	case F16:
		for i := range out {
			out[i] = cpu.F32ToBF16(F16ToF32(binary.LittleEndian.Uint16(d[2*i:])))
		}
	default:
		return nil, fmt.Errorf("tensor %q: dtype %s cannot be converted to bf16 (supported: F32, F16, BF16)", t.Name, t.DType)
	}
	return out, nil
}

// F32Tensor builds an F32 tensor from values, for writers and tests. The
// shape is copied; callers are responsible for len(v) matching the shape
// (Write validates it).
func F32Tensor(name string, shape []int, v []float32) Tensor {
	data := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(data[4*i:], math.Float32bits(x))
	}
	return Tensor{Name: name, DType: F32, Shape: copyShape(shape), Data: data}
}

// BF16Tensor builds a BF16 tensor, rounding each value to nearest even.
func BF16Tensor(name string, shape []int, v []float32) Tensor {
	data := make([]byte, 2*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint16(data[2*i:], cpu.F32ToBF16(x))
	}
	return Tensor{Name: name, DType: BF16, Shape: copyShape(shape), Data: data}
}

// F16Tensor builds an F16 tensor, rounding each value to nearest even.
func F16Tensor(name string, shape []int, v []float32) Tensor {
	data := make([]byte, 2*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint16(data[2*i:], F32ToF16(x))
	}
	return Tensor{Name: name, DType: F16, Shape: copyShape(shape), Data: data}
}

// copyShape copies a shape, keeping scalars as an empty non-nil slice so
// built and read tensors compare equal.
func copyShape(shape []int) []int {
	out := make([]int, len(shape))
	copy(out, shape)
	return out
}
