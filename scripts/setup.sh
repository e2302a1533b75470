#!/usr/bin/env bash
# Everything the tests need on a fresh machine, in two lanes that run side by side: what
# downloads (Chromium, PostgreSQL and Redis, npm packages, the n8n runtimes) beside what compiles (the Rust tools). Each
# step skips itself when its result is already there. A failed step prints its log and
# fails the set-up.
#
#   E2E_N8N_MAJORS=2,1   the n8n runtimes to install (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."

logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT

downloads() {
	bash scripts/setup-browser.sh
	bash scripts/setup-queue.sh
	bash scripts/setup-node-deps.sh
	local major
	IFS=',' read -r -a majors <<< "${E2E_N8N_MAJORS:-2,1}"
	for major in "${majors[@]}"; do
		bash scripts/setup-n8n.sh "$major" > /dev/null
	done
}

compiles() {
	bash scripts/setup-rust.sh
	bash scripts/setup-mutants.sh
	cargo fuzz --version > /dev/null 2>&1 || cargo install cargo-fuzz --locked
}

started=$SECONDS
downloads > "$logs/downloads.log" 2>&1 &
downloading=$!
compiles > "$logs/compiles.log" 2>&1 &
compiling=$!

failed=0
for lane in downloads compiles; do
	pid=$downloading
	[ "$lane" = compiles ] && pid=$compiling
	if ! wait "$pid"; then
		failed=1
		echo "set-up: the $lane lane failed:" >&2
		cat "$logs/$lane.log" >&2
	fi
done
[ "$failed" = 0 ] || exit 1
echo "set-up: done in $((SECONDS - started)) s"
