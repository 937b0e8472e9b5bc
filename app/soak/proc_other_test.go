//go:build !linux

package soak

import "os/exec"

// dieWithTest: only Linux can tie a child's life to its parent's; elsewhere a test killed by
// its timeout may leave children running.
func dieWithTest(*exec.Cmd) {}
