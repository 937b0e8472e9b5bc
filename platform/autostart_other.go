//go:build !linux && !darwin && !windows

package platform

import "errors"

var errNoAutostart = errors.New("start at login is not supported on this system; start swarmdesk yourself after logging in")

func enableAutostart(string) error { return errNoAutostart }

func disableAutostart() error { return nil }

func autostartEnabled() bool { return false }
