// Under load and faults, in a real n8n: 2,000 items against the imitation injecting rate
// limits, transient errors, 5xx, slow answers, timeouts and dropped connections, some of
// them after Meta delivered the message (as Meta can), so a wrongful resend shows up as a
// second delivery. Exactly one output per input, paired; no recipient messaged twice;
// every delivered message reported as sent or as "delivery unknown", never as a failure.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { Behaviour, MetaImitation } from '../../sandbox/metaImitation';
import { startMetaImitation } from '../../sandbox/metaImitation';
import { ACCESS_TOKEN, APP_SECRET, META_UUID } from '../support/fixtures';
import { N8nInstance, ensureRuntime, packTarball } from './support/n8n';
import { codeItems, credential, instagram, workflow } from './support/workflows';

const ITEMS = 2000;
const major = Number((process.env.E2E_N8N_MAJORS ?? '2').split(',')[0]);
const recipient = (i: number) => `1784150${String(i).padStart(10, '0')}`;
const throttle = (code: number, headers?: Record<string, string>): Behaviour => ({
	kind: 'graphError',
	status: code === 613 ? 429 : 400,
	code,
	message: `(#${code}) Application request limit reached`,
	headers,
});

/**
 * The fault each recipient meets, by index. Throttling pauses every send (the limit is
 * the app's), so the throttled patterns are rarer than the others to keep the run short.
 */
function faultsFor(i: number): Behaviour[] | undefined {
	if (i % 200 === 1) return [throttle(613, { 'retry-after': '1' }), { kind: 'accept' }];
	if (i % 200 === 10) return [throttle(17)];
	switch (i % 50) {
		case 0: return [throttle(4), { kind: 'accept' }];
		case 2: return [{ kind: 'graphError', status: 500, code: 2, message: 'Service temporarily unavailable', isTransient: true }, { kind: 'accept' }];
		case 3: return [{ kind: 'graphError', status: 500, code: 1, message: 'An unknown error occurred' }, { kind: 'graphError', status: 500, code: 1, message: 'An unknown error occurred' }, { kind: 'accept' }];
		case 4: return [{ kind: 'rawError', status: 503, body: '<html><body>Service Unavailable</body></html>' }];
		case 5: return [{ kind: 'rawError', status: 500, body: '' }];
		case 6: return [{ kind: 'slow', delayMs: 300 }];
		case 7: return [{ kind: 'deliverThenStall', delayMs: 4000 }, { kind: 'accept' }];
		case 8: return [{ kind: 'drop' }, { kind: 'accept' }];
		case 11: return [{ kind: 'acceptThenDrop' }, { kind: 'accept' }];
		case 12: return [{ kind: 'slow', delayMs: 4000 }, { kind: 'accept' }];
		case 9: return [{ kind: 'graphError', status: 400, code: 551, subcode: 1545041, message: "This person isn't available right now." }];
		default: return undefined;
	}
}

/**
 * What becomes of recipient i's message when the node never resends what may have been
 * delivered (timeout: 1500 ms): sent, delivered but unknown to the node, or not delivered.
 */
function expectedFate(i: number): 'sent' | 'deliveredUnknown' | 'notDelivered' {
	const first = faultsFor(i)?.[0];
	if (!first) return 'sent';
	switch (first.kind) {
		case 'deliverThenStall':
		case 'acceptThenDrop':
			return 'deliveredUnknown';
		case 'drop':
		case 'rawError':
			// Meta's answer never said it was accepted, so it is not sent again.
			return 'notDelivered';
		case 'slow':
			return first.delayMs < 1500 ? 'sent' : 'notDelivered';
		default: {
			const last = faultsFor(i)![faultsFor(i)!.length - 1];
			return last.kind === 'accept' ? 'sent' : 'notDelivered';
		}
	}
}

