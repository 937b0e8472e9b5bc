#!/usr/bin/env bash
# Sets the release version in FyneApp.toml (Version, Build+1) and the AppStream metainfo, for the
# release checklist in packaging/README.md:  packaging/set-version.sh 1.2.3
set -euo pipefail
cd "$(dirname "$0")/.."
v=${1:?usage: set-version.sh X.Y.Z}
[[ $v =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "version must be X.Y.Z" >&2; exit 1; }
build=$(sed -n 's/^ *Build *= *\([0-9]*\)/\1/p' FyneApp.toml | head -1)
sed -i.bak -e "s/^\( *Version *= *\)\".*\"/\1\"$v\"/" -e "s/^\( *Build *= *\)[0-9]*/\1$((build + 1))/" FyneApp.toml
rm -f FyneApp.toml.bak
meta=packaging/linux/io.swarmdesk.app.metainfo.xml
sed -i.bak "s|<releases>|<releases>\n    <release version=\"$v\" date=\"$(date -u +%F)\"/>|" "$meta"
rm -f "$meta.bak"
echo "FyneApp.toml and $meta now say $v. Commit, then: git tag -s v$v && git push --tags"
