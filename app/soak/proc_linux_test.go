package soak

import (
	"os/exec"
	"syscall"
)

// dieWithTest makes a child die with the test process, so a test binary killed by its
// timeout leaves no swarm running.
func dieWithTest(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
