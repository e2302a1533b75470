#!/usr/bin/env bash
# Installs Debian's Chromium for the browser suite (tests/browser), unless it is there.
# playwright-core (an npm dev dependency) drives it; no browser is downloaded by npm.
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then
  exit 0
fi
sudo=()
[ "$(id -u)" = 0 ] || sudo=(sudo)
echo "setup-browser: installing Debian's chromium (a minute or two, once)" >&2
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium > /dev/null
[ -x "$chromium" ] || { echo "setup-browser: $chromium is still missing" >&2; exit 1; }
