import { sleep } from 'n8n-workflow';

/** Time as the limiter sees it; tests drive it with a fake clock. */
export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = { now: () => Date.now(), sleep: async (ms) => await sleep(ms) };

/** A taken slot; `answered` when the call's answer (or failure) came back. */
export interface Slot {
	answered(): void;
}

const NO_SLOT: Slot = { answered: () => undefined };

/**
 * Meta's limit, as Meta counts it: at most N calls in any sliding window (one second unless
 * said otherwise). The limiter keeps a log of its recent calls and lets the next one go as
 * soon as the window allows, so a run starts with a full window and never waits longer than
 * the window asks.
 *
 * Meta counts a call when it arrives, which is a little after the limiter lets it go. A
 * guard covers the usual delay; a call that took longer than the fastest call so far left
 * late (cold code paths, a busy event loop), so its place in the log moves by the excess.
 * The limiter also slows down when Meta reports high usage, and pauses everyone when Meta
 * throttles.
 */
export class RateLimiter {
	/** Margin for the usual delay between letting a call go and Meta counting it. */
	static readonly GUARD_MS = 20;
	/**
	 * Calls the window allows at the same moment still leave a little apart, so n8n sets
	 * each request up before the next: requests set up together reach Meta further apart
	 * than the guard covers.
	 */
	static readonly SPACING_MS = 2;

	private pausedUntil = 0;
	private slowdown = 1;
	private lastGrant = -Infinity;
	private fastestRoundTrip = Infinity;
	/** When each recent call is taken to have reached Meta. */
	private readonly recent: Array<{ at: number }> = [];

	/**
	 * `calls` per `windowMs`; no positive number of calls means no limit (only pauses).
	 */
	constructor(
		private readonly calls: number,
		private readonly clock: Clock = systemClock,
		private readonly windowMs = 1000,
	) {}

	async acquire(): Promise<Slot> {
		return await acquireAll([this], this.clock);
	}

	/** Everyone waits: Meta throttled the app or account. */
	pauseFor(ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
	}

	/** Meta's usage report (percent of the allowance used): above 75%, send slower. */
	reportUsage(percent: number | null | undefined): void {
		if (!Number.isFinite(percent)) return;
		const reported = percent as number;
		if (reported < 75) {
			this.slowdown = Math.max(1, this.slowdown * 0.9);
		} else {
			const factor = Math.min(10, 1 + (reported - 75) / 5);
			this.slowdown = Math.max(this.slowdown, factor);
		}
	}

	/**
	 * Records a call let go at `now`; only when `waitMs(now)` allowed it. `calls`: the rate
	 * this caller keeps to, when callers with different rates share the log (the limiter's own
	 * rate otherwise). A caller without a rate records nothing: its calls do not hold back the
	 * callers with one (Meta's class limits count every call), and nothing prunes the log
	 * for it.
	 */
	take(now: number, calls = this.calls): Slot {
		if (!(calls > 0)) return NO_SLOT;
		const entry = { at: now };
		this.recent.push(entry);
		this.lastGrant = now;
		return {
			answered: () => {
				const roundTrip = this.clock.now() - now;
				this.fastestRoundTrip = Math.min(this.fastestRoundTrip, roundTrip);
				entry.at = now + (roundTrip - this.fastestRoundTrip);
			},
		};
	}

	/** How many calls one window allows, and the window's length in ms. */
	private window(calls: number): { allowed: number; ms: number } {
		const rate = calls / this.slowdown;
		const allowed = Math.max(1, Math.floor(rate));
		// A fractional rate stretches the window so the average stays exact.
		return { allowed, ms: (this.windowMs * allowed) / rate + RateLimiter.GUARD_MS };
	}

	/**
	 * How long the next call must wait (negative or zero: it may go now). A caller without a
	 * rate records nothing (`take`) and waits only for a pause, even when callers with a rate
	 * share the log.
	 */
	waitMs(now: number, calls = this.calls): number {
		// No rate of its own: only a pause holds this caller, whatever others sharing the log sent.
		if (!(calls > 0)) return this.pausedUntil - now;
		const { allowed, ms } = this.window(calls);
		let wait = Math.max(this.pausedUntil - now, this.lastGrant + Math.min(RateLimiter.SPACING_MS, this.windowMs / calls) - now);
		for (let i = this.recent.length - 1; i >= 0; i--) {
			if (now - this.recent[i].at >= ms) this.recent.splice(i, 1);
		}
		if (this.recent.length >= allowed) {
			// The slot that frees first is the (count - allowed + 1)-th oldest.
			const times = this.recent.map((entry) => entry.at).sort((a, b) => a - b);
			wait = Math.max(wait, times[times.length - allowed] + ms - now);
		}
		return wait;
	}
}

/**
 * Waits until every limiter lets a call go at the same moment, then takes a slot in each:
 * a request counts against the node's limit and its class's limit together. `rates`: the
 * rate this caller keeps to in each limiter, where it differs from the limiter's own.
 */
export async function acquireAll(limiters: RateLimiter[], clock: Clock, rates: Array<number | undefined> = []): Promise<Slot> {
	for (;;) {
		const now = clock.now();
		const wait = Math.max(0, ...limiters.map((limiter, i) => limiter.waitMs(now, rates[i])));
		if (wait <= 0) {
			const slots = limiters.map((limiter, i) => limiter.take(now, rates[i]));
			return { answered: () => slots.forEach((slot) => slot.answered()) };
		}
		await clock.sleep(wait);
	}
}
