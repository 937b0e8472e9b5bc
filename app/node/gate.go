package node

import (
	"context"
	"sync"
)

// hold is a set of reasons the round loop must stop at its next safe point. Several can hold
// at once (the user pauses a laptop that is also on battery), and the loop goes on only when
// every one is lifted, so each watcher clears just its own reason without knowing the others.
type hold uint8

// Hold reasons, highest priority first: the state shown is that of the first one set, because
// the user's own Pause explains a hold better than a resource policy does.
const (
	holdPaused     hold = 1 << iota // the user's Pause
	holdBattery                     // on battery with Config.ACPowerOnly
	holdUserActive                  // someone uses the computer with Config.IdleOnly
)

// state is the node state that reports the hold; StateRunning for none.
func (h hold) state() State {
	switch {
	case h&holdPaused != 0:
		return StatePaused
	case h&holdBattery != 0:
		return StateOnBattery
	case h&holdUserActive != 0:
		return StateUserActive
	}
	return StateRunning
}

// gate is the pause switch: the round loop calls wait at every safe point and blocks there,
// without using the CPU, while any hold reason is set.
type gate struct {
	mu      sync.Mutex
	holds   hold
	changed chan struct{} // closed and replaced on every change
}

func newGate() *gate { return &gate{changed: make(chan struct{})} }

// set sets or clears one hold reason and, if that changed anything, wakes every waiter.
func (g *gate) set(r hold, on bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	h := g.holds &^ r
	if on {
		h |= r
	}
	if h == g.holds {
		return
	}
	g.holds = h
	close(g.changed)
	g.changed = make(chan struct{})
}

// status returns the reasons set and a channel closed at the next change.
func (g *gate) status() (hold, <-chan struct{}) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.holds, g.changed
}

// blocked reports whether the loop must hold.
func (g *gate) blocked() bool {
	h, _ := g.status()
	return h != 0
}

// wait returns once the gate is open, or ctx's error. onHold is called with the reasons before
// each block (again whenever they change), so the node can report its state.
func (g *gate) wait(ctx context.Context, onHold func(hold)) error {
	for {
		h, ch := g.status()
		if h == 0 {
			return ctx.Err()
		}
		if onHold != nil {
			onHold(h)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

// holdContext returns a context that is cancelled when the gate closes (or parent ends), so a
// long wait — gathering, waiting for the next round — gives way to a pause at once.
func (g *gate) holdContext(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	go func() {
		for {
			h, ch := g.status()
			if h != 0 {
				cancel()
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-ch:
			}
		}
	}()
	return ctx, cancel
}
