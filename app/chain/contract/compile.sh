#!/usr/bin/env bash
# compile.sh regenerates the committed contract artifacts:
#   SwarmCoordinator.abi, SwarmCoordinator.bin (solc from npm, pinned in
#   package-lock.json) and coordinator_gen.go (go-ethereum abigen v2).
# Usage: ./compile.sh [outdir]   (default: this directory)
# Needs node 20+/npm and Go. abigen is taken from $ABIGEN, else from PATH,
# else built with `go run ...@v1.17.10` (about a minute the first time).
set -euo pipefail
cd "$(dirname "$0")"
out="${1:-.}"
mkdir -p "$out"

if [ ! -d node_modules/solc ]; then
	npm ci --no-audit --no-fund --loglevel=error
fi
node compile.mjs "$out"

abigen_cmd=()
if [ -n "${ABIGEN:-}" ]; then
	abigen_cmd=("$ABIGEN")
elif command -v abigen >/dev/null 2>&1; then
	abigen_cmd=(abigen)
else
	abigen_cmd=(go run github.com/ethereum/go-ethereum/cmd/abigen@v1.17.10)
fi
"${abigen_cmd[@]}" --v2 \
	--abi "$out/SwarmCoordinator.abi" --bin "$out/SwarmCoordinator.bin" \
	--pkg contract --type SwarmCoordinator --out "$out/coordinator_gen.go"
gofmt -w "$out/coordinator_gen.go"
echo "bindings -> $out/coordinator_gen.go"
