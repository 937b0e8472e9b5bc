// Package platform holds what differs between operating systems: where the app keeps its config,
// data and caches, how much memory and disk there is, how long the user has been idle and whether
// the computer runs on AC power (the node's idle_only and ac_power_only), starting at login, and
// replacing files atomically. Secrets live in platform/secrets. The Hugging Face cache rules are
// the same on every OS and live with the hub client (engine/hub).
package platform
