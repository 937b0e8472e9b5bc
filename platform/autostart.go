package platform

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// AutostartName is what the login item is called where the OS shows it.
const AutostartName = "swarmdesk"

// EnableAutostart makes the OS open exe when the user logs in (desktop.start_at_login): an XDG
// autostart entry on Linux, a LaunchAgent on macOS, the Run key of the registry on Windows. These
// are per-user and need no administrator rights. Enabling twice replaces the entry (the program
// may have moved).
func EnableAutostart(exe string) error {
	if exe == "" || !filepath.IsAbs(exe) {
		return fmt.Errorf("start at login: %q is not an absolute program path", exe)
	}
	return enableAutostart(exe)
}

// DisableAutostart removes the login item; removing a missing one is not an error.
func DisableAutostart() error { return disableAutostart() }

// AutostartEnabled reports whether the login item exists.
func AutostartEnabled() bool { return autostartEnabled() }

// writeLoginFile writes a per-user login file (Linux, macOS) readable only by the user.
func writeLoginFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("start at login: create %s: %w", filepath.Dir(path), err)
	}
	if err := WriteFileAtomic(path, data, 0o600); err != nil {
		return fmt.Errorf("start at login: %w", err)
	}
	return nil
}

// removeLoginFile deletes a login file, tolerating one that is already gone.
func removeLoginFile(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("start at login: remove %s: %w", path, err)
	}
	return nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// desktopEntry is the XDG autostart file for exe. Exec quoting follows the Desktop Entry spec:
// the path is double-quoted with ", `, $ and \ escaped, and % doubled.
func desktopEntry(exe string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "`", "\\`", `$`, `\$`, `%`, `%%`)
	return "[Desktop Entry]\nType=Application\nName=" + AutostartName +
		"\nComment=Train with your swarm in the background\nExec=\"" + r.Replace(exe) + "\"\n" +
		"Terminal=false\nX-GNOME-Autostart-enabled=true\n"
}

// launchAgent is the macOS LaunchAgent plist that starts exe at login.
func launchAgent(exe string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")
	return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>` + AppID + `</string>
	<key>ProgramArguments</key>
	<array>
		<string>` + r.Replace(exe) + `</string>
	</array>
	<key>RunAtLoad</key>
	<true/>
	<key>ProcessType</key>
	<string>Interactive</string>
</dict>
</plist>
`
}
