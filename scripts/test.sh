#!/usr/bin/env bash
# The project's test command (README): sets up everything a fresh machine needs, then
# builds and runs every suite. CI runs exactly this (.ci/run).
#
#   E2E_N8N_MAJORS=2      only the n8n 2.x end-to-end run (default: 2,1)
#   FUZZ_SECONDS=60       how long the fuzz target runs (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s (at %d s) ===\n' "$*" "$SECONDS"; }

step "set-up: npm packages, n8n runtimes, Rust wasm and test tools (side by side)"
bash scripts/setup.sh
# The node suite runs the node inside n8n 2.x's own execution context, on n8n's Node.
export N8N_RUNTIME_DIR="$(bash scripts/setup-n8n.sh 2 | tail -n1)"

step "build: Rust core to wasm, TypeScript node"
npm run build

step "lint: n8n's community-node rules"
npx n8n-node lint

step "Rust: unit, integration and property tests (native; also writes the boundary samples)"
cargo test --all-targets

step "Rust: wasm-bindgen tests of the JS/wasm boundary (Node)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --target wasm32-unknown-unknown --test wasm_boundary

step "TypeScript: the node in n8n's execution context, credential, description, boundary types, packaging"
npx tsc -p tsconfig.test.json
# n8n 2.x's Node 24 exits 0 when the body of a describe throws (the suite is reported as
# failed, but its tests never run): the TAP copy of the report decides as well.
tap=.tmp/node-suite.tap
"$N8N_RUNTIME_DIR/node/bin/node" --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" '.tmp/build/tests/node/*.test.js'
if grep -qE '^ *not ok ' "$tap"; then
  echo "The node suite reported failures (see $tap):" >&2
  grep -E '^ *not ok ' "$tap" >&2
  exit 1
fi

step "Mutation testing, bounded: retry, proof and redaction in the core; the rate limiter"
MUTANTS_BUILT=1 bash scripts/mutants.sh --bounded

step "End-to-end: the packed node inside real n8n (${E2E_N8N_MAJORS:-2,1}), npm start, load with faults"
E2E_N8N_MAJORS="${E2E_N8N_MAJORS:-2,1}" node --test --test-concurrency=1 .tmp/build/tests/e2e/

step "Browser: the n8n editor as npm start serves it, in Chromium"
node --test .tmp/build/tests/browser/

step "Fuzzing the core for ${FUZZ_SECONDS:-60} s"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-60}"

step "Benchmarks, smoke sizes (figures printed, not asserted)"
BENCH_SMOKE=1 bash scripts/bench.sh

step "all passed"
