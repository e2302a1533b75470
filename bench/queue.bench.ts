// n8n 2.41.1 in queue mode (main, W workers, webhook processes, PostgreSQL, Redis) against
// the Meta imitation with a 300/s account limit (calls over it refused with code 613):
//   1. one campaign with Workers Sharing Limit = W: what a lone campaign gets (300 ÷ W);
//   2. W campaigns at once, one per worker, with the share: together, against the limit;
//   3. W campaigns at once without the share (each worker takes the whole limit): how far
//      Meta's refusals and the node's pause-and-retry alone keep them, without coordination;
//   4. signed Instagram deliveries through two webhook processes, executions finished per second.
// Messages per second are counted at the imitation: accepted calls between the first and
// the last arrival. Figures are printed, never asserted. BENCH_SMOKE=1 runs tiny sizes.
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { MetaImitation, RecordedRequest } from '../sandbox/metaImitation';
import { startMetaImitation } from '../sandbox/metaImitation';
import { ensureRuntime, packTarball } from '../tests/e2e/support/n8n';
import { QueueCluster } from '../tests/e2e/support/queue';
import { campaignWorkflow, credential, genericNode } from '../tests/e2e/support/workflows';
import { ACCESS_TOKEN, APP_SECRET, META_UUID } from '../tests/support/fixtures';
import { table } from './stats';

const smoke = process.env.BENCH_SMOKE === '1';
const LIMIT = 300;
const WORKER_COUNTS = smoke ? [1] : [1, 2, 4];
const MESSAGES = smoke ? 60 : 3000;
const DELIVERIES = smoke ? 20 : 600;
const IN_FLIGHT = 16;
const CRED = { id: 'igQueueBench0001', name: 'Instagram (queue bench)' };
const VERIFY_TOKEN = 'queue-bench-verify-token';
const ACCOUNT = '17841400000000888';

interface Measured {
	delivered: number;
	rate: number;
	refused613: number;
	failed: number;
}

