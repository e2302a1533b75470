// Benchmarks 2-4, in a real n8n 2.41.1 against the loopback imitation of Meta:
//   2. throughput: this node (defaults, tuned, concurrency 1) side by side with n8n's own
//      HTTP Request node fed by its Crypto node, as a user would build the same job;
//   3. rate-limit fidelity: achieved rate and the largest burst in any one-second window;
//   4. memory: peak RSS of the n8n process for 10,000 items against a baseline workflow.
// Figures are printed, never asserted. BENCH_SMOKE=1 runs tiny sizes (CI keeps it from rotting).
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { MetaImitation, RecordedRequest } from '../sandbox/metaImitation';
import { startMetaImitation } from '../sandbox/metaImitation';
import { N8nInstance, ensureRuntime, packTarball } from '../tests/e2e/support/n8n';
import { codeItems, credential, genericNode, instagram, workflow } from '../tests/e2e/support/workflows';
import { ACCESS_TOKEN, APP_SECRET, META_UUID } from '../tests/support/fixtures';
import { median, table } from './stats';

const smoke = process.env.BENCH_SMOKE === '1';
const THROUGHPUT_ITEMS = smoke ? 40 : 1000;
const THROUGHPUT_ROUNDS = smoke ? 1 : 3;
const LATENCY_MS = 100;
const FIDELITY_ITEMS = smoke ? 150 : 2000;
const FIDELITY_RATE = smoke ? 50 : 100;
const MEMORY_ITEMS = smoke ? 300 : 10_000;

const env = { N8N_META_UUID: META_UUID };
/** BENCH_ONLY=throughput,fidelity,memory picks parts (default: all). */
const only = (process.env.BENCH_ONLY ?? 'throughput,fidelity,memory').split(',');
const recipient = (i: number) => `1784160${String(i).padStart(10, '0')}`;
const CRED = { id: 'igBenchCred00001', name: 'Instagram (imitation)' };
const HEADER_CRED = { id: 'benchHeaderAuth1', name: 'Meta token header' };
const CRYPTO_CRED = { id: 'benchCryptoCred1', name: 'Meta app secret' };

function contacts(count: number, prefix: string) {
	return codeItems(
		'Contacts',
		Array.from({ length: count }, (_, i) => ({ id: recipient(i), text: `${prefix} message ${i}` })),
	);
}

function instagramWorkflow(id: string, count: number, options: Record<string, unknown>) {
	return workflow(id, id, [
		[contacts(count, id), instagram('Send', CRED, { userId: '={{ $json.id }}', messageText: '={{ $json.text }}', options })],
	]);
}

/** The same job built from n8n's own nodes: Crypto computes the proof, HTTP Request sends. */
function httpRequestWorkflow(id: string, count: number, imitationUrl: string, batchSize: number) {
	const crypto = genericNode('Proof', 'n8n-nodes-base.crypto', 2, {
		action: 'hmac',
		type: 'SHA256',
		value: ACCESS_TOKEN,
		dataPropertyName: 'appsecret_proof',
		encoding: 'hex',
	}, { crypto: CRYPTO_CRED });
	const http = genericNode('Send', 'n8n-nodes-base.httpRequest', 4.2, {
		method: 'POST',
		url: `${imitationUrl}/v18.0/me/messages`,
		authentication: 'genericCredentialType',
		genericAuthType: 'httpHeaderAuth',
		sendQuery: true,
		queryParameters: { parameters: [{ name: 'appsecret_proof', value: '={{ $json.appsecret_proof }}' }] },
		sendBody: true,
		specifyBody: 'json',
		jsonBody: '={{ JSON.stringify({ recipient: { id: $json.id }, message: { text: $json.text } }) }}',
		options: { batching: { batch: { batchSize, batchInterval: 0 } } },
	}, { httpHeaderAuth: HEADER_CRED });
	return workflow(id, id, [[contacts(count, id), crypto, http]]);
}

function since(requests: RecordedRequest[], from: number): RecordedRequest[] {
	return requests.slice(from).filter((r) => r.path.endsWith('/messages'));
}

/** Messages per second as Meta would see them: first arrival to last answer. */
function rateOf(sent: RecordedRequest[], latencyMs: number): number {
	const times = sent.map((r) => r.at).sort((a, b) => a - b);
	return (times.length / (times[times.length - 1] + latencyMs - times[0])) * 1000;
}

