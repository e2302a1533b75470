// A WebAssembly trap must cost one item, never the rest: the session fails the item whose
// call trapped with a clear error, moves to a fresh instance started from the same input,
// and carries on. Nothing is replayed: the core holds no state between answers.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';

import type { MetaImitation } from '../../sandbox/metaImitation';
import { startMetaImitation } from '../../sandbox/metaImitation';
import { ACCESS_TOKEN, APP_SECRET, META_UUID, USER_A, USER_B, USER_C, credentialsFor } from '../support/fixtures';
import { runNode } from '../support/nodeHarness';

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

/** A trapped call's address: far outside wasm memory. */
const OUTSIDE = 0x7ffffff0;

type Execution = { __wbg_ptr: number; requests(from: number, count: number): string; settle(a: unknown): unknown; free(): void };
type Core = { Execution: { start(input: unknown): Execution } };

/**
 * Leaves the instance as traps leave it. Every settle that traps keeps its answer's slot in
 * the instance's reference table; after about a thousand such traps the instance cannot
 * take another argument, and even starting an execution traps.
 */
function poison(core: Core): void {
	const execution = core.Execution.start(input);
	execution.free();
	execution.__wbg_ptr = OUTSIDE;
	for (let i = 0; i < 1100; i++) {
		assert.throws(() => execution.settle(answer(0, 'mid.x')), WebAssembly.RuntimeError);
	}
	execution.__wbg_ptr = 0;
	assert.throws(() => core.Execution.start(input), WebAssembly.RuntimeError, 'the instance is poisoned');
}

/**
 * Leaves the instance without stack, as traps do: a trapped call never gives back the stack
 * its frames took, and after enough of them the next call that needs stack traps.
 */
function exhaustStack(core: Core): void {
	const execution = core.Execution.start(input);
	execution.free();
	execution.__wbg_ptr = OUTSIDE;
	for (let traps = 1; ; traps++) {
		assert.throws(() => execution.requests(0, 64), WebAssembly.RuntimeError);
		if (traps % 100 !== 0) continue;
		try {
			core.Execution.start(input).free();
		} catch (error) {
			assert.ok(error instanceof WebAssembly.RuntimeError);
			break;
		}
	}
	execution.__wbg_ptr = 0;
}

/** An execution of a core that traps whenever it builds item `item`'s request. */
function trapsOnItem(execution: Execution, item: number): Execution {
	const requests = execution.requests.bind(execution);
	execution.requests = (from, count) => {
		if (from > item || item >= from + count) return requests(from, count);
		const ptr = execution.__wbg_ptr;
		execution.__wbg_ptr = OUTSIDE;
		try {
			return requests(from, count);
		} finally {
			execution.__wbg_ptr = ptr;
		}
	};
	return execution;
}

