package platform

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// AppID is the reverse-DNS application ID; macOS folders and the desktop entry use it.
const AppID = "io.swarmdesk.app"

// appName is the folder name on Linux and Windows, where reverse-DNS names are not the custom.
const appName = "swarmdesk"

// Dirs are the per-user folders the app writes to. The install folder is never written to, so the
// app runs as a normal user from a read-only install.
type Dirs struct {
	Config string // config.toml
	Data   string // identity fallback store, checkpoints, metrics, chain state
	Cache  string // re-creatable files (compiled kernels, downloads in progress)
}

// Getenv reads one environment variable; tests pass a map-backed one.
type Getenv func(string) string

// AppDirs returns the folders for this OS and user. SWARMDESK_HOME puts all three under one folder,
// which is what a portable install, a second node on the same machine, or a test wants.
func AppDirs() (Dirs, error) {
	home, err := os.UserHomeDir()
	if err != nil && os.Getenv("SWARMDESK_HOME") == "" {
		return Dirs{}, fmt.Errorf("find the home folder: %w (set SWARMDESK_HOME to choose where swarmdesk keeps its files)", err)
	}
	return DirsFor(runtime.GOOS, os.Getenv, home)
}

// DirsFor computes the folders for goos from env and home, without touching the file system.
func DirsFor(goos string, env Getenv, home string) (Dirs, error) {
	if root := env("SWARMDESK_HOME"); root != "" {
		return Dirs{
			Config: filepath.Join(root, "config"),
			Data:   filepath.Join(root, "data"),
			Cache:  filepath.Join(root, "cache"),
		}, nil
	}
	if home == "" {
		return Dirs{}, errors.New("no home folder (set SWARMDESK_HOME to choose where swarmdesk keeps its files)")
	}
	switch goos {
	case "darwin":
		support := filepath.Join(home, "Library", "Application Support", AppID)
		return Dirs{
			Config: support,
			Data:   support,
			Cache:  filepath.Join(home, "Library", "Caches", AppID),
		}, nil
	case "windows":
		roaming := env("APPDATA")
		if roaming == "" {
			roaming = filepath.Join(home, "AppData", "Roaming")
		}
		local := env("LOCALAPPDATA")
		if local == "" {
			local = filepath.Join(home, "AppData", "Local")
		}
		return Dirs{
			Config: filepath.Join(roaming, appName),
			Data:   filepath.Join(local, appName),
			Cache:  filepath.Join(local, appName, "cache"),
		}, nil
	default: // Linux and the BSDs follow the XDG base directory spec.
		return Dirs{
			Config: filepath.Join(xdg(env, "XDG_CONFIG_HOME", home, ".config"), appName),
			Data:   filepath.Join(xdg(env, "XDG_DATA_HOME", home, ".local/share"), appName),
			Cache:  filepath.Join(xdg(env, "XDG_CACHE_HOME", home, ".cache"), appName),
		}, nil
	}
}

// xdg returns $name when it is an absolute path (the spec says relative values are invalid and
// must be ignored), else home/fallback.
func xdg(env Getenv, name, home, fallback string) string {
	if v := env(name); v != "" && filepath.IsAbs(v) {
		return v
	}
	return filepath.Join(home, filepath.FromSlash(fallback))
}

// Ensure creates the folders with owner-only permissions.
func (d Dirs) Ensure() error {
	for _, p := range []string{d.Config, d.Data, d.Cache} {
		if err := os.MkdirAll(p, 0o700); err != nil {
			return fmt.Errorf("create %s: %w", p, err)
		}
	}
	return nil
}