function largestBurst(sent: RecordedRequest[], windowMs = 1000): number {
	const times = sent.map((r) => r.at).sort((a, b) => a - b);
	let best = 0;
	for (let lo = 0, hi = 0; hi < times.length; hi++) {
		while (times[hi] - times[lo] >= windowMs) lo++;
		best = Math.max(best, hi - lo + 1);
	}
	return best;
}

async function peakRss(n8n: N8nInstance, workflowId: string): Promise<{ peakMb: number; ok: boolean }> {
	let peakKb = 0;
	let timer: NodeJS.Timeout | undefined;
	const run = await n8n.execute(workflowId, env, (pid) => {
		timer = setInterval(() => {
			try {
				const status = readFileSync(`/proc/${pid}/status`, 'utf8');
				const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
				if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
			} catch {
				// the process has exited
			}
		}, 20);
	});
	clearInterval(timer);
	return { peakMb: peakKb / 1024, ok: run.code === 0 };
}

async function main(): Promise<void> {
	const tmp = mkdtempSync(path.join(tmpdir(), 'ig-bench-'));
	const meta: MetaImitation = await startMetaImitation({
		apps: [{ accessToken: ACCESS_TOKEN, appSecret: APP_SECRET }],
		latencyMs: LATENCY_MS,
		keepBodies: false,
	});
	const runtime = ensureRuntime(2);
	const n8n = N8nInstance.create(runtime, packTarball(tmp));
	const contenders: Array<{ label: string; id: string; concurrency: string; rounds: number; build: (id: string) => unknown }> = [
		{ label: 'this node, default settings (25 in flight, 100 msg/s)', id: 'benchDefault0001', concurrency: '25', rounds: THROUGHPUT_ROUNDS, build: (id) => instagramWorkflow(id, THROUGHPUT_ITEMS, {}) },
		{ label: 'this node, tuned (100 in flight, no rate limit)', id: 'benchTuned000001', concurrency: '100', rounds: THROUGHPUT_ROUNDS, build: (id) => instagramWorkflow(id, THROUGHPUT_ITEMS, { concurrency: 100, messagesPerSecond: 0 }) },
		{ label: 'this node, 200 in flight (the maximum), no rate limit', id: 'benchAllFlight01', concurrency: '200', rounds: THROUGHPUT_ROUNDS, build: (id) => instagramWorkflow(id, THROUGHPUT_ITEMS, { concurrency: 200, messagesPerSecond: 0 }) },
		{ label: 'HTTP Request + Crypto nodes (batch 50, interval 0)', id: 'benchHttpReq0001', concurrency: 'all', rounds: THROUGHPUT_ROUNDS, build: (id) => httpRequestWorkflow(id, THROUGHPUT_ITEMS, meta.url, 50) },
		{ label: 'this node, concurrency 1', id: 'benchSerial00001', concurrency: '1', rounds: 1, build: (id) => instagramWorkflow(id, THROUGHPUT_ITEMS, { concurrency: 1, messagesPerSecond: 0 }) },
	];
	try {
		await n8n.importCredentials([
			credential(CRED.id, CRED.name, { accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, apiVersion: 'v18.0', baseUrl: meta.url }),
			{ id: HEADER_CRED.id, name: HEADER_CRED.name, type: 'httpHeaderAuth', data: { name: 'Authorization', value: `Bearer ${ACCESS_TOKEN}` } },
			{ id: CRYPTO_CRED.id, name: CRYPTO_CRED.name, type: 'crypto', data: { hmacSecret: APP_SECRET } },
		]);
		await n8n.importWorkflows(contenders.map((c) => c.build(c.id)));

		if (only.includes('throughput')) await throughput();
		if (only.includes('fidelity')) await fidelity();
		if (only.includes('memory')) await memoryUse();
	} finally {
		await meta.close();
		n8n.remove();
		rmSync(tmp, { recursive: true, force: true });
	}

	async function throughput(): Promise<void> {
		const rates = new Map<string, number[]>();
		const maxRounds = Math.max(...contenders.map((c) => c.rounds));
		for (let round = 0; round < maxRounds; round++) {
			for (const contender of contenders) {
				if (round >= contender.rounds) continue;
				const from = meta.requests.length;
				const run = await n8n.execute(contender.id, env);
				const sent = since(meta.requests, from);
				if (run.code !== 0 || sent.filter((r) => r.messageId).length !== THROUGHPUT_ITEMS) {
					throw new Error(`${contender.label}: run failed (${run.code}), ${sent.length} requests\n${run.stdout.slice(-2000)}`);
				}
				rates.set(contender.id, [...(rates.get(contender.id) ?? []), rateOf(sent, LATENCY_MS)]);
			}
		}
		const rateMedian = (id: string) => median(rates.get(id)!);
		const serial = rateMedian('benchSerial00001');
		const httpNode = rateMedian('benchHttpReq0001');
		console.log(
			table(
				`Throughput in n8n ${runtime.version}: ${THROUGHPUT_ITEMS} items, ${LATENCY_MS} ms simulated latency (median msg/s)`,
				['contender', 'in flight', 'rounds', 'msg/s (median)', '× concurrency 1', '× HTTP Request node'],
				contenders.map((c) => [c.label, c.concurrency, c.rounds, rateMedian(c.id), rateMedian(c.id) / serial, rateMedian(c.id) / httpNode]),
			),
		);
		const defaultBound = Math.min(25 / (LATENCY_MS / 1000), 100);
		const tunedBound = 100 / (LATENCY_MS / 1000);
		console.log(
			table('Throughput against the bound min(concurrency ÷ latency, rate limit)', ['contender', 'bound msg/s', 'achieved', '% of bound'], [
				['default settings', defaultBound, rateMedian('benchDefault0001'), (rateMedian('benchDefault0001') / defaultBound) * 100],
				['tuned (100 in flight)', tunedBound, rateMedian('benchTuned000001'), (rateMedian('benchTuned000001') / tunedBound) * 100],
			]),
		);

	}

	async function fidelity(): Promise<void> {
		meta.setLatency(LATENCY_MS);
		await n8n.importWorkflows([instagramWorkflow('benchFidelity001', FIDELITY_ITEMS, { concurrency: 50, messagesPerSecond: FIDELITY_RATE })]);
		const from = meta.requests.length;
		const fidelityRun = await n8n.execute('benchFidelity001', env);
		const sent = since(meta.requests, from);
		if (fidelityRun.code !== 0) throw new Error(`fidelity run failed\n${fidelityRun.stdout.slice(-2000)}`);
		const times = sent.map((r) => r.at).sort((a, b) => a - b);
		const achieved = ((times.length - 1) / (times[times.length - 1] - times[0])) * 1000;
		console.log(
			table(`Rate-limit fidelity: limit R = ${FIDELITY_RATE} msg/s, ${FIDELITY_ITEMS} items, 50 in flight`, ['measure', 'value'], [
				['achieved rate (msg/s, arrivals at the imitation)', achieved],
				['achieved ÷ R', achieved / FIDELITY_RATE],
				['largest burst in any 1 s window', largestBurst(sent)],
				['limit R', FIDELITY_RATE],
			]),
		);

	}

	async function memoryUse(): Promise<void> {
		meta.setLatency(0);
		await n8n.importWorkflows([
			workflow('benchMemBaseline', 'memory baseline', [[contacts(MEMORY_ITEMS, 'mem'), genericNode('Pass', 'n8n-nodes-base.noOp', 1, {})]]),
			instagramWorkflow('benchMemNode0001', MEMORY_ITEMS, { concurrency: 100, messagesPerSecond: 0 }),
			httpRequestWorkflow('benchMemHttp0001', MEMORY_ITEMS, meta.url, 50),
		]);
		const memory: Record<string, number[]> = { benchMemBaseline: [], benchMemNode0001: [], benchMemHttp0001: [] };
		for (let round = 0; round < (smoke ? 1 : 3); round++) {
			for (const id of Object.keys(memory)) {
				const { peakMb, ok } = await peakRss(n8n, id);
				if (!ok) throw new Error(`memory run ${id} failed`);
				memory[id].push(peakMb);
			}
		}
		const base = median(memory.benchMemBaseline);
		console.log(
			table(`Peak RSS of the n8n process, ${MEMORY_ITEMS} items (median of ${memory.benchMemBaseline.length})`, ['workflow', 'peak RSS MB', 'over baseline MB'], [
				['baseline: Code → No Op', base, 0],
				['Code → this node', median(memory.benchMemNode0001), median(memory.benchMemNode0001) - base],
				['Code → Crypto → HTTP Request', median(memory.benchMemHttp0001), median(memory.benchMemHttp0001) - base],
			]),
		);
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
