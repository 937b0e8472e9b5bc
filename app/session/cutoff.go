package session

import (
	"sync/atomic"

	"github.com/swarmdesk/swarmdesk/app/config"
	"github.com/swarmdesk/swarmdesk/app/swarm"
)

// cutOff is the swarm's Config.CutOff for debug.cut_off_rounds (nil when it is empty): true
// while the round the swarm node follows from the chain lies in the range. The node is set
// once swarm.New returns; until then the node is not cut off.
func cutOff(d config.Debug, sw *atomic.Pointer[swarm.Node]) (func() bool, error) {
	from, to, ok, err := d.CutOff()
	if err != nil || !ok {
		return nil, err
	}
	return func() bool {
		n := sw.Load()
		if n == nil {
			return false
		}
		r := n.Round()
		return r >= from && r <= to
	}, nil
}
