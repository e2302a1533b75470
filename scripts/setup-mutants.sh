#!/usr/bin/env bash
# Installs the mutation-testing tools at pinned versions: cargo-mutants for the Rust core
# (StrykerJS comes with the npm dev dependencies). Skips what is already there.
set -euo pipefail
want=27.1.0
have="$(cargo mutants --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have" != "$want" ]; then
  echo "setup-mutants: installing cargo-mutants $want (found: ${have:-none}); a few minutes once" >&2
  cargo install cargo-mutants --version "$want" --locked 2>/dev/null || cargo install cargo-mutants --version "$want"
fi
