// The Instagram Trigger in a real, running n8n 2.41.1, side by side in one run with n8n's
// own Webhook node (which checks nothing), each starting a one-node workflow:
//   1. latency: the median time from sending a POST to its 200, one request at a time;
//   2. sustained rate: a batch of deliveries, a fixed number in flight; deliveries per
//      second from the first POST until every one of them has started its execution, and
//      how many were lost (answered but never started, or not answered 200).
// n8n 2.x evaluates expressions in an isolate that every webhook except its own Webhook
// node must take before the node runs (one isolate by default); the full run repeats both
// parts with N8N_EXPRESSION_ENGINE=legacy, which has none, to show what is n8n's share.
// Each Instagram delivery is signed here with node:crypto and carries a new message ID.
// Figures are printed, never asserted. BENCH_SMOKE=1 runs tiny sizes.
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { RunningN8n } from '../tests/e2e/support/n8n';
import { N8nInstance, ensureRuntime, freePort, packTarball } from '../tests/e2e/support/n8n';
import { credential, genericNode } from '../tests/e2e/support/workflows';
import { ACCESS_TOKEN, APP_SECRET, META_UUID } from '../tests/support/fixtures';
import { median, table } from './stats';

const smoke = process.env.BENCH_SMOKE === '1';
const LATENCY_REQUESTS = smoke ? 10 : 300;
const BATCH = smoke ? 40 : 1000;
const IN_FLIGHT = 16;
const ENGINES = smoke ? ['vm'] : ['vm', 'legacy'];
const VERIFY_TOKEN = 'bench-verify-token';
const ACCOUNT = '17841400000000777';
const CRED = { id: 'igBenchTrigger01', name: 'Instagram (bench)' };
const TRIGGER_WORKFLOW = 'benchIgTrigger01';
const WEBHOOK_WORKFLOW = 'benchWebhook0001';

interface Contender {
	name: string;
	workflowId: string;
	url: string;
	/** A new delivery: its body and headers. */
	request(): { body: string; headers: Record<string, string> };
}

let counter = 0;
function delivery(): string {
	const n = ++counter;
	return JSON.stringify({
		object: 'instagram',
		entry: [
			{
				id: ACCOUNT,
				time: Date.now(),
				messaging: [
					{
						sender: { id: `1784150${String(n).padStart(10, '0')}` },
						recipient: { id: ACCOUNT },
						timestamp: Date.now(),
						message: { mid: `mid.bench.${randomUUID()}`, text: `benchmark message ${n}` },
					},
				],
			},
		],
	});
}

function oneNodeWorkflow(id: string, node: Record<string, unknown>) {
	return { id, name: id, active: false, settings: { executionOrder: 'v1' }, nodes: [node], connections: {} };
}

/** Deliveries each workflow answered with 200 so far: each starts one execution. */
const accepted = new Map<string, number>();

async function post(contender: Contender): Promise<{ status: number; ms: number }> {
	const { body, headers } = contender.request();
	const start = performance.now();
	try {
		const response = await fetch(contender.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
		await response.arrayBuffer();
		if (response.status === 200) accepted.set(contender.workflowId, (accepted.get(contender.workflowId) ?? 0) + 1);
		return { status: response.status, ms: performance.now() - start };
	} catch {
		return { status: 0, ms: performance.now() - start };
	}
}

async function executionCount(server: RunningN8n, workflowId: string): Promise<number> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const { json } = await server.rest('GET', `/rest/executions?filter=${filter}&limit=1`);
	return (json?.data?.count as number) ?? 0;
}

