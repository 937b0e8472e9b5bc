#!/usr/bin/env bash
# Installs the .deb from dist/ with apt-get, then checks the installed app the way a user meets it:
# `swarmdesk version` from the installed path, a first run as a normal (non-root) user that keeps
# everything in that user's folders and writes nothing under /usr, and the window opening under
# Xvfb with the user's identity in it. Removes the package afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
deb=$(ls -t dist/swarmdesk_*.deb | head -1)
[ "$(id -u)" -eq 0 ] || { echo "run as root (it installs a package and creates a test user)" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq "./$deb" >/dev/null
cleanup() {
  apt-get remove -y -qq swarmdesk >/dev/null 2>&1 || true
  userdel -r swarmdesk-smoke >/dev/null 2>&1 || true
}
trap cleanup EXIT

bin=$(command -v swarmdesk)
[ "$bin" = /usr/bin/swarmdesk ] || { echo "swarmdesk installed at $bin, want /usr/bin/swarmdesk" >&2; exit 1; }
want=$(dpkg-query -W -f='${Version}' swarmdesk)
got=$(swarmdesk version)
echo "$got"
case "$got" in *"$want"*) ;; *) echo "version mismatch: package $want, binary says $got" >&2; exit 1 ;; esac
test -f /usr/share/applications/io.swarmdesk.app.desktop
test -f /usr/share/icons/hicolor/512x512/apps/io.swarmdesk.app.png

id swarmdesk-smoke >/dev/null 2>&1 || useradd -m swarmdesk-smoke
before=$(find /usr -newer "$bin" 2>/dev/null | wc -l)
as_user() { su swarmdesk-smoke -s /bin/bash -c "cd ~ && export XDG_RUNTIME_DIR=\$(mktemp -d) SWARMDESK_PASSPHRASE='smoke test passphrase' LANG=C.UTF-8; $1"; }
out=$(as_user "swarmdesk identity show")
echo "$out"
peer=$(echo "$out" | awk '/^Peer ID:/{print $3}')
[ -n "$peer" ] || { echo "no peer ID from the installed app" >&2; exit 1; }
as_user 'test -f ~/.local/share/swarmdesk/secrets.enc' || { echo "key store not in the user's data folder" >&2; exit 1; }
after=$(find /usr -newer "$bin" 2>/dev/null | wc -l)
[ "$before" = "$after" ] || { echo "the app wrote under /usr" >&2; exit 1; }

# The window, from the installed binary, under a virtual display.
# The dump is rewritten every half second from the first screen on: wait (up to a minute) for one
# that shows the identity rather than taking the first, which may come before that screen is drawn.
window_check=$(mktemp /tmp/swarmdesk-smoke-window.XXXXXX)
cat >"$window_check" <<'SCRIPT'
peer=$1
dump=$(mktemp -d)
SWARMDESK_UI_DUMP=$dump swarmdesk &
app=$!
for _ in $(seq 1 120); do
  grep -qs "$peer" "$dump/texts.json" && break
  sleep 0.5
done
# What the window showed, read before the app is stopped (a closing app is not what a user sees).
cat "$dump/texts.json" 2>/dev/null || echo "no texts.json was written in a minute"
kill -TERM "$app"
wait "$app" || true
SCRIPT
chmod 0644 "$window_check"
as_user "xvfb-run -a -s '-screen 0 1024x640x24' bash $window_check $peer" > /tmp/swarmdesk-smoke-texts.json
rm -f "$window_check"
if ! grep -q "$peer" /tmp/swarmdesk-smoke-texts.json; then
  echo "the installed app's window shows: $(tr -s ' \n' ' ' </tmp/swarmdesk-smoke-texts.json | cut -c1-600)" >&2
  echo "the installed app's window does not show $peer" >&2
  exit 1
fi
echo "smoke test passed: $deb installs, runs as a normal user and shows $peer"
