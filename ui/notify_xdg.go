//go:build linux || freebsd || openbsd || netbsd

package ui

import "github.com/godbus/dbus/v5"

// sessionBusAvailable reports whether the session D-Bus that Fyne sends notifications through
// can be reached (the same shared connection Fyne uses, so nothing extra stays open).
func sessionBusAvailable() error {
	_, err := dbus.SessionBus()
	return err
}
