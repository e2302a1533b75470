import type { ICredentialsDecrypted, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { CoreSession } from '../../../bridge/session';
import type { ErrorReport, RateCap, RateClass, RequestPlan, Step } from '../../../bridge/types';
import type { Performed } from './perform';
import { perform } from './perform';
import type { Clock, Slot } from './rateLimiter';
import { acquireAll, RateLimiter, systemClock } from './rateLimiter';
import { SentRecords } from './sentRecords';
import { SharedRequests } from './shared';

export interface RunSettings {
	concurrency: number;
	messagesPerSecond: number;
	/** Meta's limit per rate class, from the core's plan. */
	rateCaps: RateCap[];
	/** Which Instagram account the requests count against (a hash of the token), for shared limits. */
	account?: string;
	/** How many n8n processes send for the account at once: each keeps to its share of the limits. */
	workerShare?: number;
	timeout: number;
	/** Without Continue On Fail: start nothing new after the first failure. */
	stopOnFailure: boolean;
	/** Skip If Sent Before: the items' keys in n8n's database. */
	sentKeys?: Map<number, string>;
}

/** How one input item ended: its output items, and its error when it failed. */
export interface ItemResult {
	outputs: IDataObject[];
	error?: ErrorReport;
}

/**
 * Meta's limits are per Instagram account, whichever node or execution calls: the limiters
 * for one account (its Messages Per Second pace, and one per rate class) are shared by
 * every execution in this n8n process, so two Instagram nodes of one workflow, or two
 * workflows running at once, stay under them together. They are per process: in queue
 * mode each worker has its own, and Workers Sharing Limit divides the limits between
 * them. Keyed by a hash of the token (never the token); nothing else is kept.
 */
const accountPace = new Map<string, RateLimiter>();
const accountLimits = new Map<string, Map<RateClass, RateLimiter>>();

/**
 * The node's limit (Messages Per Second), which every request counts against, and under it
 * one limiter per rate class at Meta's documented limit for the class (from the core), each
 * divided by `share` (how many processes send for the account), and shared per account
 * when `account` names one.
 */
export class Limiters {
	private readonly node: RateLimiter;
	private readonly byClass: Map<RateClass, RateLimiter>;
	/** The node's rate, in a pace that executions with other rates may share. */
	private readonly perSecond: number;
	/** Meta's limit per class, divided by the share. */
	private readonly caps: Map<RateClass, number>;

	constructor(
		perSecond: number,
		caps: RateCap[],
		private readonly clock: Clock = systemClock,
		account?: string,
		share = 1,
	) {
		this.perSecond = perSecond / share;
		const pace = account === undefined ? undefined : accountPace.get(account);
		this.node = pace ?? new RateLimiter(this.perSecond, clock);
		if (account !== undefined && !pace) accountPace.set(account, this.node);
		const shared = account === undefined ? undefined : accountLimits.get(account);
		this.byClass = shared ?? new Map();
		for (const cap of caps) {
			if (!this.byClass.has(cap.rateClass)) this.byClass.set(cap.rateClass, new RateLimiter(cap.calls, clock, cap.windowMs));
		}
		if (account !== undefined && !shared) accountLimits.set(account, this.byClass);
		this.caps = new Map(caps.map((cap) => [cap.rateClass, cap.calls / share]));
	}

	async acquire(rateClass: RateClass): Promise<Slot> {
		const cap = this.byClass.get(rateClass);
		const calls = this.caps.get(rateClass);
		return cap && calls !== undefined
			? await acquireAll([this.node, cap], this.clock, [this.perSecond, calls])
			: await acquireAll([this.node], this.clock, [this.perSecond]);
	}

	/** Meta throttled: every request waits, here and in every execution on the account. */
	pauseAll(ms: number): void {
		this.node.pauseFor(ms);
		for (const limiter of this.byClass.values()) limiter.pauseFor(ms);
	}

	/** Meta's usage report (for the whole account): every execution on it slows down. */
	reportUsage(percent: number | null | undefined): void {
		this.node.reportUsage(percent);
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
	const limiters = new Limiters(settings.messagesPerSecond, settings.rateCaps, clock, settings.account, settings.workerShare);
	const shared = new SharedRequests();
	const cancelSignal = ctx.getExecutionCancelSignal?.();
	let next = 0;
	let stopped = false;

	const records = settings.sentKeys && settings.sentKeys.size > 0 ? new SentRecords(ctx) : undefined;

	const runOne = async (index: number): Promise<ItemResult | undefined> => {
		const planned = session.request(index);
		if ('refused' in planned) return { outputs: [], error: planned.refused };
		const sentKey = settings.sentKeys?.get(index);
		if (!records || sentKey === undefined) return (await sendOne(index, planned.request)) as ItemResult | undefined;
		// The key is recorded once the item's send may go (its rate slot taken), just before it
		// goes; an item whose key an earlier run (or an item of this run) recorded is skipped then.
		let claimed = false;
		const result = await sendOne(index, planned.request, async () => (claimed = await records.claim(sentKey)));
		if (result === 'skipped') return { outputs: [session.skipped(index)] };
		// Nothing reached the person (refused, or stopped first): a re-run may send it. A
		// delivery left unknown keeps its key, so it is not sent twice.
		if (claimed && (result === undefined || (result.error && !result.error.deliveryUnknown))) await records.release(sentKey);
		return result;
	};

	/**
	 * Sends one item until the core's verdict is final. `claim`: asked once, right before the
	 * item's first request of its own (not a shared upload) goes out; false skips the item.
	 */
	const sendOne = async (index: number, first: RequestPlan, claim?: () => Promise<boolean>): Promise<ItemResult | 'skipped' | undefined> => {
		const outputs: IDataObject[] = [];
		let request: RequestPlan = first;
		let step: Step | undefined;
		let toClaim = claim;
		for (let attempt = 1; ; attempt++) {
			const current = request;
			const key = await sharedKey(ctx, index, current);
			let skipped = false;
			const performed = await shared.perform(key, async () => {
				const slot = await limiters.acquire(current.rateClass);
				// Cancelled while it waited for its slot: it never goes (and claims no key).
				if (cancelSignal?.aborted) {
					slot.answered();
					return NOT_SENT;
				}
				if (key === undefined && toClaim) {
					const go = await toClaim();
					toClaim = undefined;
					if (!go) {
						skipped = true;
						slot.answered();
						return NOT_SENT;
					}
				}
				const answer = await perform(ctx, index, current, settings.timeout, credentials);
				slot.answered();
				return answer;
			});
			if (skipped) return 'skipped';
			if (performed === NOT_SENT) return undefined;
			const verdict = session.settle({ index, attempt, step, ...performed, nowMs: clock.now(), random: Math.random() });
			limiters.reportUsage(verdict.usagePercent);
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

/**
 * What a request that did not go is performed as: its item was skipped (Skip If Sent Before),
 * or the execution was cancelled while it waited for its slot. Never settled by the core.
 */
const NOT_SENT: Performed = {};

/** A shareable request's identity; a file that cannot be read is not shared (the upload reports it). */
async function sharedKey(ctx: IExecuteFunctions, index: number, request: RequestPlan): Promise<string | undefined> {
	try {
		return await SharedRequests.key(ctx, index, request);
	} catch {
		return undefined;
	}
}
