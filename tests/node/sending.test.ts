// How the node sends, in n8n's execution context against the Meta imitation: the rate
// limit Meta enforces, everyone pausing when Meta throttles, stopping at the first failure,
// never resending what may have been delivered, and a cancelled run that loses no item.
// Assertions are on what the imitation saw (counts and order), never on durations.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';

import type { MetaImitation } from '../../sandbox/metaImitation';
import { startMetaImitation } from '../../sandbox/metaImitation';
import { ACCESS_TOKEN, APP_SECRET, META_UUID, credentialsFor } from '../support/fixtures';
import type { RunOptions, RunResult } from '../support/nodeHarness';
import { runNode } from '../support/nodeHarness';

let meta: MetaImitation;
/**
 * Tokens of other accounts, for the tests where Meta throttles or reports high usage: the
 * node slows down or pauses the whole account (in this process), which would hold the
 * other tests' sends, and the other tests' calls would count against these tests' pace.
 */
const HELD_TOKEN = `test-token-${randomBytes(20).toString('hex')}`;
const PAUSED_TOKEN = `test-token-${randomBytes(20).toString('hex')}`;
const USAGE_TOKEN = `test-token-${randomBytes(20).toString('hex')}`;
/** The imitation's Instagram account, which Meta's usage report names. */
const INSTAGRAM_ACCOUNT = '17841499000000000';
const recipient = (i: number) => `1784170${String(i).padStart(10, '0')}`;

function send(count: number, options: Record<string, unknown>, extra: Partial<RunOptions> = {}): Promise<RunResult> {
	return runNode({
		items: Array.from({ length: count }, () => ({})),
		params: { operation: 'sendMessage', userId: (i: number) => recipient(i), messageText: (i: number) => `message ${i}`, options },
		credentials: credentialsFor(meta.url),
		...extra,
	});
}

function jsonOf(result: RunResult) {
	assert.ok(result.output, `expected output, got error: ${result.error?.message}`);
	return result.output[0].map((item) => item.json);
}

