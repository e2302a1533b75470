// A clock the tests move by hand: `sleep` resolves only when `run` advances time to its
// deadline, so code under test can be timed exactly, with no wall time involved.
export class FakeClock {
	private time = 0;
	private timers: Array<{ at: number; resolve: () => void }> = [];

	now(): number {
		return this.time;
	}

	async sleep(ms: number): Promise<void> {
		await new Promise<void>((resolve) => this.timers.push({ at: this.time + Math.max(0, ms), resolve }));
	}

	/** Runs `work` to completion, advancing time to each next deadline whenever it waits. */
	async run<T>(work: Promise<T>): Promise<T> {
		let done = false;
		const result = work.finally(() => {
			done = true;
		});
		while (!done) {
			// Let every pending continuation run before time moves on: promise chains settle
			// within a turn of the event loop.
			for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
			if (done) break;
			if (this.timers.length === 0) throw new Error('FakeClock: the work waits on something other than the clock');
			const next = Math.min(...this.timers.map((timer) => timer.at));
			this.time = next;
			const due = this.timers.filter((timer) => timer.at <= next);
			this.timers = this.timers.filter((timer) => timer.at > next);
			for (const timer of due) timer.resolve();
		}
		return await result;
	}
}
