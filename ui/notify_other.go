//go:build !(linux || freebsd || openbsd || netbsd)

package ui

// sessionBusAvailable: macOS and Windows notifications need no session bus.
func sessionBusAvailable() error { return nil }
