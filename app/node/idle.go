package node

import (
	"context"
	"time"
)

// idleFunc reports how long the user has not touched keyboard or mouse; known is false where
// the OS does not say (a headless server, an unsupported desktop), and then the node never
// holds for user activity — idle_only must not stop a machine nobody sits at.
type idleFunc func() (idle time.Duration, known bool)

// watchIdle holds the gate while someone uses the computer — input within cfg.IdleAfter —
// checking every cfg.IdleCheckEvery until ctx ends. It only runs with Config.IdleOnly. Like
// watchPower, the first look happens before it returns and the rest in the background. A
// user coming back mid-round is honoured at the loop's next safe point, as with a Pause.
func (n *Node) watchIdle(ctx context.Context) {
	active, told := false, false
	check := func() {
		idle, known := n.deps.idle()
		if !known && !told {
			n.log().Warn("idle detection unavailable on this system: resources.idle_only has no effect, training continues")
			told = true
		}
		now := known && idle < n.cfg.IdleAfter
		if now == active {
			return
		}
		n.gate.set(holdUserActive, now)
		if now {
			n.log().Info("computer in use: training paused until it has been idle for "+n.cfg.IdleAfter.String()+" (resources.idle_only)",
				"idle", idle.Round(time.Second).String())
		} else if known {
			n.log().Info("computer idle: training continues", "idle", idle.Round(time.Second).String())
		} else {
			n.log().Info("idle time no longer reported: training continues")
		}
		active = now
	}
	check()
	go poll(ctx, n.cfg.IdleCheckEvery, check)
}
