package platform

import (
	"bufio"
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// mutterFake and screenSaverFake answer like GNOME's idle monitor and the ScreenSaver service.
type mutterFake struct{ ms uint64 }

func (m mutterFake) GetIdletime() (uint64, *dbus.Error) { return m.ms, nil }

type screenSaverFake struct{ n uint32 }

func (s screenSaverFake) GetSessionIdleTime() (uint32, *dbus.Error) { return s.n, nil }

// privateSessionBus starts a throwaway dbus-daemon and points DBUS_SESSION_BUS_ADDRESS at it;
// the test is skipped where dbus-daemon is not installed.
func privateSessionBus(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("dbus-daemon")
	if err != nil {
		t.Skip("no dbus-daemon")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "--session", "--nofork", "--nopidfile", "--print-address=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		cancel()
		t.Skipf("dbus-daemon does not start: %v", err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the bus address: %v", err)
	}
	addr = strings.TrimSpace(addr)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	return addr
}

// serve owns name on the bus at addr and exports v at each path.
func serve(t *testing.T, addr, name, iface string, v any, paths ...dbus.ObjectPath) {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	for _, p := range paths {
		if err := conn.Export(v, p, iface); err != nil {
			t.Fatal(err)
		}
	}
	if r, err := conn.RequestName(name, dbus.NameFlagDoNotQueue); err != nil || r != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("owning %s: %v %v", name, r, err)
	}
}

// The session-bus probe speaks the real protocol: Mutter first, then ScreenSaver in the
// desktop's unit, and nothing known when neither service is there.
func TestIdleSessionBus(t *testing.T) {
	tests := []struct {
		name    string
		mutter  *mutterFake
		saver   *screenSaverFake
		desktop string
		idle    time.Duration
		known   bool
	}{
		{"gnome", &mutterFake{ms: 90_500}, &screenSaverFake{n: 1}, "GNOME", 90500 * time.Millisecond, true},
		{"screensaver in seconds", nil, &screenSaverFake{n: 42}, "XFCE", 42 * time.Second, true},
		{"kde answers milliseconds", nil, &screenSaverFake{n: 4200}, "KDE", 4200 * time.Millisecond, true},
		{"nobody answers", nil, nil, "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := privateSessionBus(t)
			t.Setenv("XDG_CURRENT_DESKTOP", tt.desktop)
			if tt.mutter != nil {
				serve(t, addr, "org.gnome.Mutter.IdleMonitor", "org.gnome.Mutter.IdleMonitor", *tt.mutter, "/org/gnome/Mutter/IdleMonitor/Core")
			}
			if tt.saver != nil {
				serve(t, addr, "org.freedesktop.ScreenSaver", "org.freedesktop.ScreenSaver", *tt.saver, "/ScreenSaver")
			}
			t0 := time.Now()
			idle, known := sessionBusIdle()
			if idle != tt.idle || known != tt.known {
				t.Fatalf("got (%s, %v), want (%s, %v)", idle, known, tt.idle, tt.known)
			}
			if d := time.Since(t0); d > idleProbeTimeout {
				t.Fatalf("probe took %s", d)
			}
		})
	}
}
