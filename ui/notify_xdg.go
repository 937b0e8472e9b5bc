//go:build linux || freebsd || openbsd || netbsd

package ui

import "github.com/godbus/dbus/v5"

// notificationsAvailable reports whether the session D-Bus that Fyne sends notifications through
// can be reached (the same shared connection Fyne uses, so nothing extra stays open).
func notificationsAvailable() error {
	_, err := dbus.SessionBus()
	return err
}
