import type { IDataObject, IHookFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { loadCore } from '../../bridge/loader';
import type { SubscriptionCall, SubscriptionNext, SubscriptionRecord, SubscriptionStep } from '../../bridge/types';
import { INSTAGRAM_CREDENTIAL_TYPE } from '../../credentials/InstagramMessagingApi.credentials';

/** Where the record of what auto-subscription added is kept (node static data). */
export const SUBSCRIPTION_KEY = 'subscription';

/** The most requests one subscription step may take; the core needs at most five. */
const MAX_CALLS = 8;

/**
 * Runs the core's auto-subscription (or its undoing) to the end: each request it plans is
 * performed with n8n's HTTP helpers, the app's calls with the app token the core wrote, the
 * account's with the credential's own authentication.
 */
export async function runSubscription(
	ctx: IHookFunctions,
	unsubscribing: boolean,
	input: Omit<SubscriptionStep['input'], 'appSecret'>,
	credentials: IDataObject,
): Promise<SubscriptionNext> {
	const core = await loadCore();
	const answers: SubscriptionStep['answers'] = [];
	for (let calls = 0; calls <= MAX_CALLS; calls++) {
		const next = core.webhookSubscription({
			unsubscribing,
			input: { ...input, appSecret: String(credentials.appSecret ?? '') },
			credentials,
			answers,
		});
		if (next.next !== 'call') return next;
		answers.push(await perform(ctx, next.call));
	}
	return { next: 'failed', message: 'Auto-subscription took more requests than it ever needs' };
}

async function perform(ctx: IHookFunctions, call: SubscriptionCall): Promise<{ status: number; body: string }> {
	const options: IHttpRequestOptions = {
		method: call.method,
		url: call.url,
		qs: Object.fromEntries(call.query),
		headers: { accept: 'application/json', ...(call.authorization ? { authorization: call.authorization } : {}) },
		json: false,
		encoding: 'text',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	if (call.form.length > 0) {
		options.body = new URLSearchParams(call.form).toString();
		(options.headers as IDataObject)['content-type'] = 'application/x-www-form-urlencoded';
	}
	try {
		const response = (await (call.auth === 'credential'
			? ctx.helpers.httpRequestWithAuthentication.call(ctx, INSTAGRAM_CREDENTIAL_TYPE, options)
			: ctx.helpers.httpRequest(options))) as { statusCode: number; body: unknown };
		return { status: response.statusCode, body: typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? '') };
	} catch (error) {
		return { status: 0, body: JSON.stringify({ error: { message: (error as Error).message } }) };
	}
}

/**
 * Records also kept in this process: n8n 1.x does not save static data written during an
 * activation made through the editor or REST, so deactivation in the same process finds
 * the record here. (After a restart, 1.x has neither, and deactivation then leaves the
 * subscription in place, with a warning.)
 */
const records = new Map<string, SubscriptionRecord>();

export function recordOf(staticData: IDataObject, id: string): SubscriptionRecord | null {
	return (staticData[SUBSCRIPTION_KEY] as SubscriptionRecord | undefined) ?? records.get(id) ?? null;
}

export function keepRecord(staticData: IDataObject, id: string, record: SubscriptionRecord): void {
	staticData[SUBSCRIPTION_KEY] = record as unknown as IDataObject;
	records.set(id, record);
}

export function forgetRecord(staticData: IDataObject, id: string): void {
	delete staticData[SUBSCRIPTION_KEY];
	records.delete(id);
}
