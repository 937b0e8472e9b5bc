package goalnet

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"

	"github.com/swarmdesk/swarmdesk/platform"
)

// FileName is the model file inside the BlockAssist data dir.
const FileName = "goalnet.bin"

// Model file layout (little endian):
//
//	magic "SDGOALNT" | version u32 | inputs u32 | c1 u32 | c2 u32 | outputs u32 | kernel u32
//	| param count u32 | params f32 × count | CRC-32C of everything before u32
const (
	fileMagic   = "SDGOALNT"
	fileVersion = 1
	headerSize  = len(fileMagic) + 7*4
	maxWidth    = 256 // hidden width bound so a corrupt header cannot demand gigabytes
)

// ErrNoModel is returned by Load when no model has been trained yet.
var ErrNoModel = errors.New("no trained goal model yet: train one after playing a session")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Encode serialises the net.
func (n *Net) Encode() []byte {
	b := make([]byte, 0, headerSize+4*len(n.Params)+4)
	b = append(b, fileMagic...)
	for _, v := range []int{fileVersion, NumInputs, n.C1, n.C2, NumOutputs, K, len(n.Params)} {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	for _, p := range n.Params {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(p))
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

// Decode parses a model file. Every field is checked before use, so
// corrupt or foreign data returns an error naming the problem.
func Decode(b []byte) (*Net, error) {
	if len(b) < headerSize+4 || string(b[:len(fileMagic)]) != fileMagic {
		return nil, errors.New("not a goal model file (bad magic or too short)")
	}
	h := make([]int, 7)
	for i := range h {
		h[i] = int(binary.LittleEndian.Uint32(b[len(fileMagic)+4*i:]))
	}
	version, in, c1, c2, out, k, count := h[0], h[1], h[2], h[3], h[4], h[5], h[6]
	if version != fileVersion {
		return nil, fmt.Errorf("goal model version %d, this build reads %d: retrain the model", version, fileVersion)
	}
	if in != NumInputs || out != NumOutputs || k != K {
		return nil, fmt.Errorf("goal model shape %d inputs, %d outputs, kernel %d; this build needs %d, %d, %d: retrain the model",
			in, out, k, NumInputs, NumOutputs, K)
	}
	if c1 < 1 || c1 > maxWidth || c2 < 1 || c2 > maxWidth {
		return nil, fmt.Errorf("goal model hidden widths %d, %d outside 1..%d", c1, c2, maxWidth)
	}
	lay := newLayout(c1, c2)
	if count != lay.end {
		return nil, fmt.Errorf("goal model holds %d parameters, widths %d/%d need %d", count, c1, c2, lay.end)
	}
	if want := headerSize + 4*count + 4; len(b) != want {
		return nil, fmt.Errorf("goal model file is %d bytes, want %d (truncated or padded)", len(b), want)
	}
	body := b[:len(b)-4]
	if got, want := crc32.Checksum(body, castagnoli), binary.LittleEndian.Uint32(b[len(b)-4:]); got != want {
		return nil, fmt.Errorf("goal model checksum %08x, want %08x: the file is corrupt", got, want)
	}
	n := &Net{C1: c1, C2: c2, lay: lay, Params: make([]float32, count)}
	for i := range n.Params {
		p := math.Float32frombits(binary.LittleEndian.Uint32(body[headerSize+4*i:]))
		if math.IsNaN(float64(p)) || math.IsInf(float64(p), 0) {
			return nil, fmt.Errorf("goal model parameter %d is %v", i, p)
		}
		n.Params[i] = p
	}
	return n, nil
}

// Save writes the net to dataDir/goalnet.bin atomically: a crash leaves the
// previous model or the new one, never a mix.
func (n *Net) Save(dataDir string) error {
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return fmt.Errorf("save goal model: %w", err)
	}
	if err := platform.WriteFileAtomic(filepath.Join(dataDir, FileName), n.Encode(), 0o644); err != nil {
		return fmt.Errorf("save goal model: %w", err)
	}
	return nil
}

// Load reads dataDir/goalnet.bin. It returns ErrNoModel (wrapped) when the
// file does not exist.
func Load(dataDir string) (*Net, error) {
	path := filepath.Join(dataDir, FileName)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("load %s: %w", path, ErrNoModel)
	}
	if err != nil {
		return nil, fmt.Errorf("load goal model: %w", err)
	}
	n, err := Decode(b)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	return n, nil
}
