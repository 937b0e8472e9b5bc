package platform

import (
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// lastInputInfo is Win32's LASTINPUTINFO.
type lastInputInfo struct {
	cbSize uint32
	dwTime uint32 // tick count (ms) at the last input event of this session
}

var (
	procGetLastInputInfo = windows.NewLazySystemDLL("user32.dll").NewProc("GetLastInputInfo")
	procGetTickCount64   = windows.NewLazySystemDLL("kernel32.dll").NewProc("GetTickCount64")
)

// UserIdle calls GetLastInputInfo, which covers the interactive session the app runs in (a
// service in session 0 would see no input at all, but the app is not one).
func UserIdle() (idle time.Duration, known bool) {
	if procGetLastInputInfo.Find() != nil || procGetTickCount64.Find() != nil {
		return 0, false
	}
	li := lastInputInfo{cbSize: uint32(unsafe.Sizeof(lastInputInfo{}))}
	if r, _, _ := procGetLastInputInfo.Call(uintptr(unsafe.Pointer(&li))); r == 0 {
		return 0, false
	}
	// Only the low 32 bits are needed (see tickIdle), and they are in r1 on every
	// architecture, including 386 where the high half comes back in r2.
	now, _, _ := procGetTickCount64.Call()
	return tickIdle(uint64(now), li.dwTime), true
}
