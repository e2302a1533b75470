#!/usr/bin/env bash
# Builds an earlier design of the package from git history, for benchmarks that compare
# designs side by side in one run. Prints the folder holding its dist/ and its tarball.
#
#   scripts/build-baseline.sh [ref]   default: 8fd642c, the last commit of the first design
#                                     (one compact plan per execution, outputs kept in wasm)
#
# The build is cached under .tmp/baseline/<ref>.
set -euo pipefail
cd "$(dirname "$0")/.."
ref="${1:-8fd642c}"
root="$PWD"
dir="$root/.tmp/baseline/$ref"
if [ -f "$dir/.built" ]; then
  echo "$dir"
  exit 0
fi
if ! git cat-file -e "$ref^{commit}" 2>/dev/null; then
  echo "build-baseline: commit $ref is not in this clone (a shallow clone?); fetch more history to compare designs" >&2
  exit 3
fi
echo "build-baseline: building $ref into $dir (about a minute, once)" >&2
rm -rf "$dir"
mkdir -p "$dir"
git archive "$ref" | tar -x -C "$dir"
ln -s "$root/node_modules" "$dir/node_modules"
(
  cd "$dir"
  node scripts/build-core.mjs >&2
  npx n8n-node build >&2
  npm pack --silent --pack-destination "$dir" >&2
)
touch "$dir/.built"
echo "$dir"
