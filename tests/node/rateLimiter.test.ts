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
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { accountOf } = require(path.resolve('dist/js-wrapper/nodes/Instagram/gather.js'));
/** The limiter's margin for the usual delay between letting a call go and Meta counting it. */
const GUARD_MS = 20;
/** How far apart calls the window allows at the same moment still leave. */
const SPACING_MS = 2;

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
	it('lets the first R calls go at once, a little apart, then each window as soon as it allows', async () => {
		const clock = new FakeClock();
		const times = await sendTimes(clock, new RateLimiter(20, clock), 45, 10);
		assert.equal(times.length, 45);
		const window = 1000 + GUARD_MS;
		const expected = Array.from({ length: 45 }, (_, i) => Math.floor(i / 20) * window + (i % 20) * SPACING_MS);
		assert.deepEqual(times, expected, 'the first window starts full; later windows open as the oldest calls age out');
		assert.equal(largestWindow(times, window), 20);
	});

	it('moves a call that came back slower than the fastest one later in its window', async () => {
		const clock = new FakeClock();
		const limiter = new RateLimiter(2, clock);
		const times: number[] = [];
		await clock.run(
			(async () => {
				const first = await limiter.acquire();
				times.push(clock.now());
				const second = await limiter.acquire();
				times.push(clock.now());
				await clock.sleep(100 - clock.now());
				first.answered(); // a round trip of 100 ms: the fastest so far
				await clock.sleep(302 - clock.now());
				second.answered(); // a round trip of 300 ms, 200 ms slower than the fastest: it left about 200 ms late
				for (let i = 0; i < 2; i++) {
					await limiter.acquire();
					times.push(clock.now());
				}
			})(),
		);
		const window = 1000 + GUARD_MS;
		assert.deepEqual(times, [0, SPACING_MS, window, SPACING_MS + 200 + window]);
	});

	it('never lets more than R through in any one-second window, however many senders wait', async () => {
		for (const [rate, senders] of [[1, 3], [7, 50], [100, 25], [60, 200]]) {
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
		const window = 800 + GUARD_MS;
		assert.deepEqual(times.slice(0, 6), [0, SPACING_MS, window, window + SPACING_MS, 2 * window, 2 * window + SPACING_MS]);
		assert.ok(largestWindow(times, 800) <= 2);
	});

	it('does not limit at all when the rate is 0', async () => {
		const clock = new FakeClock();
		const times = await sendTimes(clock, new RateLimiter(0, clock), 500, 50);
		assert.deepEqual([...new Set(times)], [0]);
	});

	it('holds every sender during a pause, with or without a rate', async () => {
		for (const [rate, spacing] of [[0, 0], [100, SPACING_MS]]) {
			const clock = new FakeClock();
			const limiter = new RateLimiter(rate, clock);
			limiter.pauseFor(300);
			const times = await sendTimes(clock, limiter, 5, 5);
			assert.deepEqual(times, [0, 1, 2, 3, 4].map((i) => 300 + i * spacing), `rate ${rate}`);
		}
	});

	it('keeps calls released together 1000 ÷ R ms apart when that is closer than the usual spacing', async () => {
		const clock = new FakeClock();
		const times = await sendTimes(clock, new RateLimiter(1000, clock), 10, 10);
		assert.deepEqual(times, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
	});

	it('frees the slot of the call that reached Meta first, even when a late call was let go earlier', async () => {
		const clock = new FakeClock();
		const limiter = new RateLimiter(2, clock);
		const times: number[] = [];
		await clock.run(
			(async () => {
				const early = await limiter.acquire(); // let go at 0
				const later = await limiter.acquire(); // let go at SPACING_MS
				await clock.sleep(100 - clock.now());
				later.answered(); // round trip 98 ms: the fastest
				await clock.sleep(600 - clock.now());
				early.answered(); // round trip 600 ms: it reached Meta about 502 ms late, after the other
				await limiter.acquire();
				times.push(clock.now());
			})(),
		);
		// The first slot to free is the one taken at SPACING_MS, not the one let go at 0.
		assert.deepEqual(times, [SPACING_MS + 1000 + GUARD_MS]);
	});

	it('ignores usage reports that are not numbers', async () => {
		for (const report of [undefined, null, Number.NaN, Number.POSITIVE_INFINITY]) {
			const clock = new FakeClock();
			const limiter = new RateLimiter(10, clock);
			limiter.reportUsage(report);
			const times = await sendTimes(clock, limiter, 10, 10);
			assert.equal(largestWindow(times, 1000 + GUARD_MS), 10, `after a report of ${String(report)}`);
		}
	});

	it('never goes faster than R, however low Meta says usage is', async () => {
		const clock = new FakeClock();
		const limiter = new RateLimiter(10, clock);
		for (let i = 0; i < 5; i++) limiter.reportUsage(0);
		const times = await sendTimes(clock, limiter, 25, 25);
		assert.equal(largestWindow(times, 1000 + GUARD_MS), 10);
	});

	it('holds a slowdown while usage stays at 75% and eases it below', async () => {
		const clock = new FakeClock();
		const limiter = new RateLimiter(20, clock);
		limiter.reportUsage(95); // 5 times slower: 4 per window
		limiter.reportUsage(75); // at 75%: no easing
		const held = await sendTimes(clock, limiter, 4, 4);
		await clock.run(clock.sleep(5_000));
		const start = clock.now();
		assert.equal(largestWindow((await sendTimes(clock, limiter, 8, 8)).filter((t) => t >= start), 1000 + GUARD_MS), 4, 'still 4 per window');
		limiter.reportUsage(74); // below 75%: 4.5 times slower, 4 per window still
		limiter.reportUsage(10);
		limiter.reportUsage(10); // 3.645 times slower: 5 per window of 911 ms plus the guard
		await clock.run(clock.sleep(5_000));
		const eased = clock.now();
		const times = (await sendTimes(clock, limiter, 10, 10)).filter((t) => t >= eased);
		assert.equal(largestWindow(times, 900), 5);
		assert.ok(Math.abs(times[5] - times[0] - ((1000 * 5) / (20 / 3.645) + GUARD_MS)) < 1, `${times[5] - times[0]} ms`);
		assert.equal(held.length, 4);
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

describe('one call through several limiters', () => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { acquireAll } = require(path.resolve('dist/js-wrapper/nodes/Instagram/transport/rateLimiter.js'));

	it("moves a late call later in every limiter's window, not only the first one's", async () => {
		const clock = new FakeClock();
		const node = new RateLimiter(2, clock);
		const perClass = new RateLimiter(2, clock);
		await clock.run(
			(async () => {
				const first = await acquireAll([node, perClass], clock); // let go at 0
				const second = await acquireAll([node, perClass], clock); // let go at SPACING_MS
				await clock.sleep(100 - clock.now());
				first.answered(); // round trip 100 ms: the fastest
				await clock.sleep(302 - clock.now());
				second.answered(); // round trip 300 ms: it reached Meta about 200 ms late
				await acquireAll([node, perClass], clock); // when the first call leaves the window
			})(),
		);
		const window = 1000 + GUARD_MS;
		assert.equal(clock.now(), window);
		// The second call now counts from SPACING_MS + 200 in both logs, so each limiter holds
		// the next call until it leaves the window.
		const now = window + 80;
		const expected = SPACING_MS + 200 + window - now;
		assert.deepEqual([node.waitMs(now), perClass.waitMs(now)], [expected, expected]);
	});
});

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Limiters } = require(path.resolve('dist/js-wrapper/nodes/Instagram/transport/run.js'));

/** The times `count` requests of `rateClass` leave at, through the node's limiters. */
function classTimes(clock: FakeClock, limiters: { acquire(rateClass: string): Promise<{ answered(): void }> }, rateClass: string, count: number, senders = 8) {
	return sendTimes(clock, { acquire: async () => void (await limiters.acquire(rateClass)) }, count, senders);
}

describe("rate limits per class: Meta's cap for the class, under the node's limit", () => {
	const caps = [
		{ rateClass: 'send', calls: 300, windowMs: 1000 },
		{ rateClass: 'media', calls: 10, windowMs: 1000 },
		{ rateClass: 'conversations', calls: 2, windowMs: 1000 },
		{ rateClass: 'privateReply', calls: 750, windowMs: 3_600_000 },
	];

	it('paces the Conversations API at 2 calls in any second, though the node allows 100', async () => {
		const clock = new FakeClock();
		const times = await classTimes(clock, new Limiters(100, caps, clock), 'conversations', 7);
		assert.equal(largestWindow(times, 1000 + GUARD_MS), 2);
		assert.deepEqual(times, [0, 2, 1020, 1022, 2040, 2042, 3060]);
	});

	it('paces audio and video at 10 a second, text at the node limit below Meta\'s 300', async () => {
		const clock = new FakeClock();
		const limiters = new Limiters(100, caps, clock);
		assert.equal(largestWindow(await classTimes(clock, limiters, 'media', 25), 1000 + GUARD_MS), 10);
		const start = clock.now();
		const text = (await classTimes(clock, limiters, 'send', 250, 50)).map((t) => t - start);
		assert.equal(largestWindow(text, 1000 + GUARD_MS), 100, 'the node limit binds first');
	});

	it('holds the 751st private reply for the rest of the hour: a long run slows down, it does not fail', async () => {
		const clock = new FakeClock();
		const times = await classTimes(clock, new Limiters(0, caps, clock), 'privateReply', 752, 4);
		assert.equal(times.length, 752);
		assert.ok(times[749] < 2_000, `the first 750 go at once (${times[749]} ms)`);
		assert.equal(times[750], 3_600_000 + GUARD_MS, 'the 751st waits until the first leaves the hour');
	});

	it('counts every class against the node limit, and a pause holds every class', async () => {
		const clock = new FakeClock();
		const limiters = new Limiters(4, caps, clock);
		const mixed: number[] = [];
		await clock.run(
			Promise.all(['send', 'media', 'read', 'send', 'media', 'read', 'send', 'send'].map(async (rateClass) => {
				await limiters.acquire(rateClass);
				mixed.push(clock.now());
			})),
		);
		assert.equal(largestWindow(mixed.sort((a, b) => a - b), 1000 + GUARD_MS), 4);
		limiters.pauseAll(5_000);
		const paused = clock.now();
		const after = await classTimes(clock, limiters, 'conversations', 1);
		assert.ok(after[0] >= paused + 5_000, 'a 429 pauses the Conversations API too');
	});
});

describe('one limit per Instagram account in an n8n process', () => {
	const caps = [
		{ rateClass: 'send', calls: 300, windowMs: 1000 },
		{ rateClass: 'conversations', calls: 2, windowMs: 1000 },
	];

	/** Two executions' sends, 25 in flight each, `count` each: every time a call left. */
	async function twoExecutions(clock: FakeClock, a: typeof Limiters, b: typeof Limiters, count: number): Promise<number[]> {
		const times: number[] = [];
		const sender = async (limiters: typeof Limiters, calls: number) => {
			for (let i = 0; i < calls; i++) {
				await limiters.acquire('send');
				times.push(clock.now());
			}
		};
		const senders = (limiters: typeof Limiters) => Array.from({ length: 25 }, async () => await sender(limiters, count / 25));
		await clock.run(Promise.all([...senders(a), ...senders(b)]));
		return times.sort((x, y) => x - y);
	}

	it("names the account a run's limits count against by its token, login type and base URL, never by the token itself", () => {
		// Two credentials of one account share the limit; another token, login type or test
		// server is another account and must not slow this one down.
		const credential = { accessToken: 'tok-account-a', loginType: 'facebook', baseUrl: 'http://127.0.0.1:4000', appSecret: 's' };
		const account = accountOf(credential);
		assert.match(account, /^[0-9a-f]{64}$/);
		assert.equal(accountOf({ ...credential, appSecret: 'another secret' }), account);
		for (const other of [{ accessToken: 'tok-account-b' }, { loginType: 'instagram' }, { baseUrl: 'http://127.0.0.1:4001' }]) {
			assert.notEqual(accountOf({ ...credential, ...other }), account, JSON.stringify(other));
		}
	});

	it('keeps two concurrent executions of 500 messages at 100/s under 100 calls in every second together', async () => {
		const clock = new FakeClock();
		const account = 'digest-of-one-account-token';
		const times = await twoExecutions(clock, new Limiters(100, caps, clock, account), new Limiters(100, caps, clock, account), 500);
		assert.equal(times.length, 1000);
		assert.equal(largestWindow(times, 1000 + GUARD_MS), 100);
	});

	it('lets an execution without a limit of its own go at once, though another on the account keeps one', async () => {
		const clock = new FakeClock();
		const account = 'digest-account-one-unlimited';
		await classTimes(clock, new Limiters(100, caps, clock, account), 'send', 100, 25);
		const start = clock.now();
		const unlimited = (await classTimes(clock, new Limiters(0, caps, clock, account), 'send', 50, 25)).map((t) => t - start);
		assert.equal(unlimited.length, 50);
		assert.ok(unlimited[49] <= 50 * SPACING_MS, `only Meta's class limit spaces them (${unlimited[49]} ms)`);
	});

	it("does not hold an execution with a limit back for an unlimited one's calls (Meta's class limits count those)", async () => {
		const clock = new FakeClock();
		const account = 'digest-account-unlimited-first';
		await classTimes(clock, new Limiters(0, caps, clock, account), 'send', 100, 25);
		const start = clock.now();
		const paced = (await classTimes(clock, new Limiters(100, caps, clock, account), 'send', 50, 25)).map((t) => t - start);
		assert.ok(paced[49] <= 50 * SPACING_MS, `the paced execution starts with a full window (${paced[49]} ms)`);
	});

	it("holds an execution that starts later to the calls the account's earlier one already made", async () => {
		const clock = new FakeClock();
		const account = 'digest-account-later-start';
		await classTimes(clock, new Limiters(100, caps, clock, account), 'conversations', 2, 2);
		const start = clock.now();
		const later = (await classTimes(clock, new Limiters(100, caps, clock, account), 'conversations', 1, 1)).map((t) => t - start);
		assert.ok(later[0] >= 1000 - 2 * SPACING_MS, `Meta's 2 calls a second count the first execution's (${later[0]} ms)`);
	});

	it("lets an unlimited execution's reads (no class limit) go at once, though another on the account keeps a limit", async () => {
		const clock = new FakeClock();
		const account = 'digest-account-unlimited-reads';
		await classTimes(clock, new Limiters(100, caps, clock, account), 'read', 100, 25);
		const start = clock.now();
		const reads = (await classTimes(clock, new Limiters(0, caps, clock, account), 'read', 50, 25)).map((t) => t - start);
		assert.ok(reads[49] <= 50 * SPACING_MS, `nothing spaces them (${reads[49]} ms)`);
	});

	it('gives executions of different accounts a limit each', async () => {
		const clock = new FakeClock();
		const times = await twoExecutions(clock, new Limiters(100, caps, clock, 'digest-account-a'), new Limiters(100, caps, clock, 'digest-account-b'), 200);
		assert.equal(largestWindow(times, 1000 + GUARD_MS), 200, 'two accounts, two limits');
	});

	it("divides Messages Per Second and Meta's class limits between the workers sharing the account", async () => {
		const clock = new FakeClock();
		const limiters = new Limiters(100, caps, clock, 'digest-account-four-workers', 4);
		const sends = await classTimes(clock, limiters, 'send', 100, 25);
		assert.equal(largestWindow(sends, 1000 + GUARD_MS), 25, 'a quarter of 100 a second');
		const start = clock.now();
		const reads = (await classTimes(clock, limiters, 'conversations', 4)).map((t) => t - start);
		assert.equal(largestWindow(reads, 2000), 1, "a quarter of Meta's 2 a second: one call in any 2 seconds");
	});
});
