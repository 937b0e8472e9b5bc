package platform

import (
	"testing"
	"time"
)

// ioreg output as macOS prints it: `ioreg -r -d 1 -c IOHIDSystem` and, with the tree prefixes,
// plain `ioreg -c IOHIDSystem`.
const (
	ioregRooted = `+-o IOHIDSystem  <class IOHIDSystem, id 0x100000459, registered, matched, active, busy 0 (0 ms), retain 29>
    {
      "IOClass" = "IOHIDSystem"
      "CFBundleIdentifier" = "com.apple.iokit.IOHIDFamily"
      "IOProviderClass" = "IOResources"
      "HIDParameters" = {"HIDClickTime"=500000000,"HIDKeyRepeat"=83333333,"HIDInitialKeyRepeat"=250000000}
      "HIDIdleTime" = 1573924416
      "IOMatchCategory" = "IOHIDSystem"
      "HIDScrollCountMinDeltaToStart" = 30
    }
`
	ioregTree = `+-o Root  <class IORegistryEntry, id 0x100000100, retain 30>
  +-o MacBookPro18,3  <class IOPlatformExpertDevice, id 0x100000110, registered, matched, active, busy 0 (143 ms), retain 40>
    +-o IOResources  <class IOResources, id 0x100000113, registered, matched, active, busy 0 (0 ms), retain 41>
      +-o IOHIDSystem  <class IOHIDSystem, id 0x10000052f, registered, matched, active, busy 0 (0 ms), retain 33>
      | {
      |   "IOClass" = "IOHIDSystem"
      |   "HIDIdleTime" = 302000000000
      | }
      |
      +-o IOHIDSystem  <class IOHIDSystem, id 0x100000530, registered, matched, active, busy 0 (0 ms), retain 12>
          {
            "HIDIdleTime" = 7000000000
          }
`
)

func TestIdleParseHIDIdleTime(t *testing.T) {
	tests := []struct {
		name  string
		out   string
		idle  time.Duration
		known bool
	}{
		{"rooted", ioregRooted, 1573924416, true},
		{"tree, shortest of two wins", ioregTree, 7 * time.Second, true},
		{"no key", "+-o IOHIDSystem  <class IOHIDSystem>\n    {\n      \"IOClass\" = \"IOHIDSystem\"\n    }\n", 0, false},
		{"not a number", `      "HIDIdleTime" = <00a1b2c3>`, 0, false},
		{"empty", "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idle, known := parseHIDIdleTime([]byte(tt.out))
			if idle != tt.idle || known != tt.known {
				t.Fatalf("got (%s, %v), want (%s, %v)", idle, known, tt.idle, tt.known)
			}
		})
	}
}

func TestIdleTickIdle(t *testing.T) {
	tests := []struct {
		name string
		now  uint64
		last uint32
		want time.Duration
	}{
		{"plain", 10_000, 4_000, 6 * time.Second},
		{"64-bit count past 2^32", 1<<32 + 5_000, 2_000, 3 * time.Second},
		{"last input before the 32-bit wrap", 1<<32 + 1_000, 1<<32 - 1_000, 2 * time.Second},
		{"input right now", 1 << 40, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tickIdle(tt.now, tt.last); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestIdleScreenSaverUnit(t *testing.T) {
	tests := []struct {
		desktop string
		want    time.Duration
	}{
		{"KDE", time.Millisecond},
		{"kde", time.Millisecond},
		{"ubuntu:KDE", time.Millisecond},
		{"XFCE", time.Second},
		{"MATE", time.Second},
		{"", time.Second},
	}
	for _, tt := range tests {
		if got := screenSaverUnit(tt.desktop); got != tt.want {
			t.Errorf("%q: got %s, want %s", tt.desktop, got, tt.want)
		}
	}
}

func TestIdleLogind(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) uint64 { return uint64(now.Add(-d).UnixMicro()) }
	tests := []struct {
		name  string
		typ   string
		hint  bool
		since uint64
		idle  time.Duration
		known bool
	}{
		{"graphical, idle hint set", "wayland", true, ago(7 * time.Minute), 7 * time.Minute, true},
		{"graphical, hint cleared: in use", "x11", false, ago(time.Hour), 0, true},
		{"graphical, hint never set", "x11", false, 0, 0, false},
		{"tty: since is the last input", "tty", false, ago(3 * time.Minute), 3 * time.Minute, true},
		{"clock skew: since in the future", "tty", false, uint64(now.Add(time.Minute).UnixMicro()), 0, true},
		{"nonsense timestamp", "tty", true, 1 << 63, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idle, known := logindIdle(tt.typ, tt.hint, tt.since, now)
			if idle != tt.idle || known != tt.known {
				t.Fatalf("got (%s, %v), want (%s, %v)", idle, known, tt.idle, tt.known)
			}
		})
	}
}
