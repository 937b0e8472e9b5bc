//go:build linux

package platform

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// On Linux the login item is an XDG autostart entry under $XDG_CONFIG_HOME (else ~/.config):
// enabling writes it with the program quoted per the Desktop Entry spec, enabling again
// replaces it, disabling removes it, and disabling twice is fine.
func TestAutostartLinux(t *testing.T) {
	for _, tt := range []struct {
		name, xdg, exe, wantExec string
	}{
		{"xdg config home", "cfg", "/opt/swarmdesk/swarmdesk", `Exec="/opt/swarmdesk/swarmdesk"`},
		{"home fallback, odd path", "", `/home/a b/$x "100%"/sd`, `Exec="/home/a b/\$x \"100%%\"/sd"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			t.Setenv("HOME", home)
			want := filepath.Join(home, ".config", "autostart", AppID+".desktop")
			if tt.xdg != "" {
				t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, tt.xdg))
				want = filepath.Join(home, tt.xdg, "autostart", AppID+".desktop")
			} else {
				t.Setenv("XDG_CONFIG_HOME", "")
			}
			if AutostartEnabled() {
				t.Fatal("enabled before EnableAutostart")
			}
			for range 2 {
				if err := EnableAutostart(tt.exe); err != nil {
					t.Fatal(err)
				}
			}
			b, err := os.ReadFile(want)
			if err != nil {
				t.Fatalf("no entry at %s: %v", want, err)
			}
			if !strings.Contains(string(b), "\n"+tt.wantExec+"\n") || !strings.HasPrefix(string(b), "[Desktop Entry]\nType=Application\n") {
				t.Fatalf("entry:\n%s\nwant line %s", b, tt.wantExec)
			}
			if !AutostartEnabled() {
				t.Fatal("not enabled after EnableAutostart")
			}
			for range 2 {
				if err := DisableAutostart(); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := os.Stat(want); !os.IsNotExist(err) || AutostartEnabled() {
				t.Fatalf("entry still there after DisableAutostart: %v", err)
			}
		})
	}
	if err := EnableAutostart("swarmdesk"); err == nil {
		t.Fatal("a relative program path was accepted")
	}
}

// The macOS LaunchAgent escapes the path as XML and starts the program at load.
func TestLaunchAgent(t *testing.T) {
	got := launchAgent("/Applications/A&B <x>.app/Contents/MacOS/swarmdesk")
	for _, want := range []string{"<string>/Applications/A&amp;B &lt;x&gt;.app/Contents/MacOS/swarmdesk</string>",
		"<key>RunAtLoad</key>\n\t<true/>", "<string>" + AppID + "</string>"} {
		if !strings.Contains(got, want) {
			t.Errorf("plist lacks %q:\n%s", want, got)
		}
	}
}