/** Waits until the workflow has `expected` executions, or its count stops growing for 30 s. */
async function settledCount(server: RunningN8n, workflowId: string, expected: number): Promise<number> {
	let last = -1;
	let stillSince = performance.now();
	for (;;) {
		const count = await executionCount(server, workflowId);
		if (count >= expected) return count;
		if (count !== last) stillSince = performance.now();
		if (performance.now() - stillSince > 30_000) return count;
		last = count;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

async function startN8n(engine: string, tmp: string, tarball: string): Promise<{ n8n: N8nInstance; server: RunningN8n; contenders: Contender[] }> {
	const n8n = N8nInstance.create(ensureRuntime(2), tarball);
	await n8n.importCredentials([credential(CRED.id, CRED.name, { accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, baseUrl: 'http://127.0.0.1:9' })]);
	const triggerHook = randomUUID();
	const webhookHook = randomUUID();
	const trigger = {
		...genericNode('Instagram Trigger', 'n8n-nodes-instagram-dm.instagramTrigger', 1, { events: ['message'], verifyToken: VERIFY_TOKEN, options: {} }, { instagramMessagingApi: CRED }),
		webhookId: triggerHook,
	};
	const webhook = {
		...genericNode('Webhook', 'n8n-nodes-base.webhook', 2, { httpMethod: 'POST', path: webhookHook, responseMode: 'onReceived', options: {} }),
		webhookId: webhookHook,
	};
	await n8n.importWorkflows([oneNodeWorkflow(TRIGGER_WORKFLOW, trigger), oneNodeWorkflow(WEBHOOK_WORKFLOW, webhook)]);
	for (const id of [TRIGGER_WORKFLOW, WEBHOOK_WORKFLOW]) {
		const published = await n8n.run(['publish:workflow', `--id=${id}`]);
		if (published.code !== 0) throw new Error(`publish failed: ${published.stdout}${published.stderr}`);
	}
	const port = await freePort();
	const server = await n8n.start(port, { N8N_META_UUID: META_UUID, WEBHOOK_URL: `http://127.0.0.1:${port}/`, N8N_EXPRESSION_ENGINE: engine });
	await server.setupOwner();
	const contenders: Contender[] = [
		{
			name: 'Instagram Trigger',
			workflowId: TRIGGER_WORKFLOW,
			url: `${server.url}/webhook/${triggerHook}/webhook`,
			request: () => {
				const body = delivery();
				return { body, headers: { 'x-hub-signature-256': `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}` } };
			},
		},
		{ name: "n8n's Webhook node", workflowId: WEBHOOK_WORKFLOW, url: `${server.url}/webhook/${webhookHook}`, request: () => ({ body: delivery(), headers: {} }) },
	];
	// Activation is asynchronous: wait until both answer.
	for (const contender of contenders) {
		for (let tries = 0; (await post(contender)).status !== 200; tries++) {
			if (tries > 150) throw new Error(`${contender.name} never answered 200`);
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
	}
	return { n8n, server, contenders };
}

async function main(): Promise<void> {
	const tmp = mkdtempSync(path.join(tmpdir(), 'ig-trigger-bench-'));
	const tarball = packTarball(tmp);
	const latencyRows: Array<Array<string | number>> = [];
	const rateRows: Array<Array<string | number>> = [];
	try {
		for (const engine of ENGINES) {
			accepted.clear();
			const { n8n, server, contenders } = await startN8n(engine, tmp, tarball);
			try {
				// 1. Latency, one request at a time, the contenders alternating.
				const latencies = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
				for (let i = 0; i < LATENCY_REQUESTS; i++) {
					for (const contender of contenders) latencies.get(contender.name)!.push((await post(contender)).ms);
				}
				const base = median(latencies.get(contenders[1].name)!);
				for (const contender of contenders) {
					const values = [...latencies.get(contender.name)!].sort((a, b) => a - b);
					latencyRows.push([contender.name, engine, median(values), values[Math.floor(values.length * 0.9)], median(values) / base]);
				}

				// 2. A batch with IN_FLIGHT requests in flight, until every execution has started.
				const rates = new Map<string, number>();
				for (const contender of contenders) {
					const before = await settledCount(server, contender.workflowId, accepted.get(contender.workflowId) ?? 0);
					const start = performance.now();
					let next = 0;
					const answers: Array<{ status: number; ms: number }> = [];
					await Promise.all(
						Array.from({ length: IN_FLIGHT }, async () => {
							while (next < BATCH) {
								next++;
								answers.push(await post(contender));
							}
						}),
					);
					const answeredSeconds = (performance.now() - start) / 1000;
					const ok = answers.filter((a) => a.status === 200).length;
					const started = (await settledCount(server, contender.workflowId, before + BATCH)) - before;
					const startedSeconds = (performance.now() - start) / 1000;
					const perSecond = Math.min(ok, started) / startedSeconds;
					rates.set(contender.name, perSecond);
					rateRows.push([contender.name, engine, BATCH, BATCH / answeredSeconds, perSecond, BATCH - Math.min(ok, started), median(answers.map((a) => a.ms))]);
				}
				rateRows[rateRows.length - 2].push(rates.get(contenders[0].name)! / rates.get(contenders[1].name)!);
				rateRows[rateRows.length - 1].push(1);
			} finally {
				await server.stop();
				n8n.remove();
			}
		}
		console.log(
			table(
				`Webhook latency in n8n 2.41.1: POST to 200, one at a time (${LATENCY_REQUESTS} requests each, alternating)`,
				['receiver', 'expression engine', 'median ms', 'p90 ms', '× Webhook node'],
				latencyRows,
			),
		);
		console.log(
			table(
				`Sustained deliveries in n8n 2.41.1: ${BATCH} deliveries, ${IN_FLIGHT} in flight, until every execution has started`,
				['receiver', 'expression engine', 'deliveries', 'answered/s', 'started/s (sustained)', 'lost', 'median ms to 200', '× Webhook node'],
				rateRows,
			),
		);
	} finally {
		rmSync(tmp, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
