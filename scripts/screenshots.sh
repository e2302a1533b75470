#!/usr/bin/env bash
# Regenerates the README's pictures (docs/images/*.png) from the browser suite's own run:
# the n8n editor as npm start serves it, in Chromium. Each picture must stay under 150 KB.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-node-deps.sh
bash scripts/setup-browser.sh
bash scripts/setup-rust.sh
bash scripts/setup-n8n.sh 2 > /dev/null
npm run build > /dev/null
npx tsc -p tsconfig.test.json
SCREENSHOTS=1 node --test .tmp/build/tests/browser/
for picture in docs/images/*.png; do
  size=$(stat -c %s "$picture")
  echo "$picture: $((size / 1024)) KB"
  [ "$size" -lt 153600 ] || { echo "$picture is over 150 KB" >&2; exit 1; }
done
