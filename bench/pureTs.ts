// A straightforward pure-TypeScript implementation of the core's per-item work, for the
// benchmark only: validate, plan (body and URL), read Meta's answer, shape the output.
// It follows the same rules as the Rust core, written the way a TypeScript node would.
import { createHmac } from 'node:crypto';

const MAX_TEXT_BYTES = 1000;
const MAX_EXACT = Number.MAX_SAFE_INTEGER;

export interface PlannedTs {
	userId: string;
	text: string;
	url: string;
	body: string;
}

export function proofTs(secret: string, token: string): string {
	return createHmac('sha256', secret).update(token).digest('hex');
}

export function planTs(baseUrl: string, version: string, item: { userId: unknown; messageText: unknown }): PlannedTs | { error: string } {
	let userId: string;
	const rawId = item.userId;
	if (typeof rawId === 'number') {
		if (!Number.isInteger(rawId) || rawId <= 0 || rawId > MAX_EXACT) return { error: 'User ID must be a whole positive number' };
		userId = String(rawId);
	} else if (typeof rawId === 'string') {
		userId = rawId.trim();
		if (userId === '') return { error: 'User ID is empty' };
		if (!/^[0-9]+$/.test(userId)) return { error: 'User ID must be digits only' };
		if (userId.startsWith('0')) return { error: 'User ID must not start with 0' };
		if (userId.length > 32) return { error: 'User ID is too long' };
	} else {
		return { error: 'User ID is required' };
	}
	const rawText = item.messageText;
	let text: string;
	if (typeof rawText === 'string') text = rawText;
	else if (typeof rawText === 'number' || typeof rawText === 'boolean') text = String(rawText);
	else return { error: 'Message Text is required' };
	if (!(text as unknown as { isWellFormed(): boolean }).isWellFormed()) return { error: 'Message Text contains an unpaired surrogate' };
	if (/^[\s\u200B-\u200F\u202A-\u202E\u2060-\u206F\uFEFF]*$/.test(text)) return { error: 'Message Text is empty' };
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/.test(text)) return { error: 'Message Text contains a control character' };
	const bytes = Buffer.byteLength(text, 'utf8');
	if (bytes > MAX_TEXT_BYTES) return { error: `Message Text is ${bytes} bytes` };
	return {
		userId,
		text,
		url: `${baseUrl}/${version}/me/messages`,
		body: JSON.stringify({ recipient: { id: userId }, message: { text } }),
	};
}

export function settleTs(planned: PlannedTs, status: number, body: string, now: string, timestamp: string, proofShown: string) {
	const parsed = JSON.parse(body) as { message_id?: string; error?: { message?: string } };
	if (status >= 200 && status < 300 && typeof parsed.message_id === 'string') {
		return {
			success: true,
			operation: 'sendMessage',
			userId: planned.userId,
			messageText: planned.text,
			messageId: parsed.message_id,
			sentAt: now,
			appSecretProofUsed: proofShown,
			timestamp,
			nodeVersion: '0.1.0',
		};
	}
	return { error: `API Error: ${parsed.error?.message ?? status}`, success: false, operation: 'sendMessage', timestamp };
}
