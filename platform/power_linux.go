package platform

// OnACPower reads /sys/class/power_supply.
func OnACPower() (onAC, known bool) { return sysfsPower("/sys/class/power_supply") }
