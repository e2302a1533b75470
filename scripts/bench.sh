#!/usr/bin/env bash
# The benchmark suite (README): every contender side by side in one run; medians and
# ratios printed, nothing asserted. BENCH_SMOKE=1 runs tiny sizes (CI does, so the
# benchmarks cannot rot).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-node-deps.sh
bash scripts/setup-rust.sh
bash scripts/setup-n8n.sh 2 > /dev/null
npm run build > /dev/null
npx tsc -p tsconfig.test.json

wasm=js-wrapper/bridge/generated/wasmBase64.ts
node -e "
const b = Buffer.from(require('fs').readFileSync('$wasm', 'utf8').match(/'([A-Za-z0-9+/=]+)'/)[1], 'base64');
console.log('### Core size');
console.log('| form | bytes |');
console.log('|---|---|');
console.log('| .wasm (release: opt-level 3, LTO, wasm-opt -Oz) | ' + b.length + ' |');
console.log('| .wasm gzipped | ' + require('zlib').gzipSync(b, { level: 9 }).length + ' |');
console.log('| embedded base64 module in dist | ' + require('fs').statSync('dist/js-wrapper/bridge/generated/wasmBase64.js').size + ' |');
"
node .tmp/build/bench/core.bench.js
node .tmp/build/bench/n8n.bench.js
