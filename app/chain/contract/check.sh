#!/usr/bin/env bash
# check.sh is the CI reproducibility check: it recompiles the contract and
# regenerates the Go bindings into a temporary directory and fails if they
# differ from the committed files. Fix a failure by running ./compile.sh and
# committing the result (or by reverting an unintended edit of the .sol).
set -euo pipefail
cd "$(dirname "$0")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
./compile.sh "$tmp" >/dev/null
status=0
for f in SwarmCoordinator.abi SwarmCoordinator.bin coordinator_gen.go; do
	if ! diff -u "$f" "$tmp/$f" >"$tmp/$f.diff"; then
		echo "check.sh: $f is out of date (run app/chain/contract/compile.sh):" >&2
		head -n 40 "$tmp/$f.diff" >&2
		status=1
	fi
done
if [ "$status" -eq 0 ]; then
	echo "check.sh: contract artifacts are reproducible"
fi
exit "$status"
