// Package contract holds the SwarmCoordinator Solidity source, its compiled
// ABI and bytecode, and the Go bindings generated from them by go-ethereum's
// abigen v2 (coordinator_gen.go). The artifacts are committed so the app
// builds without node or solc; check.sh verifies in CI that recompiling with
// the pinned solc gives the same bytes.
package contract

//go:generate ./compile.sh
