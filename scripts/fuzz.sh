#!/usr/bin/env bash
# Fuzzes the Rust core for a bounded time: the node's execution (fuzz/fuzz_targets/
# execution.rs) and the trigger's webhook (fuzz/fuzz_targets/webhook.rs).
#
#   scripts/fuzz.sh [seconds]      default 60
#
# Installs cargo-fuzz when it is missing. cargo-fuzz needs a nightly compiler: the nightly
# toolchain is used when rustup has one, otherwise the stable one with RUSTC_BOOTSTRAP=1.
# The corpus (fuzz/corpus/execution), crashes (fuzz/artifacts/execution) and the log
# (fuzz/target/fuzz-execution.log) stay untracked. Prints the number of executions.
set -euo pipefail

seconds="${1:-60}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
	echo "usage: $0 [seconds]" >&2
	exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if cargo fuzz --version >/dev/null 2>&1; then
	echo "cargo-fuzz: $(cargo fuzz --version)"
else
	echo "cargo-fuzz is missing: installing it"
	cargo install cargo-fuzz --locked
fi

toolchain=()
if command -v rustup >/dev/null 2>&1 && rustup toolchain list | grep -q '^nightly'; then
	toolchain=(+nightly)
else
	echo "no nightly toolchain: using the stable one with RUSTC_BOOTSTRAP=1"
	export RUSTC_BOOTSTRAP=1
fi

# Two targets share the time: the node's execution (two thirds) and the trigger's webhook.
run_target() {
	local target="$1" seconds="$2" corpus="fuzz/corpus/$1" log="fuzz/target/fuzz-$1.log" status=0
	mkdir -p "$corpus" fuzz/target
	seed "$target" "$corpus"
	echo "fuzzing $target for $seconds s (log: $log)"
	cargo "${toolchain[@]}" fuzz run "$target" -- \
		-max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1 || status=$?
	tail -n 8 "$log"
	local executions
	executions="$(grep -E 'stat::number_of_executed_units' "$log" | tail -n 1 | grep -Eo '[0-9]+$' || true)"
	if [ -z "$executions" ]; then
		executions="$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 | grep -Eo '^#[0-9]+' | tr -d '#' || true)"
	fi
	echo "$target: ${executions:-unknown} executions in $seconds s"
	if [ "$status" -ne 0 ]; then
		echo "the fuzzer failed (exit $status); see $log and fuzz/artifacts/$target" >&2
	fi
	return "$status"
}

seed() {
	local target="$1" corpus="$2"
	[ -z "$(ls -A "$corpus")" ] || return 0
	case "$target" in
	execution)
		# 12 control bytes (status 200/429, attempt 1, flags, random), then parts split by
		# 0xFF: raw input, userId, messageText, token, secret, N8N_META_UUID, headers, body,
		# transport code, transport message.
		printf '\xc8\x00\x01\x08\x00\x00\x00\x00\x00\x00\xe0\x3f{"items":[{}]}\xff17841400000000001\xffHello \xf0\x9f\x98\x80\xff\xff\xff\xff{}\xff{"message_id":"mid.1"}\xffECONNRESET\xffsocket hang up' \
			>"$corpus/seed-success"
		printf '\xad\x01\x01\x0b\x00\x00\x00\x00\x00\x00\xe0\x3f\xff17841400000000001\xff"\\ud83d"\xff\xff\xff\xff{"Retry-After":"5"}\xff{"error":{"message":"limit","code":4}}\xffECONNREFUSED\xffrefused' \
			>"$corpus/seed-rate-limit"
		;;
	webhook)
		# A header (or a challenge) before 0xFF, then a body: the signed test vectors.
		for vector in tests/webhook_vectors/*.json; do
			{ printf 'sha256=00\xff'; cat "$vector"; } >"$corpus/seed-$(basename "$vector" .json)"
		done
		;;
	esac
}

# At least a second each: libFuzzer reads -max_total_time=0 as "no limit".
execution_seconds=$(( seconds * 2 / 3 > 0 ? seconds * 2 / 3 : 1 ))
webhook_seconds=$(( seconds - execution_seconds > 0 ? seconds - execution_seconds : 1 ))
status=0
run_target execution "$execution_seconds" || status=$?
run_target webhook "$webhook_seconds" || status=$?
exit "$status"
