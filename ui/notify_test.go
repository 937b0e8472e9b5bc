package ui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
)

func init() {
	// Fyne's test driver records notifications itself (test.AssertNotificationSent): no session
	// bus is needed, and the build machine has none.
	notificationsAvailable = func() error { return nil }
}

// Without a session D-Bus the app says so once, not at every notification (every round).
func TestQuietSender(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		sent      int
		warnings  int
		warnsWith string
	}{
		{"bus available", nil, 3, 0, ""},
		{"no session bus", errors.New("dbus: DBUS_SESSION_BUS_ADDRESS not set"), 0, 1, "no session D-Bus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sent, asked := 0, 0
			var warnings []string
			send := quietSender(func(*fyne.Notification) { sent++ },
				func() error { asked++; return tt.err },
				func(s string) { warnings = append(warnings, s) })
			for range 3 {
				send(&fyne.Notification{Title: "Round done"})
			}
			if sent != tt.sent || len(warnings) != tt.warnings || asked != 1 {
				t.Fatalf("sent %d, warnings %q, bus asked %d times; want %d, %d warnings, asked once", sent, warnings, asked, tt.sent, tt.warnings)
			}
			if tt.warnsWith != "" && !strings.Contains(warnings[0], tt.warnsWith) {
				t.Fatalf("warning %q", warnings[0])
			}
		})
	}
}
