#!/usr/bin/env bash
# One command for the release files this Linux machine can make: the Linux binary, .tar.xz and
# .deb, and the Windows installer. (macOS: packaging/macos/build.sh on a Mac.) Output in dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
packaging/linux/build.sh
packaging/windows/build.sh
echo
echo "== dist/"
ls -l dist | grep -v '^total'
