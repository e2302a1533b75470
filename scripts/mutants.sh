#!/usr/bin/env bash
# Mutation testing (README): cargo-mutants on the Rust core, StrykerJS on the wrapper's
# TypeScript, each with the fast suites only. Prints each tool's score, then checks that
# every surviving mutant is listed, with why it is harmless, in mutants/survivors.md.
#
#   scripts/mutants.sh              everything, then the seven bugs issue 15 named, each
#                                   applied by hand: several hours on 2 cores (cargo-mutants
#                                   alone, 1,194 mutants, about 80 minutes; StrykerJS, about
#                                   1,900 mutants whose tests start whole files, longer)
#   scripts/mutants.sh --bounded    the files that matter most, for CI (a few minutes):
#                                   retry.rs, proof.rs, redact.rs and the rate limiter
set -euo pipefail
cd "$(dirname "$0")/.."

bounded=false
[ "${1:-}" = "--bounded" ] && bounded=true

bash scripts/setup-node-deps.sh
bash scripts/setup-rust.sh
bash scripts/setup-mutants.sh
runtime="$(bash scripts/setup-n8n.sh 2 | tail -n1)"
export N8N_RUNTIME_DIR="$runtime"
# npm test has just built everything when it runs the bounded set.
if [ "${MUTANTS_BUILT:-}" != 1 ]; then
  npm run build > /dev/null
  npx tsc -p tsconfig.test.json
fi

mkdir -p reports/mutation
rust_args=(-j 2 --no-shuffle --output reports/mutation)
stryker_args=()
if $bounded; then
  # npm test has just run these suites unmutated, so no baseline run; the fast suites take
  # about a second, so a mutant that hangs (a loop that never ends) is stopped at 20 s.
  rust_args+=(--baseline skip --timeout 20 --file src/retry.rs --file src/proof.rs --file src/redact.rs -- --lib --test core_execution --test core_proof --test core_properties)
  stryker_args+=(stryker.bounded.config.mjs)
else
  rust_args+=(-- --all-targets)
fi

# The property tests run 200 cases instead of 2,000 inside a mutation run (tests/core_properties.rs);
# cargo-mutants 27 no longer sets this itself, and each mutant would spend half a minute on them.
export INSIDE_MUTANTS=1
echo "=== cargo-mutants on the Rust core ($([ "$bounded" = true ] && echo bounded || echo all files)) ==="
# cargo-mutants exits non-zero when mutants survive; the survivors check below decides.
cargo mutants "${rust_args[@]}" || true

echo "=== StrykerJS on the TypeScript wrapper ==="
# The tap runner starts `node` from PATH: n8n's own Node, which the node suite needs.
PATH="$runtime/node/bin:$PATH" npx stryker run "${stryker_args[@]}"

node scripts/check-survivors.mjs reports/mutation/mutants.out reports/mutation/wrapper.json mutants/survivors.md

if ! $bounded; then
  echo "=== The seven bugs of issue 15, each applied by hand, against the fast tests ==="
  node scripts/known-mutations.mjs
fi
