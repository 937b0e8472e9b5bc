//go:build windows

package platform

import (
	"os"

	"golang.org/x/sys/windows"
)

// AttachParentConsole connects a GUI-subsystem binary (built with -H=windowsgui, so that a
// double-click opens no console window) to the console of the shell that started it, so that
// `swarmdesk identity show` prints in cmd.exe and PowerShell. Without a parent console it does
// nothing.
func AttachParentConsole() {
	proc := windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")
	const attachParentProcess = ^uintptr(0) // (DWORD)-1
	if r, _, _ := proc.Call(attachParentProcess); r == 0 {
		return
	}
	if f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
		os.Stdout, os.Stderr = f, f
	}
	if f, err := os.OpenFile("CONIN$", os.O_RDONLY, 0); err == nil {
		os.Stdin = f
	}
}
