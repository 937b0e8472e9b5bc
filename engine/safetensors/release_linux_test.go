package safetensors

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// rssBytes is this process's resident memory (VmRSS).
func rssBytes(t *testing.T) int64 {
	t.Helper()
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status:", err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmRSS line")
	return 0
}

// TestReleaseDropsResidentPages checks the point of Release: a tensor read
// through the map stops counting in the resident set, and reading it again
// still gives the same bytes.
func TestReleaseDropsResidentPages(t *testing.T) {
	const size = 32 << 20
	data := make([]byte, size)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	path := filepath.Join(t.TempDir(), "big.safetensors")
	if err := Write(path, []Tensor{{Name: "w", DType: F32, Shape: []int{size / 4}, Data: data}}, nil); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !s.files[0].mapped {
		t.Skip("the file system refused mmap; Release has nothing to give back")
	}
	tn, _ := s.Tensor("w")
	var sum byte
	for _, b := range tn.Data { // fault every page in
		sum += b
	}
	before := rssBytes(t)
	t.Logf("sum %d rss %d", sum, before)
	s.Release("w")
	s.Release("no such tensor") // harmless
	after := rssBytes(t)
	if drop := before - after; drop < size/2 {
		t.Errorf("Release gave back %d bytes of resident memory, want most of the tensor's %d (RSS %d → %d)", drop, size, before, after)
	}
	again, _ := s.Tensor("w")
	if !bytes.Equal(again.Data, data) {
		t.Fatal("the tensor's data changed after Release")
	}
}
