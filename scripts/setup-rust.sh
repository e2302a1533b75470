#!/usr/bin/env bash
# Installs the Rust pieces the build needs: the wasm32 target and wasm-bindgen-cli
# at exactly the version Cargo.toml pins for the wasm-bindgen crate.
# Idempotent: skips whatever is already present at the right version.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

pinned="$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p; s/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml | head -n1)"
if [ -z "$pinned" ]; then
  echo "setup-rust: could not read the pinned wasm-bindgen version from Cargo.toml" >&2
  exit 1
fi

have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have" != "$pinned" ]; then
  echo "setup-rust: installing wasm-bindgen-cli $pinned (found: ${have:-none}); this takes several minutes once"
  # Not --locked: one locked dependency version is missing from the registry snapshot here.
  cargo install wasm-bindgen-cli --version "$pinned" --force
fi

# wasm-bindgen-test's runner for `cargo test --target wasm32-unknown-unknown`.
have_runner="$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have_runner" != "$pinned" ]; then
  echo "setup-rust: wasm-bindgen-test-runner missing or wrong version" >&2
  exit 1
fi