describe(`under load and faults in a real n8n ${major}.x`, () => {
	const tmp = mkdtempSync(path.join(tmpdir(), 'ig-load-'));
	let meta: MetaImitation;
	let n8n: N8nInstance;

	before(async () => {
		meta = await startMetaImitation({ apps: [{ accessToken: ACCESS_TOKEN, appSecret: APP_SECRET }], keepBodies: false });
		for (let i = 0; i < ITEMS; i++) {
			const faults = faultsFor(i);
			if (faults) meta.script(recipient(i), faults);
		}
		n8n = N8nInstance.create(ensureRuntime(major), packTarball(tmp));
		const cred = { id: 'igLoadCred000001', name: 'Instagram (imitation)' };
		await n8n.importCredentials([
			credential(cred.id, cred.name, { accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, apiVersion: 'v18.0', baseUrl: meta.url }),
		]);
		const items = Array.from({ length: ITEMS }, (_, i) => ({ id: recipient(i), text: `Message ${i}` }));
		await n8n.importWorkflows([
			workflow('wfLoadFaults0001', 'Load with faults', [
				[
					codeItems('Contacts', items),
					instagram('Send', cred, {
						userId: '={{ $json.id }}',
						messageText: '={{ $json.text }}',
						options: { concurrency: 50, messagesPerSecond: 400, maxRetries: 2, timeout: 1500 },
					}),
				],
			]),
		]);
	});

	after(async () => {
		await meta?.close();
		n8n?.remove();
		rmSync(tmp, { recursive: true, force: true });
	});

	it(`sends ${ITEMS} items: one paired output each, no duplicates, nothing lost`, async () => {
		const started = Date.now();
		const run = await n8n.execute('wfLoadFaults0001', { N8N_META_UUID: META_UUID });
		const seconds = (Date.now() - started) / 1000;
		assert.equal(run.code, 0, run.stdout.slice(-2000));
		const output = run.result!.data.resultData.runData.Send[0].data!.main[0];
		assert.equal(output.length, ITEMS);

		const accepted = new Map<string, string[]>();
		for (const request of meta.requests) {
			if (request.messageId && request.recipientId) {
				accepted.set(request.recipientId, [...(accepted.get(request.recipientId) ?? []), request.messageId]);
			}
		}
		const duplicates = [...accepted.values()].filter((ids) => ids.length > 1).length;
		let sent = 0;
		let failed = 0;
		let lost = 0;
		let deliveredUnknown = 0;
		const wrongFate: string[] = [];
		const failuresByKind: Record<string, number> = {};
		output.forEach((item, i) => {
			assert.equal(item.pairedItem?.item, i);
			const mids = accepted.get(recipient(i)) ?? [];
			let fate: ReturnType<typeof expectedFate>;
			if (item.json.success === true) {
				sent++;
				fate = 'sent';
				assert.equal(item.json.userId, recipient(i));
				assert.deepEqual(mids, [item.json.messageId], `item ${i}`);
			} else {
				failed++;
				const error = String(item.json.error);
				assert.match(error, /^(API Error: |Delivery unknown: )/, `item ${i}: ${error}`);
				const kind = error.startsWith('Delivery unknown') ? 'delivery unknown' : `API error ${item.json.errorCode ?? item.json.httpStatus}`;
				failuresByKind[kind] = (failuresByKind[kind] ?? 0) + 1;
				// A delivered message may be reported as unknown; never as a plain failure.
				if (mids.length > 0 && item.json.deliveryUnknown !== true) lost++;
				if (mids.length > 0) deliveredUnknown++;
				fate = mids.length > 0 ? 'deliveredUnknown' : 'notDelivered';
			}
			if (fate !== expectedFate(i)) wrongFate.push(`item ${i}: ${fate}, expected ${expectedFate(i)}`);
		});
		const figures = {
			items: ITEMS,
			requests: meta.requests.length,
			deliveries: [...accepted.values()].reduce((n, ids) => n + ids.length, 0),
			reportedSent: sent,
			reportedFailed: failed,
			deliveredButUnknown: deliveredUnknown,
			duplicates,
			lost,
			failuresByKind,
			seconds,
		};
		console.log(`load-with-faults figures: ${JSON.stringify(figures)}`);
		assert.equal(duplicates, 0, 'a message was delivered twice');
		assert.equal(lost, 0, 'a delivered message was reported as failed');
		assert.equal(sent + deliveredUnknown, figures.deliveries);
		assert.deepEqual(wrongFate, []);
		assert.ok(deliveredUnknown >= 60, 'the run met deliveries whose answer was lost');
		assert.deepEqual(meta.requests.filter((r) => r.tokenInUrl || !r.proofValid), []);
	});
});
