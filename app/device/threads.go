package device

import (
	"runtime"

	"github.com/swarmdesk/swarmdesk/engine/cpu"
)

// SetThreads gives the engine's CPU kernels n threads (resources.threads; 0 or less means all
// cores, as Go counts them: the CPU count or the container's quota). The thread count is
// process-wide, so this is the one place the app sets it: the node, the desktop session's
// settings and the CLI commands all call here. Setting the count already in use does nothing.
func SetThreads(n int) {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	if cpu.Threads() != n {
		cpu.SetThreads(n)
	}
}
