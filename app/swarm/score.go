package swarm

import (
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/peer"
)

// Score thresholds. A peer below gossipThreshold gets no gossip from us,
// below publishThreshold none of our publications, and below
// graylistThreshold its messages are ignored entirely.
const (
	gossipThreshold   = -100
	publishThreshold  = -200
	graylistThreshold = -400
)

// scoreParams returns gossipsub peer-scoring parameters for our single topic.
// The weights are chosen so that ~7 rejected messages (P4 counts squared,
// weight -10) push a peer past the gossip threshold and ~10 past the
// publish threshold, while honest first deliveries earn a small bonus.
// IP colocation is disabled on purpose: many home users share one NAT IP.
func scoreParams(topic string, app func(peer.ID) float64) (*pubsub.PeerScoreParams, *pubsub.PeerScoreThresholds) {
	tp := &pubsub.TopicScoreParams{
		SkipAtomicValidation:           true,
		TopicWeight:                    1,
		TimeInMeshWeight:               0.01,
		TimeInMeshQuantum:              time.Second,
		TimeInMeshCap:                  100,
		FirstMessageDeliveriesWeight:   1,
		FirstMessageDeliveriesDecay:    0.9,
		FirstMessageDeliveriesCap:      50,
		InvalidMessageDeliveriesWeight: -10,
		InvalidMessageDeliveriesDecay:  0.99,
	}
	p := &pubsub.PeerScoreParams{
		SkipAtomicValidation:      true,
		Topics:                    map[string]*pubsub.TopicScoreParams{topic: tp},
		TopicScoreCap:             100,
		AppSpecificScore:          app,
		AppSpecificWeight:         1,
		BehaviourPenaltyWeight:    -1,
		BehaviourPenaltyThreshold: 6,
		BehaviourPenaltyDecay:     0.9,
		DecayInterval:             time.Second,
		DecayToZero:               0.01,
		RetainScore:               10 * time.Minute,
	}
	th := &pubsub.PeerScoreThresholds{
		GossipThreshold:             gossipThreshold,
		PublishThreshold:            publishThreshold,
		GraylistThreshold:           graylistThreshold,
		AcceptPXThreshold:           10,
		OpportunisticGraftThreshold: 5,
	}
	return p, th
}
