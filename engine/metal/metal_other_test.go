//go:build !darwin

package metal

import (
	"errors"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
)

// Off macOS the backend is registered but skipped with a sentence for
// doctor, and opening it fails cleanly instead of panicking.
func TestRegisteredAndSkippedOffMacOS(t *testing.T) {
	for _, f := range backend.Default.ProbeAll() {
		if f.Backend != "metal" {
			continue
		}
		if f.Skipped != ErrNotMacOS.Error() || len(f.Devices) != 0 {
			t.Fatalf("metal probe off macOS: %+v", f)
		}
		if _, err := backend.Default.Open(backend.Device{Backend: "metal"}); !errors.Is(err, ErrNotMacOS) {
			t.Fatalf("open metal off macOS: %v", err)
		}
		ch, err := backend.Default.Select(backend.Spec{Backend: "metal"})
		if err == nil && ch.Device.Backend == "metal" {
			t.Fatalf("metal selected off macOS: %+v", ch)
		}
		return
	}
	t.Fatal("metal is not in the registry's probe results")
}
