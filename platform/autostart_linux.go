package platform

import (
	"os"
	"path/filepath"
)

// autostartFile is the XDG autostart entry: $XDG_CONFIG_HOME/autostart (~/.config/autostart).
func autostartFile() string {
	home, _ := os.UserHomeDir()
	return filepath.Join(xdg(os.Getenv, "XDG_CONFIG_HOME", home, ".config"), "autostart", AppID+".desktop")
}

func enableAutostart(exe string) error {
	return writeLoginFile(autostartFile(), []byte(desktopEntry(exe)))
}

func disableAutostart() error { return removeLoginFile(autostartFile()) }

func autostartEnabled() bool { return fileExists(autostartFile()) }
