import type { ICredentialsDecrypted, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { CoreSession } from '../../../bridge/session';
import type { ErrorReport, RateClass, RequestPlan, Step } from '../../../bridge/types';
import { perform } from './perform';
import type { Clock } from './rateLimiter';
import { RateLimiter, systemClock } from './rateLimiter';

export interface RunSettings {
	concurrency: number;
	messagesPerSecond: number;
	timeout: number;
	/** Without Continue On Fail: start nothing new after the first failure. */
	stopOnFailure: boolean;
}

/** How one input item ended: its output items, and its error when it failed. */
export interface ItemResult {
	outputs: IDataObject[];
	error?: ErrorReport;
}

/** One limiter per rate class, each at the node's rate. */
export class Limiters {
	private readonly byClass = new Map<RateClass, RateLimiter>();

	constructor(
		private readonly perSecond: number,
		private readonly clock: Clock = systemClock,
	) {}

	for(rateClass: RateClass): RateLimiter {
		let limiter = this.byClass.get(rateClass);
		if (!limiter) {
			limiter = new RateLimiter(this.perSecond, this.clock);
			this.byClass.set(rateClass, limiter);
		}
		return limiter;
	}

	/** Meta throttled: every class waits, since the limit that hit may be the app's. */
	pauseAll(ms: number): void {
		for (const limiter of this.byClass.values()) limiter.pauseFor(ms);
	}
}

/**
 * Runs every item the core planned: a bounded number in flight, the rate limits, and the
 * core's verdict on every answer (done, next request, retry after a wait, failed). Each
 * item's result is recorded as it settles. Items never reached (cancelled, or stopped
 * after a failure) have no result.
 */
export async function runAll(
	ctx: IExecuteFunctions,
	session: CoreSession,
	indices: number[],
	settings: RunSettings,
	credentials: ICredentialsDecrypted | undefined,
	clock: Clock = systemClock,
): Promise<Map<number, ItemResult>> {
	const results = new Map<number, ItemResult>();
	const limiters = new Limiters(settings.messagesPerSecond, clock);
	const cancelSignal = ctx.getExecutionCancelSignal?.();
	let next = 0;
	let stopped = false;

	const runOne = async (index: number): Promise<ItemResult | undefined> => {
		const planned = session.request(index);
		if ('refused' in planned) return { outputs: [], error: planned.refused };
		const outputs: IDataObject[] = [];
		let request: RequestPlan = planned.request;
		let step: Step | undefined;
		for (let attempt = 1; ; attempt++) {
			const limiter = limiters.for(request.rateClass);
			const slot = await limiter.acquire();
			const performed = await perform(ctx, index, request, settings.timeout, credentials);
			slot.answered();
			const verdict = session.settle({ index, attempt, step, ...performed, nowMs: clock.now(), random: Math.random() });
			limiter.reportUsage(verdict.usagePercent);
			switch (verdict.outcome) {
				case 'done':
					outputs.push(...verdict.outputs);
					return { outputs };
				case 'failed':
					return { outputs, error: verdict.error };
				case 'next':
					outputs.push(...verdict.outputs);
					request = verdict.request;
					step = verdict.step;
					attempt = 0;
					break;
				case 'retry':
					if (verdict.pauseAll) limiters.pauseAll(verdict.afterMs);
					if (cancelSignal?.aborted) return undefined;
					await clock.sleep(verdict.afterMs);
					break;
			}
			if (cancelSignal?.aborted) return undefined;
		}
	};

	const worker = async (): Promise<void> => {
		while (!stopped && next < indices.length && !cancelSignal?.aborted) {
			const index = indices[next++];
			const result = await runOne(index);
			if (result === undefined) continue;
			results.set(index, result);
			if (result.error && settings.stopOnFailure) stopped = true;
		}
	};

	const workers = Math.max(1, Math.min(settings.concurrency, indices.length));
	await Promise.all(Array.from({ length: workers }, async () => await worker()));
	return results;
}
