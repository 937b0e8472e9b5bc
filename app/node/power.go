package node

import (
	"context"
	"time"
)

// powerFunc reports whether the computer runs on AC power; known is false where the OS does not
// say (then the node never holds for power).
type powerFunc func() (onAC, known bool)

// watchPower holds the gate while on battery, checking every cfg.PowerCheckEvery until ctx ends.
// It only runs with Config.ACPowerOnly. The first look happens before it returns, so the very
// first round already respects the policy; later looks run in the background.
func (n *Node) watchPower(ctx context.Context) {
	last := false
	check := func() {
		onAC, known := n.deps.power()
		battery := known && !onAC
		if battery == last {
			return
		}
		n.gate.set(holdBattery, battery)
		if battery {
			n.log().Info("on battery: training paused until AC power returns (resources.ac_power_only)")
		} else {
			n.log().Info("on AC power again: training continues")
		}
		last = battery
	}
	check()
	go poll(ctx, n.cfg.PowerCheckEvery, check)
}

// poll calls check every interval until ctx ends.
func poll(ctx context.Context, every time.Duration, check func()) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			check()
		}
	}
}
