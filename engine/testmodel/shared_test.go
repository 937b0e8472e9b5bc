package testmodel

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSharedWritesOnceAndRemoves(t *testing.T) {
	s := &Shared{Config: Tiny{}, Seed: 3}
	if err := s.Remove(); err != nil {
		t.Fatalf("Remove before Dir: %v", err)
	}
	a, err := s.Dir()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := s.Dir()
	if a != b {
		t.Fatalf("second Dir %q, first %q", b, a)
	}
	if _, err := os.Stat(filepath.Join(a, "model.safetensors")); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Dir(a)); !os.IsNotExist(err) {
		t.Fatalf("folder still there: %v", err)
	}
}
