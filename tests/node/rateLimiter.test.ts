// The client-side rate limit: never more than R sends in any one-second window, a pause
// holds every sender, and high usage reported by Meta lowers the limit. The assertions
// are bounds the limiter guarantees however slow the machine is, not timings.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RateLimiter } = require(path.resolve('dist/js-wrapper/nodes/Instagram/transport/rateLimiter.js'));

function largestWindow(times: number[], windowMs = 1000): number {
	let best = 0;
	for (let lo = 0, hi = 0; hi < times.length; hi++) {
		while (times[hi] - times[lo] >= windowMs) lo++;
		best = Math.max(best, hi - lo + 1);
	}
	return best;
}

async function sendTimes(limiter: { acquire(): Promise<void> }, count: number, senders: number): Promise<number[]> {
	const times: number[] = [];
	let left = count;
	await Promise.all(
		Array.from({ length: senders }, async () => {
			while (left > 0) {
				left--;
				await limiter.acquire();
				times.push(Date.now());
			}
		}),
	);
	return times.sort((a, b) => a - b);
}

describe('rate limiter', () => {
	it('lets at most R sends through in any one-second window, with many concurrent senders', async () => {
		const times = await sendTimes(new RateLimiter(20), 45, 10);
		assert.equal(times.length, 45);
		assert.ok(largestWindow(times) <= 20, `burst of ${largestWindow(times)}`);
	});

	it('holds every sender during a pause', async () => {
		const limiter = new RateLimiter(0);
		const before = Date.now();
		limiter.pauseFor(300);
		const times = await sendTimes(limiter, 5, 5);
		assert.ok(times.every((t) => t - before >= 300), 'a send went out during the pause');
	});

	it('lowers the limit when Meta reports high usage', async () => {
		const limiter = new RateLimiter(20);
		limiter.reportUsage(95);
		const times = await sendTimes(limiter, 9, 4);
		assert.ok(largestWindow(times) <= 4, `burst of ${largestWindow(times)} at 95% usage`);
	});
});
