package node

import (
	"context"
	"sync"
)

// gate is the pause switch: the round loop calls wait at every safe point and blocks there,
// without using the CPU, while the user paused the node or the power policy holds it.
type gate struct {
	mu      sync.Mutex
	paused  bool          // the user's Pause
	battery bool          // on battery with ACPowerOnly set
	changed chan struct{} // closed and replaced on every change
}

func newGate() *gate { return &gate{changed: make(chan struct{})} }

// set changes one of the two switches and wakes every waiter.
func (g *gate) set(paused, battery *bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if paused != nil {
		g.paused = *paused
	}
	if battery != nil {
		g.battery = *battery
	}
	close(g.changed)
	g.changed = make(chan struct{})
}

// status returns the switches and a channel closed at the next change.
func (g *gate) status() (paused, battery bool, changed <-chan struct{}) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.paused, g.battery, g.changed
}

// blocked reports whether the loop must hold.
func (g *gate) blocked() bool {
	p, b, _ := g.status()
	return p || b
}

// wait returns once the gate is open, or ctx's error. onHold is called with the reason before
// each block (again when the reason changes), so the node can report its state.
func (g *gate) wait(ctx context.Context, onHold func(paused, battery bool)) error {
	for {
		p, b, ch := g.status()
		if !p && !b {
			return ctx.Err()
		}
		if onHold != nil {
			onHold(p, b)
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
			p, b, ch := g.status()
			if p || b {
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
