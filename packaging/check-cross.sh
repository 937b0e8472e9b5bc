#!/usr/bin/env bash
# Compile-checks every package that needs no cgo for macOS (arm64, amd64) and Windows, so that a
# change that breaks another OS fails here, on Linux, before it reaches a macOS runner. Packages
# that need cgo on a target — the real window everywhere, and on macOS all of Fyne's widgets
# (Cocoa) — are built by the per-OS builds instead (windows/build.sh, the macOS workflow).
set -euo pipefail
cd "$(dirname "$0")/.."
all=$(go list ./...)
nocgo_windows=$(echo "$all" | grep -v -e '^github.com/swarmdesk/swarmdesk$' -e '/ui/desktop$')
nocgo_darwin=$(echo "$nocgo_windows" | grep -v -e '/ui$' -e '/ui/')
for target in darwin/arm64 darwin/amd64 windows/amd64; do
  pkgs=$nocgo_windows
  [ "${target%/*}" = darwin ] && pkgs=$nocgo_darwin
  echo "== go vet for $target ($(echo "$pkgs" | wc -l) packages)"
  GOOS=${target%/*} GOARCH=${target#*/} CGO_ENABLED=0 go vet $pkgs
done
# The Metal backend runs only on a Mac (the macOS workflow's metal job); here its package and
# tests must at least type-check and link for both Mac architectures without cgo.
for arch in arm64 amd64; do
  echo "== go test -c ./engine/metal for darwin/$arch"
  GOOS=darwin GOARCH=$arch CGO_ENABLED=0 go test -c -o /dev/null ./engine/metal
done
