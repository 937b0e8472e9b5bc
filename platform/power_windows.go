package platform

import (
	"syscall"
	"unsafe"
)

// systemPowerStatus is Win32's SYSTEM_POWER_STATUS.
type systemPowerStatus struct {
	ACLineStatus        byte // 0 offline, 1 online, 255 unknown
	BatteryFlag         byte // 128 = no system battery
	BatteryLifePercent  byte
	SystemStatusFlag    byte
	BatteryLifeTime     uint32
	BatteryFullLifeTime uint32
}

var getSystemPowerStatus = syscall.NewLazyDLL("kernel32.dll").NewProc("GetSystemPowerStatus")

// OnACPower calls GetSystemPowerStatus.
func OnACPower() (onAC, known bool) {
	var s systemPowerStatus
	if r, _, _ := getSystemPowerStatus.Call(uintptr(unsafe.Pointer(&s))); r == 0 {
		return true, false
	}
	switch {
	case s.BatteryFlag == 128 || s.ACLineStatus == 255:
		return true, false
	default:
		return s.ACLineStatus == 1, true
	}
}
