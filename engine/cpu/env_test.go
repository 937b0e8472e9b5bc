package cpu

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestEnvOverride checks SWARMDESK_CPU_PORTABLE and SWARMDESK_CPU_KERNELS
// (read once at start-up) by re-running this test binary with them set.
func TestEnvOverride(t *testing.T) {
	if os.Getenv("SWARMDESK_CPU_TEST_CHILD") == "1" {
		fmt.Printf("kernels=%s\n", KernelName())
		return
	}
	sets := available()
	best := sets[len(sets)-1].name
	tests := []struct{ env, want string }{
		{"SWARMDESK_CPU_PORTABLE=1", "portable"},
		{"SWARMDESK_CPU_KERNELS=portable", "portable"},
		{"SWARMDESK_CPU_KERNELS=" + sets[0].name, sets[0].name},
		{"SWARMDESK_CPU_KERNELS=no-such-set", best},
		{"SWARMDESK_CPU_UNRELATED=1", best},
	}
	for _, tc := range tests {
		cmd := exec.Command(os.Args[0], "-test.run=^TestEnvOverride$", "-test.count=1")
		cmd.Env = append(os.Environ(), "SWARMDESK_CPU_TEST_CHILD=1", "SWARMDESK_CPU_PORTABLE=", "SWARMDESK_CPU_KERNELS=", tc.env)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: child failed: %v\n%s", tc.env, err, out)
		}
		if !strings.Contains(string(out), "kernels="+tc.want+"\n") {
			t.Errorf("%s: child reported %q, want kernels=%s", tc.env, out, tc.want)
		}
	}
}