/** Makes every execution `session` runs, its current one and each fresh one after a trap, trap on item `item`'s request. */
function trapEveryExecutionOnItem(session: { execution: Execution }, item: number): void {
	let execution = trapsOnItem(session.execution, item);
	Object.defineProperty(session, 'execution', {
		get: () => execution,
		set: (fresh: Execution) => (execution = trapsOnItem(fresh, item)),
	});
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

	it('reports that the core failed to start when starting fails without a trap, and does not retry', async () => {
		const before = await loader.loadCore();
		// Reading this input uses up the instance's stack (the current instance: replacing one
		// that is not current answers the current one). The core's answer then lies outside
		// its memory, and the bindings fail to read it: a RangeError, not a trap.
		let reads = 0;
		const exhausting = {
			...input,
			toJSON() {
				reads++;
				exhaustStack(loader.replaceCore(null));
				return input;
			},
		};
		await assert.rejects(CoreSession.start(exhausting, node), (error: Error & { cause?: Error }) => {
			assert.equal(error.name, 'NodeOperationError');
			assert.equal(error.message, 'The Instagram node core failed to start');
			assert.ok(error.cause instanceof RangeError, `the cause is ${String(error.cause)}`);
			return true;
		});
		assert.equal(reads, 1, 'a failure that is not a trap is not retried');
		// Later tests get a healthy instance.
		loader.replaceCore(before);
	});

	it('items asked for in order cross from the core in one call per chunk', async () => {
		const session = await CoreSession.start(input, node);
		const requests = session.execution.requests.bind(session.execution);
		const asked: number[][] = [];
		session.execution.requests = (from: number, count: number) => {
			asked.push([from, count]);
			return requests(from, count);
		};
		const planned = [0, 1, 2].map((index) => session.request(index));
		assert.deepEqual(
			planned.map((p) => JSON.parse(p.request.body.text).recipient.id),
			[USER_A, USER_B, USER_C],
		);
		assert.deepEqual(asked, [[0, 64]], 'one crossing for the three items');
		session.free();
	});

	it('a trap while checking the items raises a node error and moves the session to a fresh instance', async () => {
		const session = await CoreSession.start(input, node);
		const before = await loader.loadCore();
		corrupt(session);
		assert.throws(() => session.plan(), { name: 'NodeOperationError', message: 'Internal error in the Instagram node core while checking the items' });
		assert.notEqual(await loader.loadCore(), before, 'the trapped instance was replaced');
		// The fresh execution plans from the same input.
		assert.deepEqual(session.plan().refused, []);
		session.free();
	});

	it('a failure that is not a trap (a freed execution) raises a node error and keeps the instance', async () => {
		const session = await CoreSession.start(input, node);
		const before = await loader.loadCore();
		session.free();
		// Freed: the execution's memory went back to the core, and the handle refuses any use.
		assert.throws(() => session.plan(), { name: 'NodeOperationError', message: 'Internal error in the Instagram node core while checking the items' });
		assert.throws(() => session.request(0), { name: 'NodeOperationError', message: 'The Instagram node core failed' });
		assert.equal(await loader.loadCore(), before, 'an instance that did not trap is kept');
	});

	it('an item whose request traps on the fresh instance too is refused, saying nothing was sent, and the next item is planned', async () => {
		const session = await CoreSession.start(input, node);
		// Every execution the session moves to traps on item 1's request as well.
		trapEveryExecutionOnItem(session, 1);
		const refused = session.request(1);
		assert.ok('refused' in refused, 'item 1 is refused');
		assert.match(refused.refused.message, /while preparing the request; nothing was sent/);
		assert.equal(refused.refused.deliveryUnknown, false);
		assert.equal(refused.refused.item.success, false);
		const next = session.request(2);
		assert.ok('request' in next, 'item 2 is planned');
		assert.match(next.request.body.text, new RegExp(USER_C));
		session.free();
	});

	it('says why an item was never settled, on a fresh instance after a trap', async () => {
		const session = await CoreSession.start(input, node);
		const before = await loader.loadCore();
		corrupt(session);
		const report = session.abandon(1, 'coreFailedBeforeSending');
		assert.match(report.message, /while preparing the request; nothing was sent/);
		assert.equal(report.item.userId, USER_B);
		assert.notEqual(await loader.loadCore(), before, 'the trapped instance was replaced');
		session.free();
	});

	it('answers for an item an earlier run sent, on the instance and on a fresh one after a trap', async () => {
		const session = await CoreSession.start(input, node);
		const healthy = session.skipped(0);
		assert.equal(healthy.success, true);
		assert.equal(healthy.skipped, true);
		assert.equal(healthy.userId, USER_A);
		corrupt(session);
		const recovered = session.skipped(2);
		assert.equal(recovered.success, true);
		assert.equal(recovered.skipped, true);
		assert.equal(recovered.userId, USER_C);
		session.free();
	});

	it('two executions that trap on the same instance move to one fresh instance, not one each', async () => {
		const one = await CoreSession.start(input, node);
		const two = await CoreSession.start(input, node);
		corrupt(one);
		assert.equal(one.settle(answer(0, 'mid.0')).outcome, 'failed');
		corrupt(two);
		assert.equal(two.settle(answer(1, 'mid.1')).outcome, 'failed');
		const current = await loader.loadCore();
		assert.equal(one.core, current);
		assert.equal(two.core, current, 'the second found the instance already replaced');
		one.free();
		two.free();
	});

	it('refuses to replace an instance before the core was ever loaded', () => {
		// A loader of its own, never loaded; the shared one is put back for the other tests.
		const file = require.resolve(path.join(dist, 'loader.js'));
		const shared = require.cache[file];
		delete require.cache[file];
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const unloaded = require(file);
		require.cache[file] = shared;
		assert.throws(() => unloaded.replaceCore({}), { message: 'The Instagram core was never loaded' });
	});
});

