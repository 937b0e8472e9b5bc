package safetensors

import (
	"bytes"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/swarmdesk/swarmdesk/platform"
)

// rssBytes is this process's resident memory (VmRSS).
func rssBytes(t *testing.T) int64 {
	t.Helper()
	now, _ := platform.ProcessMemory()
	if now == 0 {
		t.Skip("this system does not report the resident memory")
	}
	return int64(now)
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
