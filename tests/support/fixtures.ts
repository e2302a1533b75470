// Credentials and IDs shared by the tests. The secrets are made up afresh in every
// process (no test carries a fixed token), and distinctive so a leak is easy to find.
import { createHash, createHmac, randomBytes } from 'node:crypto';

export const ACCESS_TOKEN = `test-token-${randomBytes(20).toString('hex')}`;
export const APP_SECRET = `test-secret-${randomBytes(16).toString('hex')}`;
export const USER_A = '17841400000000001';
export const USER_B = '17841400000000002';
export const USER_C = '17841400000000003';
export const META_UUID = '0b7e4f3a-2c1d-4e5f-8a9b-0c1d2e3f4a5b';

export function expectedProof(token = ACCESS_TOKEN, secret = APP_SECRET): string {
	return createHmac('sha256', secret).update(token).digest('hex');
}

export function credentialsFor(baseUrl: string, overrides: Record<string, string> = {}) {
	return { accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, apiVersion: 'v18.0', baseUrl, ...overrides };
}

/** Every string a test must never find in output, errors or logs. */
export function secretsOf(token = ACCESS_TOKEN, secret = APP_SECRET): string[] {
	return [token, secret, expectedProof(token, secret)];
}

const DAY_MS = 86_400_000;

/**
 * The hidden fields a credential holds once its Instagram-Login token was checked and has
 * 50 days left (so no refresh is due). The digest is written out here, independently of
 * the core: 16 hex digits of SHA-256 over `instagram-token:` and the token.
 */
export function checkedTokenFields(token: string, daysLeft = 50, now = Date.now()): Record<string, string> {
	const at = (ms: number) => new Date(ms).toISOString();
	return {
		tokenState: tokenDigest(token),
		tokenDigest: tokenDigest(token),
		tokenExpiresAt: at(now + daysLeft * DAY_MS),
		tokenRenewedAt: at(now - (60 - daysLeft) * DAY_MS),
		tokenCheckedAt: at(now - (60 - daysLeft) * DAY_MS),
		tokenRenewalError: '',
	};
}

function tokenDigest(token: string): string {
	return createHash('sha256').update(`instagram-token:${token}`).digest('hex').slice(0, 16);
}

/** A webhook delivery of direct messages to `account`, as Meta posts it (an echo: sent by the account). */
export function messageDelivery(account: string, events: Array<{ sender: string; mid: string; text?: string; echo?: boolean; timestamp?: number }>): string {
	return JSON.stringify({
		object: 'instagram',
		entry: [
			{
				id: account,
				time: Date.now(),
				messaging: events.map((event, index) => ({
					sender: { id: event.echo ? account : event.sender },
					recipient: { id: event.echo ? event.sender : account },
					timestamp: event.timestamp ?? Date.now() + index,
					message: { mid: event.mid, text: event.text ?? 'hi', ...(event.echo ? { is_echo: true } : {}) },
				})),
			},
		],
	});
}