describe('sending against the Meta imitation', () => {
	before(async () => {
		meta = await startMetaImitation({
			apps: [
				{ accessToken: ACCESS_TOKEN, appSecret: APP_SECRET },
				{ accessToken: HELD_TOKEN, appSecret: APP_SECRET },
				{ accessToken: PAUSED_TOKEN, appSecret: APP_SECRET },
				{ accessToken: USAGE_TOKEN, appSecret: APP_SECRET },
			],
		});
	});
	after(async () => meta.close());
	beforeEach(() => {
		meta.reset();
		meta.setSendLimit(undefined);
		process.env.N8N_META_UUID = META_UUID;
	});

	it("keeps under Meta's sliding one-second limit: no call is throttled", async () => {
		// The node and the imitation share one event loop here, so a busy machine delays the
		// imitation's clock: at 4 per second, even two of the node's windows counted in one
		// second stay within 8. Without the limiter, all 9 go at once. (The benchmark
		// measures the node exactly at Meta's limit, in a real n8n.)
		meta.setSendLimit(8);
		const items = jsonOf(await send(9, { concurrency: 9, messagesPerSecond: 4 }, { continueOnFail: true }));
		assert.equal(items.filter((item) => item.success === true).length, 9);
		assert.deepEqual(meta.requests.filter((r) => r.outcome === 'graphError:613').map((r) => r.seq), [], 'Meta throttled a call');
		assert.equal(meta.requests.length, 9);
	});

	it('shares one limit per account between two executions running at once', async () => {
		// Each execution allows 5 a second; together, unshared, they would send 10 a second
		// into Meta's 8. Shared, they keep to 5 between them (the same slack as above).
		meta.setSendLimit(8);
		const [a, b] = await Promise.all([
			send(15, { concurrency: 15, messagesPerSecond: 5, maxRetries: 0 }, { continueOnFail: true }),
			send(15, { concurrency: 15, messagesPerSecond: 5, maxRetries: 0 }, { continueOnFail: true }),
		]);
		assert.equal([...jsonOf(a), ...jsonOf(b)].filter((item) => item.success === true).length, 30);
		assert.deepEqual(meta.requests.filter((r) => r.outcome === 'graphError:613').map((r) => r.seq), [], 'Meta throttled a call');
		assert.equal(meta.requests.length, 30);
	});

	it('pauses every send while Meta throttles one of them', async () => {
		const throttled = recipient(0);
		meta.script(throttled, [
			{ kind: 'graphError', status: 429, code: 4, message: '(#4) Application request limit reached' },
			{ kind: 'accept' },
		]);
		const items = jsonOf(await send(20, { concurrency: 2, messagesPerSecond: 0 }));
		assert.ok(items.every((item) => item.success === true));
		const first = meta.requests.findIndex((r) => r.recipientId === throttled);
		const retry = meta.requests.findIndex((r, i) => i > first && r.recipientId === throttled);
		const between = meta.requests.slice(first + 1, retry).length;
		// Without the pause the other sender sends nearly all 19 others while the throttled one
		// waits out its backoff; with it, at most what was already under way.
		assert.ok(between <= 3, `${between} sends went out while Meta was throttling`);
	});

	it("waits out Meta's time to regain access before resending: each message is delivered once, and none refused twice", async () => {
		// As Meta does, the imitation refuses every call for the account that arrives before
		// the time to regain access it gave. A resend that did not wait is refused again. (The
		// estimate is in minutes; a fraction keeps the test short.) Only the other sender's call
		// already under way can arrive in the hold; it waits out the same time before its resend.
		// Its own token: the report of 100% usage slows the account down.
		meta.setThrottling({ hold: true });
		const usage = { [INSTAGRAM_ACCOUNT]: [{ type: 'instagram', call_count: 100, total_cputime: 10, total_time: 10, estimated_time_to_regain_access: 0.02 }] };
		meta.script(recipient(0), [
			{ kind: 'graphError', status: 400, code: 80002, message: 'There have been too many calls to this Instagram account.', headers: { 'X-Business-Use-Case-Usage': JSON.stringify(usage) } },
			{ kind: 'accept' },
		]);
		const items = jsonOf(await send(8, { concurrency: 2, messagesPerSecond: 0 }, { continueOnFail: true, credentials: credentialsFor(meta.url, { accessToken: HELD_TOKEN }) }));
		assert.deepEqual(items.map((item) => item.success), Array(8).fill(true));
		const delivered = meta.requests.filter((r) => r.delivered).map((r) => r.recipientId).sort();
		assert.deepEqual(delivered, Array.from({ length: 8 }, (_, i) => recipient(i)).sort(), 'every message delivered exactly once');
		assert.ok(meta.requests.filter((r) => r.outcome === 'stillThrottled').length <= 1, 'calls arrived while Meta held the account');
		assert.equal(meta.requests.filter((r) => r.recipientId === recipient(0)).length, 2, 'the throttled message went twice: refused, then delivered');
	});

	it('holds the sends waiting for their turn until Meta lets the account call again', async () => {
		// Five a second: items 1 to 4 go with item 0, and items 5 and 6 wait for the next
		// second. Meta answers item 0 late, throttling the account for a second from its answer
		// (Retry-After; the usage report's estimate works the same, but its 100% usage would
		// also slow the account down). The waiting sends must wait for that second too: one that
		// went when its turn came would arrive in the hold and be refused.
		meta.setThrottling({ hold: true });
		meta.script(recipient(0), [
			{ kind: 'slow', delayMs: 500, then: { kind: 'graphError', status: 429, code: 4, message: '(#4) Application request limit reached', headers: { 'Retry-After': '1' } } },
			{ kind: 'accept' },
		]);
		const items = jsonOf(await send(7, { concurrency: 3, messagesPerSecond: 5 }, { continueOnFail: true, credentials: credentialsFor(meta.url, { accessToken: PAUSED_TOKEN }) }));
		assert.deepEqual(items.map((item) => item.success), Array(7).fill(true));
		assert.deepEqual(meta.requests.filter((r) => r.outcome === 'stillThrottled').map((r) => r.seq), [], 'calls arrived while Meta held the account');
		const delivered = meta.requests.filter((r) => r.delivered).map((r) => r.recipientId).sort();
		assert.deepEqual(delivered, Array.from({ length: 7 }, (_, i) => recipient(i)).sort(), 'every message delivered exactly once');
	});

	it('keeps sending the other messages while one waits to resend after a temporary error', async () => {
		// A temporary failure of one call (Meta asks for a second) is not a throttle: the other
		// sends go on meanwhile, so the resend is the last call. Pausing everyone for it would
		// hold the other sender until the resend goes.
		meta.script(recipient(0), [
			{ kind: 'graphError', status: 503, code: 2, message: 'Service temporarily unavailable', isTransient: true, headers: { 'Retry-After': '1' } },
			{ kind: 'accept' },
		]);
		const items = jsonOf(await send(10, { concurrency: 2, messagesPerSecond: 0 }));
		assert.ok(items.every((item) => item.success === true));
		assert.equal(meta.requests.length, 11);
		assert.deepEqual(meta.requests.map((r) => r.recipientId).slice(-1), [recipient(0)], 'the resend went last');
		assert.equal(meta.requests[0].recipientId, recipient(0));
	});

	it("slows down when Meta's usage report nears the account's allowance, so Meta never refuses a call", async () => {
		// Meta reports the share of the account's allowance used in every answer and refuses
		// calls past it. At 10 a second against an allowance of 8, the node would overrun it
		// within the first second; slowing down as the report rises keeps it under. One sender:
		// each report is in before the next call goes. Its own token, as above.
		meta.setThrottling({ usagePerSecond: 8 });
		const items = jsonOf(await send(10, { concurrency: 1, messagesPerSecond: 10, maxRetries: 0 }, { continueOnFail: true, credentials: credentialsFor(meta.url, { accessToken: USAGE_TOKEN }) }));
		assert.deepEqual(meta.requests.filter((r) => r.status !== 200).map((r) => r.outcome), [], 'Meta refused a call');
		assert.deepEqual(items.map((item) => item.success), Array(10).fill(true));
	});

	it('without Continue On Fail, stops at the first failure: later items are not sent', async () => {
		meta.script(recipient(0), [{ kind: 'graphError', status: 403, code: 200, message: '(#200) App does not have permission' }]);
		const result = await send(3, { concurrency: 1 });
		assert.equal(result.error?.message, 'API Error: (#200) App does not have permission');
		assert.deepEqual(meta.requests.map((r) => r.recipientId), [recipient(0)]);
	});

	for (const [label, behaviour, delivered] of [
		['a timeout', { kind: 'slow', delayMs: 1500 }, false],
		['a dropped connection', { kind: 'drop' }, false],
		['a timeout after Meta delivered', { kind: 'deliverThenStall', delayMs: 1500 }, true],
		['a connection dropped after Meta delivered', { kind: 'acceptThenDrop' }, true],
	] as const) {
		it(`never resends after ${label}, and says delivery is unknown`, async () => {
			meta.script(recipient(0), [behaviour, { kind: 'accept' }]);
			const [item] = jsonOf(await send(1, { timeout: 300, maxRetries: 3 }, { continueOnFail: true }));
			assert.equal(item.success, false);
			assert.match(String(item.error), /^Delivery unknown: /);
			assert.equal(item.deliveryUnknown, true);
			assert.equal(meta.requests.length, 1, 'the message was sent again');
			assert.equal(meta.requests.filter((r) => r.delivered).length, delivered ? 1 : 0);
		});
	}

	it('resends after a timeout only when the user opts into at-least-once delivery', async () => {
		meta.script(recipient(0), [{ kind: 'deliverThenStall', delayMs: 1500 }, { kind: 'accept' }]);
		const [item] = jsonOf(await send(1, { timeout: 300, retryUnknownDelivery: true }, { continueOnFail: true }));
		assert.equal(item.success, true);
		assert.equal(meta.requests.filter((r) => r.delivered).length, 2, 'opted in: delivered twice');
	});

	it('without Continue On Fail, a run cancelled while an item waits for its rate slot stops before sending it, and says not every message was sent', async () => {
		const abort = new AbortController();
		// One message every two seconds: the second (last) item waits for its slot.
		const running = send(2, { concurrency: 1, messagesPerSecond: 0.5 }, { signal: abort.signal });
		// Cancelled once the first answer is in, while the second item waits for its slot.
		while (!meta.requests[0]?.status) await new Promise((resolve) => setImmediate(resolve));
		await new Promise((resolve) => setTimeout(resolve, 300));
		abort.abort();
		const result = await running;
		assert.equal(result.output, undefined);
		assert.equal(result.error?.message, 'The execution was cancelled before every message was sent');
		assert.equal(meta.requests.length, 1, 'nothing went after the cancellation');
	});

	it('sends as many at once as Concurrent Requests allows, no more', async () => {
		// Each answer comes 300 ms after its call arrives: four sent at once are in flight together.
		for (let i = 0; i < 4; i++) meta.script(recipient(i), [{ kind: 'slow', delayMs: 300 }]);
		await send(4, { concurrency: 4, messagesPerSecond: 0 });
		assert.equal(meta.requests.length, 4);
		assert.equal(Math.max(...meta.requests.map((r) => r.inFlightOnArrival)), 4, 'all four were in flight together');
		meta.reset();
		for (let i = 0; i < 3; i++) meta.script(recipient(i), [{ kind: 'slow', delayMs: 50 }]);
		await send(3, { concurrency: 1, messagesPerSecond: 0 });
		assert.deepEqual(meta.requests.map((r) => r.inFlightOnArrival), [1, 1, 1], 'one at a time');
	});

	it('a cancelled run gives every item its output: the unsent ones say they were not sent', async () => {
		for (let i = 0; i < 6; i++) meta.script(recipient(i), [{ kind: 'slow', delayMs: 400 }]);
		const abort = new AbortController();
		const running = send(6, { concurrency: 1, messagesPerSecond: 0 }, { continueOnFail: true, signal: abort.signal });
		while (meta.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
		abort.abort();
		const result = await running;
		const items = jsonOf(result);
		assert.deepEqual(result.output![0].map((o) => (o.pairedItem as { item: number }).item), [0, 1, 2, 3, 4, 5]);
		assert.ok(meta.requests.length < 6, 'the run stopped sending');
		const notSent = items.filter((item) => item.error === 'Not sent: the execution stopped before this message was sent');
		assert.ok(notSent.length >= 6 - meta.requests.length, `${notSent.length} items say they were not sent`);
		for (const item of notSent) assert.equal(item.success, false);
	});

	it('sends each item its own message when the requests cross from the core in several chunks, from a first valid item past 0', async () => {
		// The core hands requests over 64 at a time, from the first item asked for. Item 0 is
		// refused, so the chunks start at item 1 and at item 65: each of the 70 items must
		// still go to its own recipient with its own text.
		const count = 70;
		const result = await runNode({
			items: Array.from({ length: count }, () => ({})),
			params: {
				operation: 'sendMessage',
				userId: (i: number) => (i === 0 ? 'not a user' : recipient(i)),
				messageText: (i: number) => `message ${i}`,
				options: { concurrency: 8, messagesPerSecond: 0 },
			},
			credentials: credentialsFor(meta.url),
			continueOnFail: true,
		});
		const items = jsonOf(result);
		assert.equal(items[0].success, false);
		assert.match(String(items[0].error), /User ID/);
		const sent = new Map(meta.requests.map((r) => [r.recipientId, r.text]));
		assert.equal(meta.requests.length, count - 1, 'one message per valid item');
		for (let i = 1; i < count; i++) {
			assert.equal(items[i].success, true, `item ${i}: ${String(items[i].error)}`);
			assert.equal(sent.get(recipient(i)), `message ${i}`, `item ${i}'s message went to its recipient`);
			assert.equal(items[i].messageId, meta.requests.find((r) => r.recipientId === recipient(i))?.messageId);
		}
	});
});
