package platform

import (
	"os"
	"path/filepath"
	"strings"
)

// sysfsPower reads Linux's power-supply class (root is /sys/class/power_supply). A machine with
// no battery is on mains by definition, so it is reported as unknown: the node never holds.
func sysfsPower(root string) (onAC, known bool) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return true, false
	}
	read := func(dir, name string) string {
		b, err := os.ReadFile(filepath.Join(root, dir, name))
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(b))
	}
	battery, discharging, online := false, false, false
	for _, e := range entries {
		switch read(e.Name(), "type") {
		case "Battery":
			battery = true
			if read(e.Name(), "status") == "Discharging" {
				discharging = true
			}
		case "Mains", "USB", "USB_C", "USB_PD", "USB_PD_DRP", "Wireless":
			if read(e.Name(), "online") == "1" {
				online = true
			}
		}
	}
	switch {
	case !battery:
		return true, false
	case online:
		return true, true
	default:
		return !discharging, true
	}
}
