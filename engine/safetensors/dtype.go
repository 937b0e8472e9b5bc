package safetensors

// DType is a safetensors element type name exactly as it appears in the
// header ("F32", "BF16", ...). Keeping the header spelling means a dtype we
// cannot convert can still be reported to the user by its real name.
type DType string

// Element types the engine can convert to float32.
const (
	F32  DType = "F32"
	F16  DType = "F16"
	BF16 DType = "BF16"
)

// dtypeSizes lists every dtype defined by the safetensors spec that has a
// whole-byte element size. Files using these open fine (their sizes can be
// validated); only conversion of non-float types is refused.
var dtypeSizes = map[DType]int{
	"BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "F8_E8M0": 1,
	"I16": 2, "U16": 2, "F16": 2, "BF16": 2,
	"I32": 4, "U32": 4, "F32": 4,
	"I64": 8, "U64": 8, "F64": 8,
}

// Size returns the element size in bytes, or 0 for an unknown dtype.
func (d DType) Size() int { return dtypeSizes[d] }

// Known reports whether the dtype is one this package can size and
// validate (not necessarily convert).
func (d DType) Known() bool { return dtypeSizes[d] != 0 }
