package platform

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
	"time"
)

// idleProbeTimeout bounds one question to the OS (a D-Bus call, ioreg), so a hung desktop
// service delays the next look instead of piling up.
const idleProbeTimeout = 2 * time.Second

// The OS answers below are interpreted by pure functions, compiled on every OS, so the tests
// on any machine cover the parsing of each platform's answer.

// parseHIDIdleTime reads HIDIdleTime (nanoseconds since the last keyboard, mouse or trackpad
// event) from `ioreg -c IOHIDSystem` output, a line like `  |   "HIDIdleTime" = 1234567890`.
// Should there be several IOHIDSystem entries, the shortest idle time wins: any recent input
// means someone is there.
func parseHIDIdleTime(out []byte) (idle time.Duration, known bool) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		i := strings.Index(line, `"HIDIdleTime"`)
		if i < 0 {
			continue
		}
		_, v, ok := strings.Cut(line[i:], "=")
		if !ok {
			continue
		}
		ns, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
		if err != nil || ns > uint64(1<<63-1) {
			continue
		}
		if d := time.Duration(ns); !known || d < idle {
			idle, known = d, true
		}
	}
	return idle, known
}

// tickIdle is Windows' idle time: the tick count now minus GetLastInputInfo's tick of the last
// input. That one is 32-bit and wraps every 49.7 days, so the difference is taken in 32 bits
// (correct across a wrap, as Microsoft documents) rather than against the 64-bit count.
func tickIdle(nowTicks uint64, lastInput uint32) time.Duration {
	return time.Duration(uint32(nowTicks)-lastInput) * time.Millisecond
}

// screenSaverUnit is the unit of org.freedesktop.ScreenSaver.GetSessionIdleTime's answer. The
// draft spec says seconds and most implementations follow it, but KDE's (the main one on X11)
// returns KIdleTime's milliseconds; misreading it as seconds would make a busy user look idle
// after a fraction of a second, so KDE is told apart by XDG_CURRENT_DESKTOP.
func screenSaverUnit(desktop string) time.Duration {
	for d := range strings.SplitSeq(desktop, ":") {
		if strings.EqualFold(d, "KDE") {
			return time.Millisecond
		}
	}
	return time.Second
}

// logindIdle interprets a logind session's Type, IdleHint and IdleSinceHint (µs since the Unix
// epoch) at now. For a text (tty) session logind derives both from the terminal's last input,
// so IdleSinceHint is the last input itself. A graphical session's hint is set by the desktop
// (typically after its own idle delay), and IdleSinceHint is when the hint last changed: idle
// since then if set, in use if cleared. A hint never set (timestamp 0) says nothing — many
// desktops do not maintain it — so it is unknown rather than "in use forever".
func logindIdle(typ string, hint bool, sinceUsec uint64, now time.Time) (idle time.Duration, known bool) {
	if sinceUsec == 0 || sinceUsec > uint64(1<<62) {
		return 0, false
	}
	since := time.UnixMicro(int64(sinceUsec))
	elapsed := max(now.Sub(since), 0)
	switch {
	case typ == "tty" || hint:
		return elapsed, true
	default:
		return 0, true
	}
}
