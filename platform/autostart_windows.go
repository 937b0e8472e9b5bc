package platform

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

// runKey is the per-user list of programs Windows starts at login (a Startup-folder shortcut
// would need COM to write a .lnk).
const runKey = `Software\Microsoft\Windows\CurrentVersion\Run`

func enableAutostart(exe string) error {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if err != nil {
		return fmt.Errorf("start at login: open HKCU\\%s: %w", runKey, err)
	}
	defer k.Close()
	if err := k.SetStringValue(AutostartName, `"`+exe+`"`); err != nil {
		return fmt.Errorf("start at login: write HKCU\\%s: %w", runKey, err)
	}
	return nil
}

func disableAutostart() error {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("start at login: open HKCU\\%s: %w", runKey, err)
	}
	defer k.Close()
	if err := k.DeleteValue(AutostartName); err != nil && !errors.Is(err, registry.ErrNotExist) {
		return fmt.Errorf("start at login: remove the entry: %w", err)
	}
	return nil
}

func autostartEnabled() bool {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.QUERY_VALUE)
	if err != nil {
		return false
	}
	defer k.Close()
	_, _, err = k.GetStringValue(AutostartName)
	return err == nil
}
