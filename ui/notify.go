package ui

import (
	"fmt"
	"os"
	"sync"

	"fyne.io/fyne/v2"
)

// quietSender sends notifications through send while the desktop can show them. available is
// asked once, before the first notification: where it fails (Linux without a session D-Bus, as
// on a server or in a bare X session) warn says so once and every notification is dropped —
// Fyne itself would print "Fyne error: Unable to connect to session D-Bus" for every one, which
// is every round.
func quietSender(send func(*fyne.Notification), available func() error, warn func(string)) func(*fyne.Notification) {
	var once sync.Once
	ok := true
	return func(n *fyne.Notification) {
		once.Do(func() {
			if err := available(); err != nil {
				ok = false
				warn(fmt.Sprintf("desktop notifications are off: no session D-Bus (%v); the window and tray still show everything", err))
			}
		})
		if ok {
			send(n)
		}
	}
}

// notificationsAvailable says whether the desktop can show notifications; screen tests, which
// run on Fyne's test driver, replace it.
var notificationsAvailable = sessionBusAvailable

// appNotifications is the real sender of the app's notifications.
func appNotifications() func(*fyne.Notification) {
	return quietSender(func(n *fyne.Notification) { fyne.CurrentApp().SendNotification(n) }, notificationsAvailable,
		func(msg string) { fmt.Fprintln(os.Stderr, "swarmdesk:", msg) })
}
