// Package node is the job a participant's machine does all day: the swarm round loop.
//
// Every round of the coordinator contract the node
//
//  1. draws its questions (app/tasks, seeded by round and peer ID, so a replayed round asks the
//     same questions),
//  2. answers each one several times with its model (ChatML with tasks.SystemPrompt),
//  3. publishes the answers to its peers (app/swarm),
//  4. gathers the peers' answers until a deadline and adopts up to Config.Adopt of their question
//     groups (SAPO),
//  5. scores every answer itself with tasks.Score — a peer's claimed rewards or log-probs are
//     never used; adopted answers are re-tokenised and their log-probs recomputed by the local
//     model,
//  6. takes one GRPO step (engine/train) on its own and the adopted groups,
//  7. checkpoints the weights, the optimizer and its own state, and
//  8. sends its reward and its vote for the best peer to the chain (app/chain), every round or in
//     batches (Config.SubmitEvery, rl-swarm batches every 3 hours).
//
// It follows rl-swarm's loop (../shared/research/rlswarm.md §1.3) and fixes its known flaws:
//
//   - The round always comes from the chain's currentRound, never a local counter, and the node
//     shares under the round it actually plays (rl-swarm keys its DHT by a local counter that goes
//     stale after a skip). A node slower than the round finishes the round it started (its work and
//     reward are not lost), skips sharing when its peers have moved past that round, and then joins
//     the chain's current round; skipped rounds are counted in the metrics.
//   - Peers' data is untrusted: a rollout is adopted only if its question regenerates exactly from
//     its (task, seed, level), it has exactly Config.Answers answers, and every answer fits the size
//     and token limits. Anything else is counted and dropped; nothing a peer sends can panic the
//     node (rl-swarm issues #385, #407, #409, #474).
//   - Submissions go through the chain outbox and a pending list saved before anything is sent, so
//     a crash at any point neither loses a reward nor sends one twice, and a revert does not wipe
//     the batch (rl-swarm #414–#435).
//
// Crash safety: the node's state (next round to play, the open batch, pending submissions) is
// saved atomically in DataDir/state.json and, with the weights and optimizer, inside each model
// checkpoint; on start the newer of the two wins. The per-round metrics are appended to
// DataDir/rounds.jsonl (fsync per round).
//
// Pause stops at the next safe point — between two questions' generations, before sharing, during
// the gather, before or after (never inside) the optimizer step — keeps the round's work in memory
// and blocks without using the CPU; Resume continues the same round. A single question's
// generation and the optimizer step are not interruptible, so a pause waits for them.
//
// The package never imports UI code: the desktop app binds to Events and State.
package node
