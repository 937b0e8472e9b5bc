package platform

import (
	"os"
	"path/filepath"
)

// autostartFile is the per-user LaunchAgent.
func autostartFile() string {
	home, _ := os.UserHomeDir()
	return filepath.Join(home, "Library", "LaunchAgents", AppID+".plist")
}

func enableAutostart(exe string) error {
	return writeLoginFile(autostartFile(), []byte(launchAgent(exe)))
}

func disableAutostart() error { return removeLoginFile(autostartFile()) }

func autostartEnabled() bool { return fileExists(autostartFile()) }
