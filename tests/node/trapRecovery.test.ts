// A WebAssembly trap must cost one item, never the rest: the session fails the item whose
// call trapped with a clear error, moves to a fresh instance started from the same input,
// and carries on. Nothing is replayed: the core holds no state between answers.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';

import { ACCESS_TOKEN, APP_SECRET, META_UUID, USER_A, USER_B, USER_C } from '../support/fixtures';

const dist = path.resolve('dist/js-wrapper/bridge');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CoreSession } = require(path.join(dist, 'session.js'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loader = require(path.join(dist, 'loader.js'));

const node = { id: 'n', name: 'Instagram', type: 'n8n-nodes-instagram-dm.instagram', typeVersion: 1, position: [0, 0], parameters: {} };

const input = {
	resource: 'message',
	operation: 'sendMessage',
	credentials: { accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, baseUrl: 'http://127.0.0.1:9' },
	environment: { N8N_META_UUID: META_UUID },
	startedAt: '2026-01-01T00:00:00.000Z',
	retry: { maxRetries: 0, retryUnknownDelivery: false },
	items: [USER_A, USER_B, USER_C].map((userId) => ({ userId, messageText: 'hi' })),
};

function answer(index: number, messageId: string) {
	const response = { status: 200, headers: {}, body: `{"recipient_id":"1","message_id":"${messageId}"}` };
	return { index, attempt: 1, response, nowMs: 1_767_225_601_234, random: 0.5 };
}

/** Corrupts the execution's handle so its next call reads far outside wasm memory. */
function corrupt(session: { execution: { __wbg_ptr: number } }): void {
	session.execution.__wbg_ptr = 0x7ffffff0;
}

describe('trap recovery', () => {
	it('fails the trapped item clearly and settles later items on a fresh instance', async () => {
		const session = await CoreSession.start(input, node);
		assert.deepEqual(session.plan().refused, []);
		const before = await loader.loadCore();

		const first = session.settle(answer(0, 'mid.0'));
		assert.equal(first.outcome, 'done');
		assert.equal(first.outputs[0].messageId, 'mid.0');

		corrupt(session);
		const trapped = session.settle(answer(1, 'mid.1'));
		assert.equal(trapped.outcome, 'failed');
		assert.match(trapped.error.message, /Internal error in the Instagram node core while reading the response/);
		assert.equal(trapped.error.item.success, false);
		assert.equal(trapped.error.item.deliveryUnknown, true);

		// The fresh instance answers for the items that follow, with their own parameters.
		const third = session.settle(answer(2, 'mid.2'));
		assert.equal(third.outcome, 'done');
		assert.equal(third.outputs[0].userId, USER_C);
		assert.equal(third.outputs[0].messageId, 'mid.2');

		const after = await loader.loadCore();
		assert.notEqual(after, before, 'the trapped instance was replaced');
		session.free();
	});

	it('a trap while preparing requests moves to a fresh instance, which plans the item', async () => {
		const session = await CoreSession.start(input, node);
		const before = await loader.loadCore();
		corrupt(session);
		const planned = session.request(1);
		assert.ok('request' in planned, 'the item is planned on the fresh instance');
		assert.match(planned.request.body.text, new RegExp(USER_B));
		assert.notEqual(await loader.loadCore(), before, 'the trapped instance was replaced');
		session.free();
	});

	it('says nothing was sent when the core cannot prepare an item at all', async () => {
		const core = await loader.loadCore();
		const execution = core.Execution.start(input);
		const report = execution.abandon(1, 'coreFailedBeforeSending');
		assert.match(report.message, /while preparing the request; nothing was sent/);
		assert.equal(report.deliveryUnknown, false);
		execution.free();
	});

	it('keeps no answer alive: a fresh instance started from the input answers the same', async () => {
		const core = await loader.loadCore();
		const one = core.Execution.start(input);
		const two = core.Execution.start(input);
		one.settle(answer(0, 'mid.x'));
		assert.deepEqual(one.settle(answer(2, 'mid.y')), two.settle(answer(2, 'mid.y')));
		one.free();
		two.free();
	});
});
