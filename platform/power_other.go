//go:build !linux && !darwin && !windows

package platform

// OnACPower: this OS is not asked; the node never holds for power.
func OnACPower() (onAC, known bool) { return true, false }
