// Package chain is swarmdesk's on-chain coordination: a client for the
// SwarmCoordinator contract (same interface as rl-swarm's v0.6.0, so one
// binding serves our own dev chain and Gensyn's testnet), a transaction
// manager (nonces, gas, fee-bumping replacement of stuck transactions,
// receipts), an on-disk outbox so rewards and votes survive crashes without
// being sent twice, network profiles, and a leaderboard indexed from the
// contract's events and views.
//
// Entry points for the CLI and UI: ProfileByName/CustomProfile, Dial (or
// devchain.Start for the embedded local chain), Status, (*Client).Leaderboard,
// FormatLeaderboard, (*Client).RegisterPeer, SubmitReward, SubmitWinners and
// FlushOutbox. Contract reverts come back as the Err* values (errors.Is/As)
// whose messages are meant for users.
//
// The package never imports UI code and runs without cgo.
package chain
