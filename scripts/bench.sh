#!/usr/bin/env bash
# The benchmark suite (README): every contender side by side in one run, this design beside
# the previous design's build; medians and ratios printed, nothing asserted. BENCH_SMOKE=1
# runs tiny sizes (CI does, so the benchmarks cannot rot).
#
#   BENCH_BASELINE=8fd642c   the earlier design to compare with (none: BENCH_BASELINE=)
#   BENCH_ONLY=limit,throughput,fidelity,memory,trigger,queue   parts of the n8n benchmarks
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-node-deps.sh
bash scripts/setup-rust.sh
bash scripts/setup-n8n.sh 2 > /dev/null
npm run build > /dev/null
npx tsc -p tsconfig.test.json

baseline="${BENCH_BASELINE-8fd642c}"
if [ -n "$baseline" ]; then
  if dir="$(bash scripts/build-baseline.sh "$baseline" | tail -n1)"; then
    export BENCH_BASELINE_DIR="$dir"
  else
    echo "(the previous design could not be built: compared with nothing)"
  fi
fi

wasm=js-wrapper/bridge/generated/wasmBase64.ts
node -e "
const fs = require('fs');
const size = (file) => {
  const b = Buffer.from(fs.readFileSync(file, 'utf8').match(/'([A-Za-z0-9+/=]+)'/)[1], 'base64');
  return [b.length, require('zlib').gzipSync(b, { level: 9 }).length];
};
const rows = [['this design', ...size('$wasm')]];
if (process.env.BENCH_BASELINE_DIR) rows.push(['previous design', ...size(process.env.BENCH_BASELINE_DIR + '/js-wrapper/core/generated/wasmBase64.ts')]);
console.log('### Core size');
console.log('| design | .wasm bytes (opt-level 3, LTO, wasm-opt -Oz) | gzipped |');
console.log('|---|---|---|');
for (const r of rows) console.log('| ' + r.join(' | ') + ' |');
"
node .tmp/build/bench/core.bench.js
node .tmp/build/bench/n8n.bench.js
case ",${BENCH_ONLY:-trigger}," in
  *,trigger,*) node .tmp/build/bench/trigger.bench.js ;;
esac
case ",${BENCH_ONLY:-queue}," in
  *,queue,*) bash scripts/setup-queue.sh && node .tmp/build/bench/queue.bench.js ;;
esac
