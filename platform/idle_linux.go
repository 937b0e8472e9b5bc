package platform

import (
	"context"
	"os"
	"time"

	"github.com/godbus/dbus/v5"
)

// UserIdle asks, in order, GNOME's Mutter idle monitor and org.freedesktop.ScreenSaver (KDE on
// X11, MATE, Xfce…) on the session bus, then logind's view of this session on the system bus.
// Each bus gets a private connection that lives for one look and idleProbeTimeout at most, so
// a hung service cannot stall the watcher and nothing is shared with other D-Bus users in the
// process (the keyring). The session bus is never auto-launched: on a headless machine that
// would start a dbus-daemon just to learn that nobody is there. Calls carry NoAutoStart for
// the same reason: asking must not activate a screensaver the desktop does not run.
func UserIdle() (idle time.Duration, known bool) {
	if d, ok := sessionBusIdle(); ok {
		return d, true
	}
	return logindSessionIdle()
}

// privateBus connects (authenticates and says Hello) with dial, bounded by ctx; the connection
// closes by itself when ctx ends.
func privateBus(ctx context.Context, dial func(...dbus.ConnOption) (*dbus.Conn, error)) (*dbus.Conn, error) {
	conn, err := dial(dbus.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	if err := conn.Auth(nil); err != nil {
		_ = conn.Close()
		return nil, err
	}
	if err := conn.Hello(); err != nil {
		_ = conn.Close()
		return nil, err
	}
	return conn, nil
}

// sessionBusIdle asks the desktop's own idle monitors.
func sessionBusIdle() (time.Duration, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), idleProbeTimeout)
	defer cancel()
	conn, err := privateBus(ctx, dbus.SessionBusPrivateNoAutoStartup)
	if err != nil {
		return 0, false
	}
	defer func() { _ = conn.Close() }()
	var ms uint64
	err = conn.Object("org.gnome.Mutter.IdleMonitor", "/org/gnome/Mutter/IdleMonitor/Core").
		CallWithContext(ctx, "org.gnome.Mutter.IdleMonitor.GetIdletime", dbus.FlagNoAutoStart).Store(&ms)
	if err == nil {
		return time.Duration(ms) * time.Millisecond, true
	}
	unit := screenSaverUnit(os.Getenv("XDG_CURRENT_DESKTOP"))
	for _, path := range []dbus.ObjectPath{"/org/freedesktop/ScreenSaver", "/ScreenSaver"} {
		var n uint32
		err := conn.Object("org.freedesktop.ScreenSaver", path).
			CallWithContext(ctx, "org.freedesktop.ScreenSaver.GetSessionIdleTime", dbus.FlagNoAutoStart).Store(&n)
		if err == nil {
			return time.Duration(n) * unit, true
		}
		if ctx.Err() != nil {
			break
		}
	}
	return 0, false
}

// logindSessionIdle reads the idle hint of the caller's session (or, outside one, the user's
// display session: logind's "auto").
func logindSessionIdle() (time.Duration, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), idleProbeTimeout)
	defer cancel()
	conn, err := privateBus(ctx, dbus.SystemBusPrivate)
	if err != nil {
		return 0, false
	}
	defer func() { _ = conn.Close() }()
	var props map[string]dbus.Variant
	err = conn.Object("org.freedesktop.login1", "/org/freedesktop/login1/session/auto").
		CallWithContext(ctx, "org.freedesktop.DBus.Properties.GetAll", dbus.FlagNoAutoStart, "org.freedesktop.login1.Session").Store(&props)
	if err != nil {
		return 0, false
	}
	typ, _ := props["Type"].Value().(string)
	hint, ok1 := props["IdleHint"].Value().(bool)
	since, ok2 := props["IdleSinceHint"].Value().(uint64)
	if !ok1 || !ok2 {
		return 0, false
	}
	return logindIdle(typ, hint, since, time.Now())
}
