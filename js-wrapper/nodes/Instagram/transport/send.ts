import type { ICredentialsDecrypted, IExecuteFunctions, IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { CoreSession } from '../../../core/session';
import type { RequestPlan, Verdict } from '../../../core/types';
import { INSTAGRAM_CREDENTIAL_TYPE } from '../../../credentials/InstagramMessagingApi.credentials';
import { RateLimiter } from './rateLimiter';

export interface SendSettings {
	concurrency: number;
	messagesPerSecond: number;
	timeout: number;
	/** Without Continue On Fail: stop starting new sends after the first failure. */
	stopOnFailure: boolean;
}

export interface SendJob {
	index: number;
	request: RequestPlan;
}

interface FullResponse {
	body: unknown;
	headers: IDataObject;
	statusCode: number;
}

/**
 * Performs the planned requests with n8n's HTTP helper: a bounded number in flight, a
 * rate limit, and the core's verdict on every response (sent, retry after a wait, or
 * failed). Returns one final verdict per job sent, by input index.
 */
export async function sendAll(
	ctx: IExecuteFunctions,
	session: CoreSession,
	jobs: SendJob[],
	settings: SendSettings,
	credentials: ICredentialsDecrypted | undefined,
): Promise<Map<number, Verdict>> {
	const settled = new Map<number, Verdict>();
	const limiter = new RateLimiter(settings.messagesPerSecond);
	const cancelSignal = ctx.getExecutionCancelSignal?.();
	let next = 0;
	let stopped = false;

	const sendOne = async (job: SendJob): Promise<Verdict> => {
		for (let attempt = 1; ; attempt++) {
			await limiter.acquire();
			let verdict: Verdict;
			try {
				const response = (await ctx.helpers.httpRequestWithAuthentication.call(
					ctx,
					INSTAGRAM_CREDENTIAL_TYPE,
					{
						method: job.request.method,
						url: job.request.url,
						headers: job.request.headers,
						body: job.request.body,
						encoding: 'text',
						json: false,
						returnFullResponse: true,
						ignoreHttpStatusErrors: true,
						timeout: settings.timeout,
					},
					credentials ? { credentialsDecrypted: credentials } : undefined,
				)) as FullResponse;
				verdict = session.settleResponse(job.index, attempt, response.statusCode, response.headers, response.body);
			} catch (error) {
				const { code, message } = transportFailure(error);
				verdict = session.settleTransportFailure(job.index, attempt, code, message);
			}
			limiter.reportUsage(verdict.usagePercent);
			if (verdict.outcome !== 'retry') return verdict;
			if (verdict.pauseAll) limiter.pauseFor(verdict.afterMs);
			if (cancelSignal?.aborted) return verdict;
			await sleep(verdict.afterMs);
		}
	};

	const worker = async (): Promise<void> => {
		while (!stopped && next < jobs.length && !cancelSignal?.aborted) {
			const job = jobs[next++];
			const verdict = await sendOne(job);
			settled.set(job.index, verdict);
			if (verdict.outcome !== 'sent' && settings.stopOnFailure) stopped = true;
		}
	};

	const workers = Math.max(1, Math.min(settings.concurrency, jobs.length));
	await Promise.all(Array.from({ length: workers }, async () => await worker()));
	return settled;
}

/**
 * The error code and text of a request that got no HTTP response. n8n wraps the HTTP
 * client's error; the code (ECONNREFUSED, ETIMEDOUT, ...) sits on it or on its cause.
 * Only these two strings go on, to the core, which redacts them.
 */
function transportFailure(error: unknown): { code: string; message: string } {
	const seen: unknown[] = [];
	let code = '';
	let message = '';
	let current: unknown = error;
	while (current && typeof current === 'object' && !seen.includes(current) && seen.length < 5) {
		seen.push(current);
		const candidate = current as { code?: unknown; message?: unknown; cause?: unknown };
		if (!code && typeof candidate.code === 'string' && /^[A-Z_]+$/.test(candidate.code)) code = candidate.code;
		if (typeof candidate.message === 'string' && candidate.message) message = candidate.message;
		current = candidate.cause;
	}
	return { code: code || 'UNKNOWN', message: message || 'the request failed without a response' };
}
