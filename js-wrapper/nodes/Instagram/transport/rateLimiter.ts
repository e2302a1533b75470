import { sleep } from 'n8n-workflow';

/** Time as the limiter sees it; tests drive it with a fake clock. */
export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = { now: () => Date.now(), sleep: async (ms) => await sleep(ms) };

/**
 * Meta's limit, as Meta counts it: at most R calls in any sliding one-second window. The
 * limiter keeps a log of its recent sends and lets the next one go as soon as the window
 * allows, so a run starts at full speed and never waits more than the window asks. It
 * slows down when Meta reports high usage, and pauses everyone when Meta throttles.
 */
export class RateLimiter {
	private pausedUntil = 0;
	private slowdown = 1;
	private readonly recent: number[] = [];
	/**
	 * Margin for the delay between taking a slot and the request reaching Meta (n8n's HTTP
	 * helper, connection set-up, a busy event loop), so Meta never counts more than R in any
	 * one-second window.
	 */
	static readonly GUARD_MS = 25;

	constructor(
		private readonly perSecond: number,
		private readonly clock: Clock = systemClock,
	) {}

	async acquire(): Promise<void> {
		for (;;) {
			const now = this.clock.now();
			const wait = this.waitMs(now);
			if (wait <= 0) {
				if (this.perSecond > 0) this.recent.push(now);
				return;
			}
			await this.clock.sleep(wait);
		}
	}

	/** Everyone waits: Meta throttled the app or account. */
	pauseFor(ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
	}

	/** Meta's usage report (percent of the allowance used): above 75%, send slower. */
	reportUsage(percent: number | null | undefined): void {
		if (percent === undefined || percent === null || !Number.isFinite(percent)) return;
		if (percent < 75) {
			this.slowdown = Math.max(1, this.slowdown * 0.9);
		} else {
			const factor = Math.min(10, 1 + (percent - 75) / 5);
			this.slowdown = Math.max(this.slowdown, factor);
		}
	}

	/** How many sends one window allows, and the window's length in ms. */
	private window(): { allowed: number; ms: number } {
		const rate = this.perSecond / this.slowdown;
		const allowed = Math.max(1, Math.floor(rate));
		// A fractional rate stretches the window so the average stays exact.
		return { allowed, ms: (1000 * allowed) / rate + RateLimiter.GUARD_MS };
	}

	private waitMs(now: number): number {
		let wait = this.pausedUntil - now;
		if (this.perSecond > 0) {
			const { allowed, ms } = this.window();
			while (this.recent.length > 0 && now - this.recent[0] >= ms) this.recent.shift();
			if (this.recent.length >= allowed) {
				wait = Math.max(wait, this.recent[this.recent.length - allowed] + ms - now);
			}
		}
		return wait;
	}
}
