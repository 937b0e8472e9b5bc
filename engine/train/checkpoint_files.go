package train

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/swarmdesk/swarmdesk/engine/safetensors"
	"github.com/swarmdesk/swarmdesk/internal/atomicfile"
)

// stepName is the folder name of a step's checkpoint.
func stepName(step int64) string { return fmt.Sprintf("step-%09d", step) }

// parseStepName inverts stepName, accepting only its canonical output so a
// damaged or hostile latest file cannot name a path outside the folder.
func parseStepName(s string) (int64, error) {
	digits, ok := strings.CutPrefix(s, "step-")
	if !ok || len(digits) < 9 || len(digits) > 19 {
		return 0, fmt.Errorf("%q is not a checkpoint name (want step-NNNNNNNNN)", s)
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q is not a checkpoint name (want step-NNNNNNNNN)", s)
		}
	}
	step, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || stepName(step) != s {
		return 0, fmt.Errorf("%q is not a checkpoint name (want step-NNNNNNNNN)", s)
	}
	return step, nil
}

// littleEndian reports whether float32 memory already has safetensors' byte
// order, so weights can be written and read without a converted copy (a
// 0.5B model's moments alone are 4 GB).
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// f32Tensor wraps v as an F32 tensor, sharing its memory when possible.
func f32Tensor(name string, shape []int, v []float32) safetensors.Tensor {
	if !littleEndian || len(v) == 0 {
		return safetensors.F32Tensor(name, shape, v)
	}
	data := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), 4*len(v))
	return safetensors.Tensor{Name: name, DType: safetensors.F32, Shape: slices.Clone(shape), Data: data}
}

// copyF32 fills dst from an F32 tensor's little-endian bytes (already
// checked to have 4*len(dst) bytes).
func copyF32(dst []float32, data []byte) {
	if littleEndian && len(dst) > 0 {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(dst))), 4*len(dst)), data)
		return
	}
	for i := range dst {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
	}
}

// hashFile returns the size and hex sha256 of a file.
func hashFile(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", fmt.Errorf("read %s: %w", path, err)
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// publish renames the finished temporary folder to final. A checkpoint of
// the same step already there (Save called twice for one step) is moved
// aside first and removed only after the new one is in place.
func publish(tmp, final string) error {
	dir := filepath.Dir(final)
	var old string
	if _, err := os.Lstat(final); err == nil {
		f, err := os.MkdirTemp(dir, oldPrefix+filepath.Base(final)+"-")
		if err != nil {
			return err
		}
		old = filepath.Join(f, filepath.Base(final))
		if err := os.Rename(final, old); err != nil {
			return fmt.Errorf("move the previous %s aside: %w", final, err)
		}
		defer os.RemoveAll(f)
	}
	if err := os.Rename(tmp, final); err != nil {
		if old != "" {
			_ = os.Rename(old, final)
		}
		return fmt.Errorf("rename into place: %w", err)
	}
	return atomicfile.SyncDir(dir)
}

// writeLatest atomically replaces dir/latest with the step folder's name.
func writeLatest(dir, name string) error {
	if err := atomicfile.WriteFile(filepath.Join(dir, latestName), []byte(name+"\n"), 0o644); err != nil {
		return fmt.Errorf("update %s: %w", latestName, err)
	}
	return nil
}

// stepDirs lists the checkpoint folders in dir, highest step first.
func stepDirs(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	type sd struct {
		name string
		step int64
	}
	var found []sd
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if step, err := parseStepName(e.Name()); err == nil {
			found = append(found, sd{e.Name(), step})
		}
	}
	slices.SortFunc(found, func(a, b sd) int { return cmp.Compare(b.step, a.step) })
	out := make([]string, len(found))
	for i, f := range found {
		out[i] = f.name
	}
	return out, nil
}

// prune keeps current plus the keep-1 highest other steps and removes the
// rest, and the leftovers of interrupted saves.
func prune(dir, current string, keep int) error {
	var errs []error
	if keep > 0 {
		names, err := stepDirs(dir)
		if err != nil {
			return err
		}
		kept := 1
		for _, n := range names {
			if n == current {
				continue
			}
			if kept < keep {
				kept++
				continue
			}
			if err := os.RemoveAll(filepath.Join(dir, n)); err != nil {
				errs = append(errs, err)
			}
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	for _, e := range entries {
		// Leftovers of crashed saves: step folders, replaced folders and
		// atomicfile's temporary copies of latest.
		if strings.HasPrefix(e.Name(), tmpPrefix) || strings.HasPrefix(e.Name(), oldPrefix) || strings.HasPrefix(e.Name(), "."+latestName+".tmp-") {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}
