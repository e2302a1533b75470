// Benchmark 1: the core's cost per item (validate + plan + read the answer + shape the
// output) through the wasm path, side by side with a pure-TypeScript version using
// node:crypto; and the cold cost of loading and instantiating the wasm.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { ACCESS_TOKEN, APP_SECRET, META_UUID } from '../tests/support/fixtures';
import { planTs, proofTs, settleTs } from './pureTs';
import { median, table } from './stats';

const smoke = process.env.BENCH_SMOKE === '1';
const ITEMS = smoke ? 2_000 : 100_000;
const ROUNDS = smoke ? 3 : 9;
const COLD_RUNS = smoke ? 3 : 15;
const coreDir = path.resolve('dist/js-wrapper/core');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { loadCore } = require(path.join(coreDir, 'loader.js'));

const items = Array.from({ length: ITEMS }, (_, i) => ({
	userId: `1784140${String(i).padStart(10, '0')}`,
	messageText: `Hello #${i}, thanks for your message 👋`,
}));
const answers = items.map((_, i) => `{"recipient_id":"${i}","message_id":"mid.${i}"}`);
const baseUrl = 'http://127.0.0.1:9';
const startedAt = new Date().toISOString();

async function wasmRound(): Promise<number> {
	const core = await loadCore();
	const t0 = performance.now();
	const execution = core.Execution.start({
		operation: 'sendMessage',
		credentials: { accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, baseUrl },
		environment: { N8N_META_UUID: META_UUID },
		startedAt,
		retry: { maxRetries: 3, retryUnknownDelivery: false },
		items,
	});
	const plan = execution.plan();
	const headers = { 'content-type': 'application/json' };
	let sent = 0;
	for (let i = 0; i < ITEMS; i++) {
		if (!('send' in plan.items[i])) throw new Error('unexpected refusal');
		const settled = execution.settleResponse(i, 1, 200, headers, answers[i], startedAt, 0.5);
		if (settled.outcome === 'sent') sent++;
	}
	execution.free();
	const elapsed = performance.now() - t0;
	if (sent !== ITEMS) throw new Error(`wasm path sent ${sent}`);
	return elapsed;
}

function tsRound(): number {
	const t0 = performance.now();
	const proof = proofTs(APP_SECRET, ACCESS_TOKEN);
	const shown = `${proof.slice(0, 8)}…`;
	let sent = 0;
	for (let i = 0; i < ITEMS; i++) {
		const planned = planTs(baseUrl, 'v18.0', items[i]);
		if ('error' in planned) throw new Error('unexpected refusal');
		const output = settleTs(planned, 200, answers[i], startedAt, startedAt, shown);
		if (output.success) sent++;
	}
	const elapsed = performance.now() - t0;
	if (sent !== ITEMS) throw new Error(`ts path sent ${sent}`);
	return elapsed;
}

function coldLoad(): { requireMs: number; loadMs: number } {
	const script = `
		const { performance } = require('node:perf_hooks');
		const t0 = performance.now();
		const { loadCore } = require(${JSON.stringify(path.join(coreDir, 'loader.js'))});
		const t1 = performance.now();
		loadCore().then((core) => {
			const t2 = performance.now();
			if (core.nodeVersion() === '') process.exit(1);
			process.stdout.write(JSON.stringify({ requireMs: t1 - t0, loadMs: t2 - t1 }));
		});`;
	return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

async function main(): Promise<void> {
	// Warm both paths once (JIT, wasm tier-up), then alternate them round by round.
	await wasmRound();
	tsRound();
	const wasm: number[] = [];
	const ts: number[] = [];
	for (let round = 0; round < ROUNDS; round++) {
		wasm.push(await wasmRound());
		ts.push(tsRound());
	}
	const perItem = (ms: number) => (ms * 1000) / ITEMS;
	const wasmUs = perItem(median(wasm));
	const tsUs = perItem(median(ts));
	console.log(
		table(
			`Core cost per item (${ITEMS} items, median of ${ROUNDS} alternating rounds)`,
			['path', 'µs per item (median)', 'min', 'max', 'ratio to pure TS'],
			[
				['wasm core (validate + plan + settle + shape)', wasmUs, perItem(Math.min(...wasm)), perItem(Math.max(...wasm)), wasmUs / tsUs],
				['pure TypeScript + node:crypto', tsUs, perItem(Math.min(...ts)), perItem(Math.max(...ts)), 1],
			],
		),
	);
	const cold = Array.from({ length: COLD_RUNS }, coldLoad);
	console.log(
		table(`Cold start in a fresh Node process (median of ${COLD_RUNS})`, ['step', 'ms (median)', 'min', 'max'], [
			['require the loader (n8n start-up cost)', median(cold.map((c) => c.requireMs)), Math.min(...cold.map((c) => c.requireMs)), Math.max(...cold.map((c) => c.requireMs))],
			['first loadCore(): decode, compile, instantiate', median(cold.map((c) => c.loadMs)), Math.min(...cold.map((c) => c.loadMs)), Math.max(...cold.map((c) => c.loadMs))],
		]),
	);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
