// The Send API's request bodies, checked as Meta checks them: `POST /{version}/me/messages`
// with exactly the members each kind of message allows.
import { refuse } from './graphErrors';
import type { Reply } from './graphErrors';

export const MAX_TEXT_BYTES = 1000;
const SENDER_ACTIONS = ['typing_on', 'typing_off', 'mark_seen'];
const ATTACHMENT_TYPES = ['image', 'video', 'audio', 'file'];

/** A Send API call Meta would carry out. */
export type SendCall =
	| { kind: 'text'; recipientId: string; text: string }
	| { kind: 'senderAction'; recipientId: string; action: string }
	| { kind: 'attachment'; recipientId: string; type: string; url: string };

type Body = Record<string, unknown>;

const keysOf = (value: unknown) => (value && typeof value === 'object' ? Object.keys(value).sort().join(',') : '');

/** Reads a Send API body into the call it asks for, or Meta's refusal. */
export function readSendCall(raw: string): { call: SendCall; body: Body } | { reply: Reply; body?: Body } {
	let body: Body;
	try {
		body = JSON.parse(raw);
	} catch {
		return { reply: refuse(400, 100, '(#100) Request body is not valid JSON') };
	}
	if (!body || typeof body !== 'object' || Array.isArray(body)) {
		return { reply: refuse(400, 100, '(#100) Request body must be a JSON object') };
	}
	const recipientId = (body.recipient as { id?: unknown } | undefined)?.id;
	if (typeof recipientId !== 'string' || !/^[1-9]\d{0,31}$/.test(recipientId) || keysOf(body.recipient) !== 'id') {
		return { reply: refuse(400, 100, '(#100) The parameter recipient is required', { subcode: 2018001 }), body };
	}
	const invalid = (why: string) => ({ reply: refuse(400, 100, `(#100) ${why}`, { subcode: 2534015 }), body });

	if ('sender_action' in body) {
		// A sender action carries the recipient and the action, nothing else.
		if (keysOf(body) !== 'recipient,sender_action') return invalid(`Unexpected fields with sender_action: ${keysOf(body)}`);
		if (!SENDER_ACTIONS.includes(String(body.sender_action))) return invalid('Invalid sender_action');
		return { call: { kind: 'senderAction', recipientId, action: String(body.sender_action) }, body };
	}
	if (keysOf(body) !== 'message,recipient') return invalid(`Unexpected fields in the body: ${keysOf(body)}`);
	const message = body.message as Body;
	if (keysOf(message) === 'text') {
		const text = message.text;
		if (typeof text !== 'string' || text.length === 0) return invalid('The parameter message[text] is required');
		if (Buffer.byteLength(text, 'utf8') > MAX_TEXT_BYTES) {
			return invalid('Length of param message[text] must be less than or equal to 1000');
		}
		return { call: { kind: 'text', recipientId, text }, body };
	}
	if (keysOf(message) === 'attachment') {
		const attachment = message.attachment as Body;
		const payload = attachment?.payload as Body;
		if (keysOf(attachment) !== 'payload,type' || !ATTACHMENT_TYPES.includes(String(attachment.type))) {
			return invalid('Invalid attachment type');
		}
		if (keysOf(payload) !== 'url' || typeof payload.url !== 'string' || !/^https:\/\/[^/\s]+/i.test(payload.url)) {
			return invalid('The attachment URL must be an absolute https URL');
		}
		return { call: { kind: 'attachment', recipientId, type: String(attachment.type), url: payload.url }, body };
	}
	return invalid(`Unexpected message fields: ${keysOf(message)}`);
}
