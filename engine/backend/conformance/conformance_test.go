package conformance

import (
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/host"
)

// The suite against the CPU backend itself: every check must hold with
// zero difference, which proves the suite runs and compares what it says.
func TestSuiteOnCPU(t *testing.T) {
	open := func(t *testing.T) backend.Backend { return host.New() }
	Run(t, open, Options{})
	RunModel(t, open, 0)
	RunGRPOStep(t, open)
	RunBF16Tape(t, open, true)
}
