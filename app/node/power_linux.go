package node

// onACPower reads /sys/class/power_supply.
func onACPower() (onAC, known bool) { return sysfsPower("/sys/class/power_supply") }
