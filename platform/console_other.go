//go:build !windows

package platform

// AttachParentConsole is only needed on Windows, where the app is a GUI-subsystem binary.
func AttachParentConsole() {}
