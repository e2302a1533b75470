// The operations beyond Send Message, run in n8n's execution context against the Meta
// imitation: what reaches Meta, what comes back, and that bad input sends nothing.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';

import type { MetaImitation } from '../../sandbox/metaImitation';
import { startMetaImitation } from '../../sandbox/metaImitation';
import { ACCESS_TOKEN, APP_SECRET, META_UUID, USER_A, USER_B, credentialsFor } from '../support/fixtures';
import type { RunOptions, RunResult } from '../support/nodeHarness';
import { runNode } from '../support/nodeHarness';

let meta: MetaImitation;

function run(params: RunOptions['params'], extra: Partial<RunOptions> = {}): Promise<RunResult> {
	return runNode({
		items: extra.items ?? [{}],
		params: { options: {}, ...params },
		credentials: credentialsFor(meta.url),
		continueOnFail: extra.continueOnFail,
	});
}

function jsonOf(result: RunResult) {
	assert.ok(result.output, `expected output, got error: ${result.error?.message}`);
	return result.output[0].map((item) => item.json);
}

describe('the other operations against the Meta imitation', () => {
	before(async () => {
		meta = await startMetaImitation({ apps: [{ accessToken: ACCESS_TOKEN, appSecret: APP_SECRET }] });
	});
	after(async () => meta.close());
	beforeEach(() => {
		meta.reset();
		process.env.N8N_META_UUID = META_UUID;
	});

	it('Send Action shows typing to each recipient, and Meta answers with the recipient only', async () => {
		const ids = [USER_A, USER_B];
		const result = await run(
			{ resource: 'message', operation: 'sendAction', userId: (i: number) => ids[i], action: 'typing_on' },
			{ items: [{}, {}] },
		);
		const items = jsonOf(result);
		assert.deepEqual(
			items.map((item) => [item.success, item.operation, item.userId, item.senderAction]),
			[
				[true, 'sendAction', USER_A, 'typing_on'],
				[true, 'sendAction', USER_B, 'typing_on'],
			],
		);
		assert.deepEqual(Object.keys(items[0]), ['success', 'operation', 'userId', 'senderAction', 'appSecretProofUsed', 'timestamp', 'nodeVersion']);
		assert.deepEqual(
			meta.requests.map((r) => [r.call, r.body]),
			ids.map((id) => ['senderAction', { recipient: { id }, sender_action: 'typing_on' }]),
		);
		assert.ok(meta.requests.every((r) => r.proofValid && !r.tokenInUrl));
	});

	it('Send Media sends an attachment by URL and reports the message ID Meta gave', async () => {
		const url = 'https://cdn.example.com/catalogue/price-list.pdf';
		const [item] = jsonOf(await run({ operation: 'sendMedia', userId: USER_A, mediaType: 'file', mediaUrl: url }));
		assert.equal(item.success, true);
		assert.equal(item.mediaType, 'file');
		assert.equal(item.mediaUrl, url);
		assert.equal(item.messageId, meta.requests[0].messageId);
		assert.deepEqual(meta.requests[0].body, { recipient: { id: USER_A }, message: { attachment: { type: 'file', payload: { url } } } });
	});

	it('Get Profile reads the default fields, and the fields a user lists', async () => {
		const [item] = jsonOf(await run({ resource: 'user', operation: 'getProfile', userId: USER_A }));
		assert.deepEqual(Object.keys(item), ['success', 'operation', 'userId', 'name', 'username', 'profile_pic', 'timestamp']);
		assert.equal(item.username, `person_${USER_A.slice(-4)}`);
		assert.equal(meta.requests[0].method, 'GET');
		assert.equal(meta.requests[0].path, `/v18.0/${USER_A}`);
		assert.equal(meta.requests[0].query.fields, 'name,username,profile_pic');

		meta.reset();
		const [custom] = jsonOf(
			await run({ resource: 'user', operation: 'getProfile', userId: USER_A, options: { fields: 'follower_count, name' } }),
		);
		assert.deepEqual(Object.keys(custom), ['success', 'operation', 'userId', 'follower_count', 'name', 'timestamp']);
		assert.equal(meta.requests[0].query.fields, 'follower_count,name');
	});

	it("Get Profile passes Meta's refusal of an unknown field through, with Continue On Fail", async () => {
		const [item] = jsonOf(
			await run({ resource: 'user', operation: 'getProfile', userId: USER_A, options: { fields: 'shoe_size' } }, { continueOnFail: true }),
		);
		assert.equal(item.success, false);
		assert.equal(item.error, 'API Error: (#100) Tried accessing nonexisting field (shoe_size)');
		assert.equal(item.operation, 'getProfile');
	});

	it('answers an operation it does not know (a workflow from a newer version) by naming the ones it has, and sends nothing', async () => {
		const [item] = jsonOf(await run({ operation: 'sendFax', userId: USER_A, options: { sentKey: 'fax-1' } }, { continueOnFail: true }));
		assert.equal(item.success, false);
		assert.match(String(item.error), /^Unknown operation "sendFax"; this node supports sendMessage, sendMedia, .*, getProfile$/);
		assert.equal(meta.requests.length, 0);
	});

	it('refuses bad input for each operation before anything is sent', async () => {
		const cases: Array<[RunOptions['params'], RegExp]> = [
			[{ operation: 'sendAction', userId: USER_A, action: 'typing' }, /^Action must be one of "typing_on", "typing_off", "mark_seen"/],
			[{ operation: 'sendMedia', userId: USER_A, mediaType: 'image', mediaUrl: 'http://cdn.example.com/a.jpg' }, /^Media URL must be an absolute https address/],
			[{ operation: 'sendMedia', userId: '@ada', mediaType: 'image', mediaUrl: 'https://cdn.example.com/a.jpg' }, /^User ID must be the recipient's Instagram-scoped ID/],
			[{ resource: 'user', operation: 'getProfile', userId: USER_A, options: { fields: 'name;drop' } }, /^Fields must be a comma-separated list/],
		];
		for (const [params, expected] of cases) {
			const result = await run(params);
			assert.match(result.error?.message ?? '(no error)', expected);
			assert.equal(meta.requests.length, 0, `${String(params.operation)} sent something`);
		}
	});
});
