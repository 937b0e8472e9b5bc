#!/usr/bin/env bash
# Prints the version of this checkout: the git tag (v1.2.3 → 1.2.3) on a tagged commit,
# 1.2.3+N.gSHA after one, and <FyneApp.toml version>~dev.gSHA before any tag. `~` sorts before
# the release in Debian's ordering, so development builds upgrade cleanly to the release.
set -euo pipefail
cd "$(dirname "$0")/.."
base=$(sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml | head -1)
if ! git rev-parse --git-dir >/dev/null 2>&1; then echo "${base}"; exit 0; fi
sha=$(git rev-parse --short=10 HEAD 2>/dev/null || echo unknown)
if d=$(git describe --tags --match 'v[0-9]*' 2>/dev/null); then
  d=${d#v}
  if [[ $d =~ ^([0-9][^-]*)-([0-9]+)-g([0-9a-f]+)$ ]]; then
    echo "${BASH_REMATCH[1]}+${BASH_REMATCH[2]}.g${BASH_REMATCH[3]}"
  else
    echo "$d"
  fi
else
  echo "${base}~dev.g${sha}"
fi