describe('trap recovery seen from the node', () => {
	let meta: MetaImitation;
	before(async () => {
		meta = await startMetaImitation({ apps: [{ accessToken: ACCESS_TOKEN, appSecret: APP_SECRET }] });
	});
	after(async () => {
		await meta.close();
	});
	beforeEach(() => {
		meta.reset();
		process.env.N8N_META_UUID = META_UUID;
	});

	const send = () =>
		runNode({
			items: [{}],
			params: { operation: 'sendMessage', userId: USER_A, messageText: 'after the trap', options: {} },
			credentials: credentialsFor(meta.url),
		});

	it('an execution that finds the instance poisoned by earlier traps starts on a fresh one and sends', async () => {
		// A fresh instance of its own to poison: nothing else lives in it.
		const poisoned = loader.replaceCore(await loader.loadCore());
		poison(poisoned);
		const result = await send();
		assert.ok(result.output, `expected output, got error: ${result.error?.message}`);
		assert.equal(result.output[0][0].json.success, true);
		assert.deepEqual(
			meta.requests.map((r) => [r.recipientId, r.text]),
			[[USER_A, 'after the trap']],
		);
		assert.notEqual(await loader.loadCore(), poisoned, 'the poisoned instance was replaced');
	});

	/** Every execution the node's session runs (the first and each fresh one) traps on item `item`'s request. */
	function sessionsTrapOnItem(item: number): () => void {
		const start = CoreSession.start;
		CoreSession.start = async (...args: unknown[]) => {
			const session = await start.apply(CoreSession, args);
			trapEveryExecutionOnItem(session, item);
			return session;
		};
		return () => (CoreSession.start = start);
	}

	const three = (continueOnFail: boolean) =>
		runNode({
			items: [{}, {}, {}],
			params: { operation: 'sendMessage', userId: (i: number) => [USER_A, USER_B, USER_C][i], messageText: 'hello', options: { concurrency: 1 } },
			credentials: credentialsFor(meta.url),
			continueOnFail,
		});

	it('an item the core cannot prepare on any instance is refused in its place, and the items around it are sent', async () => {
		const restore = sessionsTrapOnItem(1);
		try {
			const result = await three(true);
			assert.ok(result.output, `expected output, got error: ${result.error?.message}`);
			const items = result.output[0];
			assert.deepEqual(
				items.map((item) => [item.pairedItem, item.json.success, item.json.userId]),
				[
					[{ item: 0 }, true, USER_A],
					[{ item: 1 }, false, USER_B],
					[{ item: 2 }, true, USER_C],
				],
			);
			const { timestamp, ...refusal } = items[1].json;
			assert.match(String(timestamp), /^\d{4}-\d\d-\d\dT/);
			assert.deepEqual(refusal, {
				success: false,
				operation: 'sendMessage',
				userId: USER_B,
				error: 'Internal error in the Instagram node core while preparing the request; nothing was sent. Please report this.',
				retryable: false,
			});
			assert.deepEqual(
				meta.requests.map((r) => r.recipientId),
				[USER_A, USER_C],
				'nothing went for the refused item',
			);
		} finally {
			restore();
		}
	});

	it('without Continue On Fail, an item the core cannot prepare stops the node with its error and nothing after it is sent', async () => {
		const restore = sessionsTrapOnItem(1);
		try {
			const result = await three(false);
			assert.ok(result.error, 'the node fails');
			assert.match(result.error.message, /while preparing the request; nothing was sent/);
			assert.deepEqual(
				meta.requests.map((r) => r.recipientId),
				[USER_A],
			);
		} finally {
			restore();
		}
	});

	it('a healthy execution keeps the loaded instance for the next one', async () => {
		const before = await loader.loadCore();
		const result = await send();
		assert.ok(result.output, `expected output, got error: ${result.error?.message}`);
		assert.equal(result.output[0][0].json.success, true);
		assert.equal(await loader.loadCore(), before, 'no new instance for an execution that did not trap');
	});
});
