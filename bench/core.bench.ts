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
const { CoreSession } = require(path.join(coreDir, 'session.js'));
const node = { id: 'bench', name: 'Instagram', type: 'n8n-nodes-instagram-dm.instagram', typeVersion: 1, position: [0, 0], parameters: {} };

const items = Array.from({ length: ITEMS }, (_, i) => ({
	userId: `1784140${String(i).padStart(10, '0')}`,
	messageText: `Hello #${i}, thanks for your message 👋`,
}));
const answers = items.map((_, i) => `{"recipient_id":"${i}","message_id":"mid.${i}"}`);
const baseUrl = 'http://127.0.0.1:9';
const startedAt = new Date().toISOString();

/** The node's own path through the core: one plan, one settle per answer, one output call. */
async function wasmRound(): Promise<number> {
	const t0 = performance.now();
	const session = await CoreSession.start(
		{
			operation: 'sendMessage',
			credentials: { accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, baseUrl },
			environment: { N8N_META_UUID: META_UUID },
			startedAt,
			retry: { maxRetries: 3, retryUnknownDelivery: false },
			items,
		},
		node,
	);
	const plan = session.plan();
	if (plan.jobs.length !== ITEMS) throw new Error('unexpected refusal');
	const headers = { 'content-type': 'application/json; charset=UTF-8', 'x-fb-trace-id': 'abc' };
	for (const job of plan.jobs) {
		const verdict = session.settleResponse(job.index, 1, 200, headers, answers[job.index]);
		if (verdict.outcome !== 'sent') throw new Error('not sent');
	}
	const outputs = session.outputs();
	session.free();
	const elapsed = performance.now() - t0;
	if (outputs.length !== ITEMS || outputs[ITEMS - 1].success !== true) throw new Error('wasm path lost items');
	return elapsed;
}

function tsRound(): number {
	const t0 = performance.now();
	const proof = proofTs(APP_SECRET, ACCESS_TOKEN);
	const shown = `${proof.slice(0, 8)}…`;
	const planned = items.map((item) => planTs(baseUrl, 'v18.0', item));
	const outputs = [];
	for (let i = 0; i < ITEMS; i++) {
		const plan = planned[i];
		if ('error' in plan) throw new Error('unexpected refusal');
		outputs.push(settleTs(plan, 200, answers[i], new Date().toISOString(), startedAt, shown));
	}
	const elapsed = performance.now() - t0;
	if (outputs.length !== ITEMS || !outputs[ITEMS - 1].success) throw new Error('ts path lost items');
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
				['wasm core, as the node drives it', wasmUs, perItem(Math.min(...wasm)), perItem(Math.max(...wasm)), wasmUs / tsUs],
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
