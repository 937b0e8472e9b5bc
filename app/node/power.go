package node

import (
	"context"
	"time"
)

// powerFunc reports whether the computer runs on AC power; known is false where the OS does not
// say (then the node never holds for power).
type powerFunc func() (onAC, known bool)

// watchPower holds the gate while on battery, checking every cfg.PowerCheckEvery until ctx ends.
// It only runs with Config.ACPowerOnly.
func (n *Node) watchPower(ctx context.Context) {
	t := time.NewTicker(n.cfg.PowerCheckEvery)
	defer t.Stop()
	last := false
	for {
		onAC, known := n.deps.power()
		battery := known && !onAC
		if battery != last {
			n.gate.set(nil, &battery)
			if battery {
				n.log().Info("on battery: training paused until AC power returns (resources.ac_power_only)")
			} else {
				n.log().Info("on AC power again: training continues")
			}
			last = battery
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
