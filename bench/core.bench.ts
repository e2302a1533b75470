// Benchmark 1: the core's cost per item (validate + plan + read the answer + shape the
// output) as the node drives it, side by side in one run: this design, the previous
// design's build (when scripts/build-baseline.sh could build it), and a pure-TypeScript
// version using node:crypto. Also the wasm's memory after a run, and the cold cost of
// loading and instantiating the wasm.
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
const bridgeDir = path.resolve('dist/js-wrapper/bridge');
/* eslint-disable @typescript-eslint/no-require-imports */
const { CoreSession } = require(path.join(bridgeDir, 'session.js'));
const { relevantHeaders, bodyText } = require(path.resolve('dist/js-wrapper/nodes/Instagram/transport/perform.js'));
/* eslint-enable @typescript-eslint/no-require-imports */
const baselineDir = process.env.BENCH_BASELINE_DIR;
const node = { id: 'bench', name: 'Instagram', type: 'n8n-nodes-instagram-dm.instagram', typeVersion: 1, position: [0, 0], parameters: {} };

const items = Array.from({ length: ITEMS }, (_, i) => ({
	userId: `1784140${String(i).padStart(10, '0')}`,
	messageText: `Hello #${i}, thanks for your message 👋`,
}));
const answers = items.map((_, i) => `{"recipient_id":"${i}","message_id":"mid.${i}"}`);
const baseUrl = 'http://127.0.0.1:9';
const startedAt = new Date().toISOString();
const responseHeaders = { 'content-type': 'application/json; charset=UTF-8', 'x-fb-trace-id': 'abc' };
const input = {
	resource: 'message',
	operation: 'sendMessage',
	credentials: { accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, baseUrl },
	environment: { N8N_META_UUID: META_UUID },
	startedAt,
	retry: { maxRetries: 3, retryUnknownDelivery: false },
	items,
};

function check(outputs: Array<{ success?: unknown }>, label: string): void {
	if (outputs.length !== ITEMS || outputs[ITEMS - 1].success !== true) throw new Error(`${label} lost items`);
}

/** This design, as the node drives it: one plan, then per item its request and one verdict. */
async function currentRound(): Promise<number> {
	const t0 = performance.now();
	const session = await CoreSession.start(input, node);
	const plan = session.plan();
	if (plan.refused.length > 0) throw new Error('unexpected refusal');
	const outputs: unknown[] = [];
	for (let index = 0; index < ITEMS; index++) {
		const planned = session.request(index);
		if (!('request' in planned)) throw new Error('not planned');
		const verdict = session.settle({
			index,
			attempt: 1,
			response: { status: 200, headers: relevantHeaders(responseHeaders), body: bodyText(answers[index]) },
			nowMs: Date.now(),
			random: Math.random(),
		});
		if (verdict.outcome !== 'done') throw new Error('not sent');
		outputs.push(...verdict.outputs);
	}
	session.free();
	const elapsed = performance.now() - t0;
	check(outputs as Array<{ success?: unknown }>, 'this design');
	return elapsed;
}

/** The previous design, as its node drove it: one compact plan, a number per answer, outputs at the end. */
function previousRound(session: { start: (input: unknown, node: unknown) => Promise<any> }): () => Promise<number> {
	return async () => {
		const t0 = performance.now();
		const previous = await session.start({ ...input, resource: undefined }, node);
		const plan = previous.plan();
		if (plan.jobs.length !== ITEMS) throw new Error('unexpected refusal');
		for (const job of plan.jobs) {
			const verdict = previous.settleResponse(job.index, 1, 200, responseHeaders, answers[job.index]);
			if (verdict.outcome !== 'sent') throw new Error('not sent');
		}
		const outputs = previous.outputs();
		previous.free();
		const elapsed = performance.now() - t0;
		check(outputs, 'previous design');
		return elapsed;
	};
}

function tsRound(): Promise<number> {
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
	check(outputs, 'pure TypeScript');
	return Promise.resolve(elapsed);
}

function coldLoad(loaderPath: string): { requireMs: number; loadMs: number } {
	const script = `
		const { performance } = require('node:perf_hooks');
		const t0 = performance.now();
		const { loadCore } = require(${JSON.stringify(loaderPath)});
		const t1 = performance.now();
		loadCore().then(() => {
			const t2 = performance.now();
			process.stdout.write(JSON.stringify({ requireMs: t1 - t0, loadMs: t2 - t1 }));
		});`;
	return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

async function main(): Promise<void> {
	const contenders: Array<{ label: string; round: () => Promise<number> }> = [
		{ label: 'this design (per-item request, verdict with the output item)', round: currentRound },
	];
	if (baselineDir) {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const previous = require(path.join(baselineDir, 'dist/js-wrapper/core/session.js')).CoreSession;
		contenders.push({ label: 'previous design (compact plan, outputs kept in wasm)', round: previousRound(previous) });
	}
	contenders.push({ label: 'pure TypeScript + node:crypto', round: tsRound });

	// Warm every path once (JIT, wasm tier-up), then alternate them round by round.
	for (const contender of contenders) await contender.round();
	const times = contenders.map(() => [] as number[]);
	for (let round = 0; round < ROUNDS; round++) {
		for (const [i, contender] of contenders.entries()) times[i].push(await contender.round());
	}
	const perItem = (ms: number) => (ms * 1000) / ITEMS;
	const medians = times.map((t) => perItem(median(t)));
	const ts = medians[medians.length - 1];
	const previous = baselineDir ? medians[1] : Number.NaN;
	console.log(
		table(
			`Core cost per item (${ITEMS} items, median of ${ROUNDS} alternating rounds)`,
			['path', 'µs per item (median)', 'min', 'max', 'ratio to pure TS', 'ratio to previous design'],
			contenders.map((c, i) => [c.label, medians[i], perItem(Math.min(...times[i])), perItem(Math.max(...times[i])), medians[i] / ts, medians[i] / previous]),
		),
	);
	if (!baselineDir) console.log('(previous design not built: scripts/build-baseline.sh could not build it)');

	const loaders = [['this design', path.join(bridgeDir, 'loader.js')]];
	if (baselineDir) loaders.push(['previous design', path.join(baselineDir, 'dist/js-wrapper/core/loader.js')]);
	const rows: Array<Array<string | number>> = [];
	for (const [label, loader] of loaders) {
		const cold = Array.from({ length: COLD_RUNS }, () => coldLoad(loader));
		rows.push([`${label}: require the loader (n8n start-up cost)`, median(cold.map((c) => c.requireMs))]);
		rows.push([`${label}: first loadCore(): decode, compile, instantiate`, median(cold.map((c) => c.loadMs))]);
	}
	console.log(table(`Cold start in a fresh Node process (median of ${COLD_RUNS})`, ['step', 'ms (median)'], rows));
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
