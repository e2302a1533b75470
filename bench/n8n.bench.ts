// Benchmarks in a real n8n 2.41.1 against the loopback imitation of Meta, every contender
// side by side in one run, this design beside the previous design's build:
//   1. at Meta's limit: 300 and 2,000 messages at default options, 100 ms latency, the
//      imitation refusing calls over 100 in any sliding second; n8n's own time for the node,
//      the 613s met, and where the time goes (start-up, sending, tail);
//   2. throughput without a limit at Meta: defaults, tuned, concurrency 1, and n8n's own
//      HTTP Request node fed by its Crypto node, as a user would build the same job;
//   3. rate-limit fidelity: achieved rate and the largest burst in any one-second window;
//   4. memory: peak RSS of the n8n process for 10,000 items against a baseline workflow.
// Figures are printed, never asserted. BENCH_SMOKE=1 runs tiny sizes (CI keeps it from
// rotting); BENCH_ONLY=limit,throughput,fidelity,memory picks parts.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { MetaImitation, RecordedRequest } from '../sandbox/metaImitation';
import { startMetaImitation } from '../sandbox/metaImitation';
import type { ExecuteResult } from '../tests/e2e/support/n8n';
import { N8nInstance, ensureRuntime, packTarball } from '../tests/e2e/support/n8n';
import { codeItems, credential, genericNode, instagram, workflow } from '../tests/e2e/support/workflows';
import { ACCESS_TOKEN, APP_SECRET, META_UUID } from '../tests/support/fixtures';
import { median, table } from './stats';

const smoke = process.env.BENCH_SMOKE === '1';
const LIMIT_SIZES = smoke ? [60] : [300, 2000];
const LIMIT_ROUNDS = smoke ? 1 : 3;
const META_LIMIT = 100;
const THROUGHPUT_ITEMS = smoke ? 40 : 1000;
const THROUGHPUT_ROUNDS = smoke ? 1 : 3;
const LATENCY_MS = 100;
const FIDELITY_ITEMS = smoke ? 150 : 2000;
const FIDELITY_RATE = smoke ? 50 : 100;
const MEMORY_ITEMS = smoke ? 300 : 10_000;

const env = { N8N_META_UUID: META_UUID };
const only = (process.env.BENCH_ONLY ?? 'limit,throughput,fidelity,memory').split(',');
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

