package atomicfile

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteFileReplacesAndLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	for _, data := range []string{"one", "two, longer", ""} {
		if err := WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(p)
		if err != nil || string(got) != data {
			t.Fatalf("read back %q, %v; want %q", got, err, data)
		}
	}
	if names := entries(t, dir); len(names) != 1 || names[0] != "f" {
		t.Fatalf("folder holds %v, want only f", names)
	}
	if fi, _ := os.Stat(p); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestAbortKeepsTheOldFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if err := WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Create(p, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("half of the new"); err != nil {
		t.Fatal(err)
	}
	f.Abort()
	f.Abort() // twice is fine
	if got, _ := os.ReadFile(p); string(got) != "old" {
		t.Fatalf("after Abort the file holds %q", got)
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Fatalf("Abort left %v", names)
	}
	if err := f.Commit(); err == nil {
		t.Fatal("Commit after Abort succeeded")
	}
}

func TestErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no", "such", "f")
	if err := WriteFile(missing, []byte("x"), 0o644); err == nil {
		t.Fatal("write into a missing folder succeeded")
	}
	// The target is a non-empty folder: the rename fails, nothing is left.
	dir := t.TempDir()
	target := filepath.Join(dir, "d")
	if err := os.MkdirAll(filepath.Join(target, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(target, []byte("x"), 0o644); err == nil {
		t.Fatal("replacing a non-empty folder succeeded")
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Fatalf("failed commit left %v", names)
	}
	if err := SyncDir(filepath.Join(dir, "missing")); err == nil && runtime.GOOS != "windows" {
		t.Fatal("SyncDir of a missing folder succeeded")
	}
}
