// The Instagram Trigger in a real, running n8n 2.41.1, side by side in one run with n8n's
// own Webhook node (which checks nothing), each starting a one-node workflow:
//   1. latency: the median time from sending a POST to its 200, one request at a time;
//   2. sustained rate: deliveries sent at a fixed rate for a few seconds; the largest rate
//      at which every delivery got its 200 and started its execution (none lost).
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
const RATES = smoke ? [20] : [50, 100, 200, 400];
const RATE_SECONDS = smoke ? 1 : 5;
const VERIFY_TOKEN = 'bench-verify-token';
const ACCOUNT = '17841400000000777';
const CRED = { id: 'igBenchTrigger01', name: 'Instagram (bench)' };

interface Contender {
	name: string;
	workflowId: string;
	url: string;
	/** The request for delivery number `n`. */
	request(n: number): { body: string; headers: Record<string, string> };
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

async function post(contender: Contender, n: number): Promise<{ status: number; ms: number }> {
	const { body, headers } = contender.request(n);
	const start = performance.now();
	const response = await fetch(contender.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
	await response.arrayBuffer();
	return { status: response.status, ms: performance.now() - start };
}

async function executionCount(server: RunningN8n, workflowId: string): Promise<number> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const { json } = await server.rest('GET', `/rest/executions?filter=${filter}&limit=1`);
	return (json?.data?.count as number) ?? 0;
}

/** Waits until the workflow's execution count stops growing (or reaches `expected`). */
async function settledCount(server: RunningN8n, workflowId: string, expected: number): Promise<number> {
	let last = -1;
	let still = 0;
	for (let i = 0; i < 300; i++) {
		const count = await executionCount(server, workflowId);
		if (count >= expected) return count;
		still = count === last ? still + 1 : 0;
		if (still >= 10) return count;
		last = count;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	return last;
}

async function main(): Promise<void> {
	const tmp = mkdtempSync(path.join(tmpdir(), 'ig-trigger-bench-'));
	const runtime = ensureRuntime(2);
	const n8n = N8nInstance.create(runtime, packTarball(tmp));
	let server: RunningN8n | undefined;
	try {
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
		await n8n.importWorkflows([oneNodeWorkflow('benchIgTrigger01', trigger), oneNodeWorkflow('benchWebhook0001', webhook)]);
		for (const id of ['benchIgTrigger01', 'benchWebhook0001']) {
			const published = await n8n.run(['publish:workflow', `--id=${id}`]);
			if (published.code !== 0) throw new Error(`publish failed: ${published.stdout}${published.stderr}`);
		}
		const port = await freePort();
		server = await n8n.start(port, { N8N_META_UUID: META_UUID, WEBHOOK_URL: `http://127.0.0.1:${port}/`, N8N_LOG_LEVEL: 'warn' });
		await server.setupOwner();
		const contenders: Contender[] = [
			{
				name: 'Instagram Trigger (signature checked, events read, deduplicated)',
				workflowId: 'benchIgTrigger01',
				url: `${server.url}/webhook/${triggerHook}/webhook`,
				request: () => {
					const body = delivery();
					return { body, headers: { 'x-hub-signature-256': `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}` } };
				},
			},
			{
				name: "n8n's Webhook node (no verification)",
				workflowId: 'benchWebhook0001',
				url: `${server.url}/webhook/${webhookHook}`,
				request: () => ({ body: delivery(), headers: {} }),
			},
		];
		// Activation is asynchronous: wait until both answer.
		for (const contender of contenders) {
			for (let tries = 0; (await post(contender, 0)).status !== 200; tries++) {
				if (tries > 150) throw new Error(`${contender.name} never answered 200`);
				await new Promise((resolve) => setTimeout(resolve, 200));
			}
		}

		// 1. Latency, one request at a time, the contenders alternating.
		const latencies = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
		for (let i = 0; i < LATENCY_REQUESTS; i++) {
			for (const contender of contenders) latencies.get(contender.name)!.push((await post(contender, i)).ms);
		}
		const base = median(latencies.get(contenders[1].name)!);
		console.log(
			table(
				`Webhook latency: POST to 200, one at a time (${LATENCY_REQUESTS} requests each, alternating)`,
				['receiver', 'median ms', 'p90 ms', '× Webhook node'],
				contenders.map((c) => {
					const values = [...latencies.get(c.name)!].sort((a, b) => a - b);
					return [c.name, median(values), values[Math.floor(values.length * 0.9)], median(values) / base];
				}),
			),
		);

		// 2. Sustained rate: send at `rate` for RATE_SECONDS, then count executions.
		const rows: Array<Array<string | number>> = [];
		const best = new Map<string, number>();
		for (const rate of RATES) {
			for (const contender of contenders) {
				const before = await executionCount(server, contender.workflowId);
				const total = rate * RATE_SECONDS;
				const start = performance.now();
				const sends: Array<Promise<{ status: number; ms: number }>> = [];
				for (let i = 0; i < total; i++) {
					const due = start + (i * 1000) / rate;
					const wait = due - performance.now();
					if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
					sends.push(post(contender, i).catch(() => ({ status: 0, ms: 0 })));
				}
				const answers = await Promise.all(sends);
				const sentSeconds = (performance.now() - start) / 1000;
				const ok = answers.filter((a) => a.status === 200).length;
				const started = (await settledCount(server, contender.workflowId, before + total)) - before;
				const lost = total - Math.min(ok, started);
				if (lost === 0) best.set(contender.name, Math.max(best.get(contender.name) ?? 0, rate));
				rows.push([contender.name, rate, total / sentSeconds, ok, started, lost, median(answers.map((a) => a.ms))]);
			}
		}
		console.log(
			table(
				`Sustained deliveries: ${RATE_SECONDS} s at each rate`,
				['receiver', 'target/s', 'sent/s', '200s', 'executions', 'lost', 'median ms'],
				rows,
			),
		);
		console.log(
			table(
				'Largest rate with every delivery answered and started',
				['receiver', 'deliveries/s', '× Webhook node'],
				contenders.map((c) => [c.name, best.get(c.name) ?? 0, (best.get(c.name) ?? 0) / (best.get(contenders[1].name) || 1)]),
			),
		);
	} finally {
		await server?.stop();
		n8n.remove();
		rmSync(tmp, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
