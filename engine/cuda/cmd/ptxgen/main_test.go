package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/cuda"
)

// nvrtcOrSkip opens NVRTC (Debian's non-free libnvrtc11.2 in CI) or skips.
func nvrtcOrSkip(t *testing.T) *cuda.NVRTC {
	t.Helper()
	n, err := cuda.OpenNVRTC()
	if err != nil {
		t.Skipf("no NVRTC here: %v", err)
	}
	return n
}

// Another NVRTC writes other PTX bytes, so a pinned version that is not the
// one found is refused before anything is written, with what to do.
func TestRefusesAnotherNVRTCVersion(t *testing.T) {
	nvrtcOrSkip(t)
	out := filepath.Join(t.TempDir(), "ptx")
	err := run(out, "0.1")
	if err == nil {
		t.Fatal("NVRTC 0.1 demanded and another accepted")
	}
	for _, want := range []string{"0.1", "SWARMDESK_NVRTC_LIB"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("output folder touched after the refusal: %v", err)
	}
}

// An output path that cannot be a folder is an error naming it, not a panic
// or a partial write.
func TestOutputFolderErrors(t *testing.T) {
	nvrtcOrSkip(t)
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(filepath.Join(file, "ptx"), ""); err == nil || !strings.Contains(err.Error(), file) {
		t.Fatalf("run into a path under a file: %v", err)
	}
}
