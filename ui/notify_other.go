//go:build !(linux || freebsd || openbsd || netbsd)

package ui

// notificationsAvailable: macOS and Windows notifications need no session bus.
func notificationsAvailable() error { return nil }
