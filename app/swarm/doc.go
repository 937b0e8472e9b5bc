// Package swarm connects a swarmdesk node to its peers over go-libp2p and
// exchanges the per-round rollouts that RL-swarm style training shares
// (question, the node's answers, task/round/batch metadata).
//
// Why this shape:
//   - The libp2p host uses the node's swarm.pem identity (RSA-2048 in
//     rl-swarm), so the peer ID shown here is the one registered on chain.
//   - Rollouts travel over one GossipSub topic (measured: 20 loopback hosts
//     reach all-to-all delivery in well under a second, see bench_test.go)
//     with strict validators and peer scoring, and a small request/response
//     "sync" protocol lets a late joiner fetch a round it missed without
//     waiting on any single peer.
//   - Every rollout is wrapped in an Envelope signed by its author's key, so
//     rollouts can be relayed by third parties (sync) and still be verified.
//   - Exchange is the transport-neutral interface, so a hivemind-DHT backend
//     (compatibility with Python rl-swarm peers) can be added later.
//
// Bad input never crashes the node: oversized, malformed, forged, replayed,
// out-of-round and flooding messages are dropped, counted by reason (see
// Stats) and lower the sender's gossip score.
package swarm
