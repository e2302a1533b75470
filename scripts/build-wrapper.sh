#!/usr/bin/env bash
# Compiles the TypeScript only (the node into dist/, the tests into .tmp/build), from an
# already built core: what a mutation run needs after each change to the wrapper.
set -euo pipefail
cd "$(dirname "$0")/.."
npx n8n-node build > /dev/null
npx tsc -p tsconfig.test.json
