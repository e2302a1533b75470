// The client-side rate limit, on a fake clock: Meta's rule (at most R calls in any sliding
// one-second window, plus the limiter's guard), a pause holding every sender, and the
// slowdown when Meta reports high usage. Times are the fake clock's, so the assertions are
// exact and no wall time is involved.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';

import { FakeClock } from '../support/fakeClock';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RateLimiter } = require(path.resolve('dist/js-wrapper/nodes/Instagram/transport/rateLimiter.js'));
/** The limiter's margin for the delay between taking a slot and the call reaching Meta. */
const GUARD_MS = 25;

function largestWindow(times: number[], windowMs = 1000): number {
	let best = 0;
	for (let lo = 0, hi = 0; hi < times.length; hi++) {
		while (times[hi] - times[lo] >= windowMs) lo++;
		best = Math.max(best, hi - lo + 1);
	}
	return best;
}

async function sendTimes(clock: FakeClock, limiter: { acquire(): Promise<void> }, count: number, senders: number): Promise<number[]> {
	const times: number[] = [];
	let left = count;
	await clock.run(
		Promise.all(
			Array.from({ length: senders }, async () => {
				while (left > 0) {
					left--;
					await limiter.acquire();
					times.push(clock.now());
				}
			}),
		),
	);
	return times.sort((a, b) => a - b);
}

describe('rate limiter', () => {
	it('lets the first R calls go at once, then each window as soon as it allows', async () => {
		const clock = new FakeClock();
		const times = await sendTimes(clock, new RateLimiter(20, clock), 45, 10);
		assert.equal(times.length, 45);
		const at = (t: number) => times.filter((time) => time === t).length;
		assert.equal(at(0), 20, 'the first window starts full');
		assert.equal(at(1000 + GUARD_MS), 20);
		assert.equal(at(2 * (1000 + GUARD_MS)), 5);
		assert.equal(largestWindow(times, 1000 + GUARD_MS), 20);
	});

	it('never lets more than R through in any one-second window, however many senders wait', async () => {
		for (const [rate, senders] of [[1, 3], [7, 50], [100, 25], [300, 200]]) {
			const clock = new FakeClock();
			const times = await sendTimes(clock, new RateLimiter(rate, clock), rate * 4 + 3, senders);
			assert.ok(largestWindow(times) <= rate, `rate ${rate}: a window held ${largestWindow(times)}`);
			assert.ok(largestWindow(times) === rate || rate === 1, `rate ${rate}: the limiter used its whole allowance`);
		}
	});

	it('keeps a fractional rate exact on average', async () => {
		const clock = new FakeClock();
		const times = await sendTimes(clock, new RateLimiter(2.5, clock), 11, 4);
		// 2 per window of 800 ms (2 ÷ 2.5 s) plus the guard.
		assert.deepEqual(times.slice(0, 6), [0, 0, 800 + GUARD_MS, 800 + GUARD_MS, 2 * (800 + GUARD_MS), 2 * (800 + GUARD_MS)]);
		assert.ok(largestWindow(times, 800) <= 2);
	});

	it('does not limit at all when the rate is 0', async () => {
		const clock = new FakeClock();
		const times = await sendTimes(clock, new RateLimiter(0, clock), 500, 50);
		assert.deepEqual([...new Set(times)], [0]);
	});

	it('holds every sender during a pause, with or without a rate', async () => {
		for (const rate of [0, 100]) {
			const clock = new FakeClock();
			const limiter = new RateLimiter(rate, clock);
			limiter.pauseFor(300);
			const times = await sendTimes(clock, limiter, 5, 5);
			assert.deepEqual(times, [300, 300, 300, 300, 300], `rate ${rate}`);
		}
	});

	it('lowers the limit when Meta reports high usage, and recovers when usage falls', async () => {
		const clock = new FakeClock();
		const limiter = new RateLimiter(20, clock);
		limiter.reportUsage(95); // 5 times slower: 4 per window
		const slow = await sendTimes(clock, limiter, 9, 4);
		assert.equal(largestWindow(slow, 1000 + GUARD_MS), 4);
		for (let i = 0; i < 30; i++) limiter.reportUsage(10);
		const start = clock.now() + 10_000;
		await clock.run(clock.sleep(10_000));
		const recovered = (await sendTimes(clock, limiter, 20, 20)).filter((t) => t >= start);
		assert.equal(largestWindow(recovered), 20, 'full speed again after usage fell');
		limiter.reportUsage(null);
		limiter.reportUsage(Number.NaN);
	});
});