/** n8n's own clock for the node named `Send`: when it started and how long it ran. */
function nodeTiming(run: ExecuteResult): { startTime: number; executionTime: number } {
	const data = run.result?.data.resultData.runData.Send?.[0] as unknown as { startTime: number; executionTime: number } | undefined;
	if (!data) throw new Error(`no run data for Send\n${run.stdout.slice(-2000)}`);
	return data;
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

interface Design {
	label: string;
	n8n: N8nInstance;
}

async function main(): Promise<void> {
	const tmp = mkdtempSync(path.join(tmpdir(), 'ig-bench-'));
	const meta: MetaImitation = await startMetaImitation({
		apps: [{ accessToken: ACCESS_TOKEN, appSecret: APP_SECRET }],
		latencyMs: LATENCY_MS,
		keepBodies: false,
	});
	const runtime = ensureRuntime(2);
	const designs: Design[] = [{ label: 'this design', n8n: N8nInstance.create(runtime, packTarball(tmp)) }];
	const baselineDir = process.env.BENCH_BASELINE_DIR;
	if (baselineDir) {
		const tarball = readdirSync(baselineDir).find((file) => file.endsWith('.tgz'));
		if (tarball) designs.push({ label: 'previous design', n8n: N8nInstance.create(runtime, path.join(baselineDir, tarball)) });
	}
	const current = designs[0].n8n;
	try {
		for (const { n8n } of designs) {
			await n8n.importCredentials([
				credential(CRED.id, CRED.name, { accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, apiVersion: 'v18.0', baseUrl: meta.url }),
				{ id: HEADER_CRED.id, name: HEADER_CRED.name, type: 'httpHeaderAuth', data: { name: 'Authorization', value: `Bearer ${ACCESS_TOKEN}` } },
				{ id: CRYPTO_CRED.id, name: CRYPTO_CRED.name, type: 'crypto', data: { hmacSecret: APP_SECRET } },
			]);
		}
		if (only.includes('limit')) await atMetasLimit();
		if (only.includes('throughput')) await throughput();
		if (only.includes('fidelity')) await fidelity();
		if (only.includes('memory')) await memoryUse();
	} finally {
		await meta.close();
		for (const { n8n } of designs) n8n.remove();
		rmSync(tmp, { recursive: true, force: true });
	}

	async function atMetasLimit(): Promise<void> {
		meta.setLatency(LATENCY_MS);
		meta.setSendLimit(META_LIMIT);
		const rows: Array<Array<string | number>> = [];
		const breakdown: Array<Array<string | number>> = [];
		for (const size of LIMIT_SIZES) {
			const id = `benchLimit${String(size).padStart(6, '0')}`;
			for (const { n8n } of designs) await n8n.importWorkflows([instagramWorkflow(id, size, {})]);
			const results = designs.map(() => ({ seconds: [] as number[], throttled: [] as number[], startup: [] as number[], sending: [] as number[], tail: [] as number[] }));
			for (let round = 0; round < LIMIT_ROUNDS; round++) {
				for (const [i, design] of designs.entries()) {
					// A fresh window at Meta for every run.
					await new Promise((resolve) => setTimeout(resolve, 1100));
					const from = meta.requests.length;
					const run = await design.n8n.execute(id, env);
					const sent = since(meta.requests, from);
					const accepted = sent.filter((r) => r.messageId).length;
					if (run.code !== 0 || accepted !== size) {
						throw new Error(`${design.label}, ${size} at the limit: run ${run.code}, ${accepted} accepted\n${run.stdout.slice(-1500)}`);
					}
					const { startTime, executionTime } = nodeTiming(run);
					const arrivals = sent.map((r) => r.at).sort((a, b) => a - b);
					results[i].seconds.push(executionTime / 1000);
					results[i].throttled.push(sent.filter((r) => r.outcome === 'graphError:613').length);
					results[i].startup.push(arrivals[0] - startTime);
					results[i].sending.push(arrivals[arrivals.length - 1] + LATENCY_MS - arrivals[0]);
					results[i].tail.push(startTime + executionTime - (arrivals[arrivals.length - 1] + LATENCY_MS));
				}
			}
			// The bound: Meta's limit and the default 25 in flight at 100 ms, whichever is lower.
			const boundRate = Math.min(25 / (LATENCY_MS / 1000), META_LIMIT);
			const boundSeconds = size / boundRate + LATENCY_MS / 1000;
			for (const [i, design] of designs.entries()) {
				const seconds = median(results[i].seconds);
				rows.push([design.label, size, seconds, size / seconds, boundSeconds, (boundSeconds / seconds) * 100, Math.max(...results[i].throttled)]);
				breakdown.push([design.label, size, median(results[i].startup), median(results[i].sending), median(results[i].tail)]);
			}
		}
		meta.setSendLimit(undefined);
		console.log(
			table(
				`At Meta's limit: default options (25 in flight, 100 msg/s), ${LATENCY_MS} ms latency, Meta refusing calls over ${META_LIMIT} in any sliding second (n8n's node time, median of ${LIMIT_ROUNDS})`,
				['design', 'messages', 'node time s', 'msg/s', 'bound s', '% of bound', '613s met (max)'],
				rows,
			),
		);
		console.log(
			table('Where the node time goes (ms, medians): start-up = node start to first call at Meta; sending = first call to last answer; tail = last answer to node end', ['design', 'messages', 'start-up', 'sending', 'tail'], breakdown),
		);
	}

	async function throughput(): Promise<void> {
		meta.setLatency(LATENCY_MS);
		const contenders: Array<{ label: string; design: Design; id: string; concurrency: string; rounds: number; build: (id: string) => unknown }> = [];
		for (const design of designs) {
			contenders.push(
				{ label: `${design.label}, default settings (25 in flight, 100 msg/s)`, design, id: 'benchDefault0001', concurrency: '25', rounds: THROUGHPUT_ROUNDS, build: (id) => instagramWorkflow(id, THROUGHPUT_ITEMS, {}) },
				{ label: `${design.label}, tuned (100 in flight, no rate limit)`, design, id: 'benchTuned000001', concurrency: '100', rounds: THROUGHPUT_ROUNDS, build: (id) => instagramWorkflow(id, THROUGHPUT_ITEMS, { concurrency: 100, messagesPerSecond: 0 }) },
			);
		}
		contenders.push(
			{ label: 'this design, 200 in flight (the maximum), no rate limit', design: designs[0], id: 'benchAllFlight01', concurrency: '200', rounds: THROUGHPUT_ROUNDS, build: (id) => instagramWorkflow(id, THROUGHPUT_ITEMS, { concurrency: 200, messagesPerSecond: 0 }) },
			{ label: 'HTTP Request + Crypto nodes (batch 50, interval 0)', design: designs[0], id: 'benchHttpReq0001', concurrency: 'all', rounds: THROUGHPUT_ROUNDS, build: (id) => httpRequestWorkflow(id, THROUGHPUT_ITEMS, meta.url, 50) },
			{ label: 'this design, concurrency 1', design: designs[0], id: 'benchSerial00001', concurrency: '1', rounds: 1, build: (id) => instagramWorkflow(id, THROUGHPUT_ITEMS, { concurrency: 1, messagesPerSecond: 0 }) },
		);
		for (const contender of contenders) await contender.design.n8n.importWorkflows([contender.build(contender.id)]);
		const rates = new Map<string, number[]>();
		const key = (c: (typeof contenders)[number]) => c.label;
		for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
			for (const contender of contenders) {
				if (round >= contender.rounds) continue;
				const from = meta.requests.length;
				const run = await contender.design.n8n.execute(contender.id, env);
				const sent = since(meta.requests, from);
				if (run.code !== 0 || sent.filter((r) => r.messageId).length !== THROUGHPUT_ITEMS) {
					throw new Error(`${contender.label}: run failed (${run.code}), ${sent.length} requests\n${run.stdout.slice(-2000)}`);
				}
				rates.set(key(contender), [...(rates.get(key(contender)) ?? []), rateOf(sent, LATENCY_MS)]);
			}
		}
		const rateOfLabel = (label: string) => median(rates.get(label)!);
		const serial = rateOfLabel('this design, concurrency 1');
		const httpNode = rateOfLabel('HTTP Request + Crypto nodes (batch 50, interval 0)');
		console.log(
			table(
				`Throughput in n8n ${runtime.version}: ${THROUGHPUT_ITEMS} items, ${LATENCY_MS} ms simulated latency, no limit at Meta (median msg/s)`,
				['contender', 'in flight', 'rounds', 'msg/s (median)', '× concurrency 1', '× HTTP Request node'],
				contenders.map((c) => [c.label, c.concurrency, c.rounds, rateOfLabel(c.label), rateOfLabel(c.label) / serial, rateOfLabel(c.label) / httpNode]),
			),
		);
	}

	async function fidelity(): Promise<void> {
		meta.setLatency(LATENCY_MS);
		await current.importWorkflows([instagramWorkflow('benchFidelity001', FIDELITY_ITEMS, { concurrency: 50, messagesPerSecond: FIDELITY_RATE })]);
		const from = meta.requests.length;
		const fidelityRun = await current.execute('benchFidelity001', env);
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
		const ids = ['benchMemBaseline', 'benchMemNode0001', 'benchMemHttp0001'];
		for (const { n8n } of designs) {
			await n8n.importWorkflows([
				workflow('benchMemBaseline', 'memory baseline', [[contacts(MEMORY_ITEMS, 'mem'), genericNode('Pass', 'n8n-nodes-base.noOp', 1, {})]]),
				instagramWorkflow('benchMemNode0001', MEMORY_ITEMS, { concurrency: 100, messagesPerSecond: 0 }),
				httpRequestWorkflow('benchMemHttp0001', MEMORY_ITEMS, meta.url, 50),
			]);
		}
		const memory = new Map<string, number[]>();
		const runs: Array<[string, N8nInstance, string]> = [
			['baseline: Code → No Op', current, ids[0]],
			...designs.map((d): [string, N8nInstance, string] => [`Code → this node (${d.label})`, d.n8n, ids[1]]),
			['Code → Crypto → HTTP Request', current, ids[2]],
		];
		for (let round = 0; round < (smoke ? 1 : 3); round++) {
			for (const [label, n8n, id] of runs) {
				const { peakMb, ok } = await peakRss(n8n, id);
				if (!ok) throw new Error(`memory run ${label} failed`);
				memory.set(label, [...(memory.get(label) ?? []), peakMb]);
			}
		}
		const base = median(memory.get(runs[0][0])!);
		console.log(
			table(`Peak RSS of the n8n process, ${MEMORY_ITEMS} items (median of ${memory.get(runs[0][0])!.length})`, ['workflow', 'peak RSS MB', 'over baseline MB'], runs.map(([label]) => [label, median(memory.get(label)!), median(memory.get(label)!) - base])),
		);
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
