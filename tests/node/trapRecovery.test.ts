// A WebAssembly trap must cost one item, never the rest: the session reports a clear
// error for the call that trapped, moves to a fresh instance and carries on.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';

import { ACCESS_TOKEN, APP_SECRET, META_UUID, USER_A, USER_B, USER_C } from '../support/fixtures';

const dist = path.resolve('dist/js-wrapper/core');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CoreSession } = require(path.join(dist, 'session.js'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loader = require(path.join(dist, 'loader.js'));

const node = { id: 'n', name: 'Instagram', type: 'n8n-nodes-instagram-dm.instagram', typeVersion: 1, position: [0, 0], parameters: {} };

describe('core session', () => {
	it('reads a body the HTTP client already parsed into an object the same as its text', async () => {
		const session = await CoreSession.start(
			{
				operation: 'sendMessage',
				credentials: { accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, baseUrl: 'http://127.0.0.1:9' },
				environment: { N8N_META_UUID: META_UUID },
				startedAt: '2026-01-01T00:00:00.000Z',
				retry: { maxRetries: 0, retryUnknownDelivery: false },
				items: [{ userId: USER_A, messageText: 'hi' }, { userId: USER_B, messageText: 'hi' }],
			},
			node,
		);
		session.plan();
		assert.equal(session.settleResponse(0, 1, 200, undefined, { message_id: 'mid.2' }).outcome, 'sent');
		assert.equal(session.settleResponse(1, 1, 200, { 'retry-after': '3' }, '{"message_id":"mid.3"}').outcome, 'sent');
		assert.deepEqual(session.outputs().map((o: { messageId: string }) => o.messageId), ['mid.2', 'mid.3']);
		session.free();
	});
});

describe('trap recovery', () => {
	it('reports the trapped item and settles later items on a fresh instance', async () => {
		const input = {
			operation: 'sendMessage',
			credentials: { accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, baseUrl: 'http://127.0.0.1:9' },
			environment: { N8N_META_UUID: META_UUID },
			startedAt: '2026-01-01T00:00:00.000Z',
			retry: { maxRetries: 0, retryUnknownDelivery: false },
			items: [USER_A, USER_B, USER_C].map((userId) => ({ userId, messageText: 'hi' })),
		};
		const session = await CoreSession.start(input, node);
		const plan = session.plan();
		assert.equal(plan.jobs.length, 3);
		const before = await loader.loadCore();

		const first = session.settleResponse(0, 1, 200, {}, '{"recipient_id":"1","message_id":"mid.0"}');
		assert.equal(first.outcome, 'sent');

		// Corrupt the execution's handle so the next call reads far outside wasm memory.
		session.execution.__wbg_ptr = 0x7ffffff0;
		const trapped = session.settleResponse(1, 1, 200, {}, '{"recipient_id":"2","message_id":"mid.1"}');
		assert.equal(trapped.outcome, 'failed');
		assert.match(trapped.error.message, /Internal error in the Instagram node core/);
		assert.equal(trapped.error.item.success, false);
		assert.equal(trapped.error.item.deliveryUnknown, true);

		const third = session.settleResponse(2, 1, 200, {}, '{"recipient_id":"3","message_id":"mid.2"}');
		assert.equal(third.outcome, 'sent');

		// The fresh instance was brought up to date: the item settled before the trap kept its output.
		const outputs = session.outputs();
		assert.equal(outputs.length, 3);
		assert.equal(outputs[0].messageId, 'mid.0');
		assert.equal(outputs[0].userId, USER_A);
		assert.match(String(outputs[1].error), /Internal error in the Instagram node core/);
		assert.equal(outputs[2].messageId, 'mid.2');
		assert.equal(outputs[2].userId, USER_C);

		const after = await loader.loadCore();
		assert.notEqual(after, before, 'the trapped instance was replaced');
		session.free();
	});
});