async function waitUntil(probe: () => Promise<boolean> | boolean, timeoutMs = 600_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await probe())) {
		if (Date.now() > deadline) throw new Error('timed out');
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

async function campaigns(cluster: QueueCluster, meta: MetaImitation, workflowId: string, count: number, each: number): Promise<Measured> {
	const before = (await cluster.executions(workflowId)).length;
	const tags = Array.from({ length: count }, () => `b${randomUUID().slice(0, 8)}`);
	await Promise.all(
		tags.map(async (campaign, i) => {
			const response = await fetch(`${cluster.webhooks[0].url}/webhook/${workflowId}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ campaign, from: i * 1_000_000 + Math.floor(Math.random() * 100_000), count: each }),
			});
			if (response.status !== 200) throw new Error(`campaign start: ${response.status} ${await response.text()}`);
		}),
	);
	await waitUntil(async () => (await cluster.executions(workflowId)).filter((e) => !['new', 'running', 'waiting'].includes(e.status)).length >= before + count);
	const sends: RecordedRequest[] = meta.requests.filter((r) => r.call === 'text' && tags.some((tag) => String(r.text).startsWith(`${tag}:`)));
	const accepted = sends.filter((r) => r.delivered).sort((a, b) => a.at - b.at);
	const seconds = (accepted[accepted.length - 1].at - accepted[0].at) / 1000;
	return {
		delivered: accepted.length,
		rate: (accepted.length - 1) / Math.max(seconds, 0.001),
		refused613: sends.filter((r) => r.outcome === 'graphError:613').length,
		failed: count * each - accepted.length,
	};
}

async function main(): Promise<void> {
	const tmp = mkdtempSync(path.join(tmpdir(), 'ig-queue-bench-'));
	const tarball = packTarball(tmp);
	const runtime = ensureRuntime(2);
	const rows: Array<Array<string | number>> = [];
	const webhookRows: Array<Array<string | number>> = [];
	try {
		for (const workers of WORKER_COUNTS) {
			const meta = await startMetaImitation({ apps: [{ accessToken: ACCESS_TOKEN, appSecret: APP_SECRET }], sendLimitPerSecond: LIMIT, keepBodies: true });
			const shared = `wfBenchShare${workers}`;
			const unshared = `wfBenchAlone${workers}`;
			const trigger = `wfBenchHook${workers}`;
			const triggerHook = randomUUID();
			const cluster = await QueueCluster.start(runtime, tarball, { workers, webhooks: 2, env: { N8N_META_UUID: META_UUID } }, async (n8n) => {
				await n8n.importCredentials([credential(CRED.id, CRED.name, { accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, apiVersion: 'v18.0', baseUrl: meta.url })]);
				const hookNode = {
					...genericNode('Instagram Trigger', 'n8n-nodes-instagram-dm.instagramTrigger', 1, { events: ['message'], verifyToken: VERIFY_TOKEN, options: {} }, { instagramMessagingApi: CRED }),
					webhookId: triggerHook,
				};
				await n8n.importWorkflows([
					campaignWorkflow(shared, shared, '178416', CRED, { messagesPerSecond: LIMIT, workers, concurrency: 50 }),
					campaignWorkflow(unshared, unshared, '178416', CRED, { messagesPerSecond: LIMIT, workers: 1, concurrency: 50 }),
					{ id: trigger, name: trigger, active: false, settings: { executionOrder: 'v1' }, nodes: [hookNode], connections: {} },
				]);
			});
			try {
				for (const id of [shared, unshared, trigger]) await cluster.activate(id);
				for (const webhook of cluster.webhooks) {
					await waitUntil(async () => (await fetch(`${webhook.url}/webhook/${triggerHook}/webhook?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=ok`)).status === 200);
				}
				await waitUntil(async () => (await fetch(`${cluster.webhooks[0].url}/webhook/${shared}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ campaign: 'warm', from: 0, count: 1 }) })).status === 200);
				await waitUntil(async () => (await cluster.executions(shared)).some((e) => e.status === 'success'));

				const one = await campaigns(cluster, meta, shared, 1, MESSAGES);
				rows.push([`1 campaign, ${workers} worker(s), share ${workers}`, one.delivered, one.rate, LIMIT / workers, one.rate / LIMIT, one.refused613, one.failed]);
				const together = await campaigns(cluster, meta, shared, workers, MESSAGES / workers);
				rows.push([`${workers} campaign(s) at once, share ${workers}`, together.delivered, together.rate, LIMIT, together.rate / LIMIT, together.refused613, together.failed]);
				if (workers > 1) {
					const alone = await campaigns(cluster, meta, unshared, workers, MESSAGES / workers);
					rows.push([`${workers} campaigns at once, no share (Meta's 613s only)`, alone.delivered, alone.rate, LIMIT, alone.rate / LIMIT, alone.refused613, alone.failed]);
				}

				if (workers === WORKER_COUNTS[Math.min(1, WORKER_COUNTS.length - 1)]) {
					// Signed deliveries, alternating between the two webhook processes.
					const before = (await cluster.executions(trigger)).length;
					const start = performance.now();
					let next = 0;
					let ok = 0;
					await Promise.all(
						Array.from({ length: IN_FLIGHT }, async () => {
							while (next < DELIVERIES) {
								const n = next++;
								const body = JSON.stringify({
									object: 'instagram',
									entry: [{ id: ACCOUNT, time: Date.now(), messaging: [{ sender: { id: `178417${String(n).padStart(11, '0')}` }, recipient: { id: ACCOUNT }, timestamp: Date.now(), message: { mid: `mid.qb.${randomUUID()}`, text: 'hi' } }] }],
								});
								const response = await fetch(`${cluster.webhooks[n % 2].url}/webhook/${triggerHook}/webhook`, {
									method: 'POST',
									headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}` },
									body,
								});
								await response.arrayBuffer();
								if (response.status === 200) ok++;
							}
						}),
					);
					const answered = (performance.now() - start) / 1000;
					let finished = 0;
					await waitUntil(async () => {
						const { json } = await cluster.main.rest('GET', `/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId: trigger, status: ['success'] }))}&limit=1`);
						finished = (json?.data?.count as number) ?? 0;
						return finished >= before + ok;
					});
					const all = (performance.now() - start) / 1000;
					webhookRows.push([DELIVERIES, 2, workers, ok / answered, ok / all, DELIVERIES - ok]);
				}
			} finally {
				await cluster.stop();
				await meta.close();
			}
		}
		console.log(
			table(
				`Queue mode, n8n 2.41.1: campaigns against a ${LIMIT}/s account limit (Meta refusing calls over it with 613), ${MESSAGES} messages per row, Messages Per Second ${LIMIT}`,
				['run', 'delivered', 'msg/s at Meta', 'bound msg/s', '÷ limit', '613s met', 'not delivered'],
				rows,
			),
		);
		console.log(
			table(
				'Queue mode: signed Instagram deliveries through two webhook processes, executions run by the workers',
				['deliveries', 'webhook processes', 'workers', 'answered 200 /s', 'executions finished /s', 'lost'],
				webhookRows,
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
