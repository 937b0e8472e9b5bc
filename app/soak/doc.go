// Package soak is swarmdesk's soak test with faults: a whole swarm on loopback — `swarmdesk
// host` (dev chain, round timer, bootnode) and N nodes running `swarmdesk run --headless` with
// the built-in demo model, each a real process (this package's test binary re-executing itself
// as the CLI) — played for R rounds while the test
//
//   - kills nodes with SIGKILL at seeded random moments inside generation, inside the training
//     step and during the submission (debug.phase_pause_ms makes the node pause and log at
//     fixed points inside those phases, so the kills really land there, and the test records
//     where each one landed), then restarts them;
//   - cuts one node off from all its swarm peers for several rounds (debug.cut_off_rounds: a
//     connection gater refuses and drops every libp2p connection; the chain stays reachable)
//     and lets it heal;
//   - restarts the host (chain and bootnode) in the middle of the run.
//
// It then checks, from the chain's events and the nodes' files: every round a node completed
// has its reward and vote on chain exactly once (and nothing else is on chain for it); no state
// file or checkpoint was ever unreadable (checked after every kill); every restarted node was
// back on the chain's round within one round; no rollout was lost between nodes that stayed
// connected (what each published against what the others received, per round and author,
// from rounds.jsonl). It prints a table of figures and writes it to test-output/soak/.
//
// The CI-sized run (6 nodes × 10 rounds) is part of `go test ./...`. The full run, 20 nodes ×
// 50 rounds, is
//
//	go test -run TestSoak -soak.full -timeout 40m ./app/soak
//
// (or scripts/soak.sh); -soak.seed picks another fault schedule, -soak.nodes and -soak.rounds
// other sizes.
package soak
