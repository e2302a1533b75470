#!/usr/bin/env bash
# Installs the npm dev dependencies exactly as locked, skipping the work when the lock
# file has not changed since the last install. --ignore-scripts: one of n8n's lint
# plugins runs `npx only-allow pnpm` on install, which cannot work offline.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.installed-lock-sha256
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
npm ci --ignore-scripts --no-audit --no-fund
echo "$want" > "$stamp"
