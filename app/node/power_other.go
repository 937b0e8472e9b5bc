//go:build !linux && !darwin && !windows

package node

// onACPower: this OS is not asked; the node never holds for power.
func onACPower() (onAC, known bool) { return true, false }
