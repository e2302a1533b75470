import { sleep } from 'n8n-workflow';

/**
 * Spaces sends evenly at the configured rate and guarantees at most `perSecond` sends in
 * any one-second window (a sliding log of the last sends). Slows down when Meta reports
 * high usage, and pauses everyone when Meta throttles.
 */
export class RateLimiter {
	private nextSlot = 0;
	private pausedUntil = 0;
	private slowdown = 1;
	private readonly recent: number[] = [];
	private readonly windowMs = 1000;
	/**
	 * Margin for the delay between taking a slot and the request reaching Meta (n8n's HTTP
	 * helper, connection set-up, a busy event loop), so Meta never sees more than the limit
	 * in any one-second window. Measured at 100 msg/s: 5 ms let 102 through; 15 ms kept it to 99.
	 */
	private readonly guardMs = 25;

	constructor(
		private readonly perSecond: number,
		private readonly now: () => number = Date.now,
	) {}

	async acquire(): Promise<void> {
		if (!(this.perSecond > 0) && this.pausedUntil === 0) return;
		for (;;) {
			const now = this.now();
			const wait = this.waitMs(now);
			if (wait <= 0) {
				this.take(now);
				return;
			}
			await sleep(wait);
		}
	}

	/** Everyone waits: Meta throttled the app or account. */
	pauseFor(ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
	}

	/** Meta's usage report (percent of the allowance used): above 75%, send slower. */
	reportUsage(percent: number | undefined): void {
		if (percent === undefined || !Number.isFinite(percent)) return;
		if (percent < 75) {
			this.slowdown = Math.max(1, this.slowdown * 0.9);
		} else {
			const factor = Math.min(10, 1 + (percent - 75) / 5);
			this.slowdown = Math.max(this.slowdown, factor);
		}
	}

	private interval(): number {
		return this.perSecond > 0 ? (1000 / this.perSecond) * this.slowdown : 0;
	}

	private waitMs(now: number): number {
		let wait = Math.max(this.pausedUntil - now, this.nextSlot - now, 0);
		if (this.perSecond > 0) {
			const allowed = Math.max(1, Math.floor(this.perSecond / this.slowdown));
			while (this.recent.length > 0 && now - this.recent[0] >= this.windowMs + this.guardMs) {
				this.recent.shift();
			}
			if (this.recent.length >= allowed) {
				const oldest = this.recent[this.recent.length - allowed];
				wait = Math.max(wait, oldest + this.windowMs + this.guardMs - now);
			}
		}
		return wait;
	}

	private take(now: number): void {
		// Slots follow the schedule, not the moment a timer happened to fire: a sender that
		// wakes late may use the slot it missed, so late timers do not lower the rate. The
		// one-second window above still caps every burst.
		this.nextSlot = Math.max(this.nextSlot, now - this.interval()) + this.interval();
		if (this.perSecond > 0) this.recent.push(now);
	}
}
