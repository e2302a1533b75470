// The Send API's request bodies, checked as Meta checks them: `POST /{version}/me/messages`
// (or `/{ID}/messages`) with exactly the members each kind of message allows, Meta's
// limits on each, and Meta's error for each refusal.
import { refuse } from './graphErrors';
import type { Reply } from './graphErrors';

export const MAX_TEXT_BYTES = 1000;
const SENDER_ACTIONS = ['typing_on', 'typing_off', 'mark_seen'];
export const MEDIA_TYPES = ['image', 'video', 'audio', 'file'];
const MESSAGING_TYPES = ['RESPONSE', 'UPDATE', 'MESSAGE_TAG'];

/** Whom a message goes to: a person, or the author of a comment (a private reply). */
export type Recipient = { id: string } | { commentId: string };

/** What a message carries. */
export type Content =
	| { kind: 'text'; text: string }
	| { kind: 'quickReplies'; text: string; replies: number }
	| { kind: 'media'; type: string; url?: string; attachmentId?: string }
	| { kind: 'images'; urls: string[] }
	| { kind: 'heart' }
	| { kind: 'share'; postId: string }
	| { kind: 'template'; templateType: 'generic' | 'button'; count: number };

/** A Send API call Meta would carry out. */
export type SendCall =
	| { kind: 'message'; recipient: Recipient; content: Content; messagingType?: string; tag?: string; replyTo?: string }
	| { kind: 'senderAction'; recipientId: string; action: string }
	| { kind: 'reaction'; recipientId: string; action: 'react' | 'unreact'; messageId: string; reaction?: string };

type Body = Record<string, unknown>;

const keysOf = (value: unknown) => (value && typeof value === 'object' ? Object.keys(value).sort().join(',') : '');
const isObject = (value: unknown): value is Body => Boolean(value) && typeof value === 'object' && !Array.isArray(value);
const chars = (text: string) => [...text].length;
const isHttps = (url: unknown): url is string => typeof url === 'string' && /^https:\/\/[^/\s]+/i.test(url);

/** Refusals, as Meta words them. */
const invalid = (why: string): Reply => refuse(400, 100, `(#100) ${why}`, { subcode: 2534015 });
const param = (why: string): Reply => refuse(400, 100, `(#100) ${why}`);

/** Reads a Send API body into the call it asks for, or Meta's refusal. */
export function readSendCall(raw: string): { call: SendCall; body: Body } | { reply: Reply; body?: Body } {
	let body: Body;
	try {
		body = JSON.parse(raw);
	} catch {
		return { reply: param('Request body is not valid JSON') };
	}
	if (!isObject(body)) return { reply: param('Request body must be a JSON object') };
	const read = readBody(body);
	return 'reply' in read ? { reply: read.reply, body } : { call: read.call, body };
}

function readBody(body: Body): { call: SendCall } | { reply: Reply } {
	const recipient = readRecipient(body.recipient);
	if (!recipient) return { reply: refuse(400, 100, '(#100) The parameter recipient is required', { subcode: 2018001 }) };

	if ('sender_action' in body) {
		if (!('id' in recipient)) return { reply: invalid('A sender action needs recipient.id') };
		const action = String(body.sender_action);
		if (action === 'react' || action === 'unreact') {
			// A reaction carries the recipient, the action and its payload, nothing else.
			if (keysOf(body) !== 'payload,recipient,sender_action') return { reply: invalid(`Unexpected fields with sender_action: ${keysOf(body)}`) };
			const payload = body.payload as Body;
			const expected = action === 'react' ? 'message_id,reaction' : 'message_id';
			if (!isObject(payload) || keysOf(payload) !== expected || typeof payload.message_id !== 'string' || !payload.message_id) {
				return { reply: invalid(`The ${action} payload must hold ${expected}`) };
			}
			if (action === 'react' && (typeof payload.reaction !== 'string' || chars(payload.reaction) === 0 || /\s/.test(payload.reaction))) {
				return { reply: invalid('Invalid reaction') };
			}
			return {
				call: {
					kind: 'reaction',
					recipientId: recipient.id,
					action,
					messageId: payload.message_id,
					...(action === 'react' ? { reaction: payload.reaction as string } : {}),
				},
			};
		}
		// A sender action carries the recipient and the action, nothing else.
		if (keysOf(body) !== 'recipient,sender_action') return { reply: invalid(`Unexpected fields with sender_action: ${keysOf(body)}`) };
		if (!SENDER_ACTIONS.includes(action)) return { reply: invalid('Invalid sender_action') };
		return { call: { kind: 'senderAction', recipientId: recipient.id, action } };
	}

	const allowed = ['message', 'messaging_type', 'recipient', 'reply_to', 'tag'];
	const unexpected = Object.keys(body).filter((key) => !allowed.includes(key));
	if (unexpected.length > 0 || !('message' in body)) return { reply: invalid(`Unexpected fields in the body: ${keysOf(body)}`) };

	let messagingType: string | undefined;
	let tag: string | undefined;
	if ('messaging_type' in body) {
		messagingType = String(body.messaging_type);
		if (!MESSAGING_TYPES.includes(messagingType)) return { reply: param(`Param messaging_type must be one of {${MESSAGING_TYPES.join(', ')}}`) };
	}
	if ('tag' in body) {
		tag = String(body.tag);
		if (tag !== 'HUMAN_AGENT') {
			return { reply: refuse(400, 100, `(#100) Param tag must be one of {HUMAN_AGENT} - got "${tag}"`, { subcode: 2534015 }) };
		}
		if (messagingType !== 'MESSAGE_TAG') return { reply: param('A tag is only allowed with messaging_type MESSAGE_TAG') };
	} else if (messagingType === 'MESSAGE_TAG') {
		return { reply: param('Param tag is required when messaging_type is MESSAGE_TAG') };
	}
	let replyTo: string | undefined;
	if ('reply_to' in body) {
		const reply = body.reply_to as Body;
		if (!isObject(reply) || keysOf(reply) !== 'mid' || typeof reply.mid !== 'string' || !reply.mid) return { reply: param('Param reply_to must be {mid}') };
		replyTo = reply.mid;
	}

	const content = readMessage(body.message);
	if ('reply' in content) return content;
	if ('commentId' in recipient && (messagingType || tag || replyTo)) {
		return { reply: invalid('A private reply takes no messaging_type, tag or reply_to') };
	}
	return { call: { kind: 'message', recipient, content: content.content, messagingType, tag, replyTo } };
}

function readRecipient(value: unknown): Recipient | undefined {
	if (!isObject(value)) return undefined;
	const keys = keysOf(value);
	if (keys === 'id' && typeof value.id === 'string' && /^[1-9]\d{0,31}$/.test(value.id)) return { id: value.id };
	if (keys === 'comment_id' && typeof value.comment_id === 'string' && /^\d{1,32}$/.test(value.comment_id)) {
		return { commentId: value.comment_id };
	}
	return undefined;
}

function readText(text: unknown): { text: string } | { reply: Reply } {
	if (typeof text !== 'string' || text.length === 0) return { reply: invalid('The parameter message[text] is required') };
	if (Buffer.byteLength(text, 'utf8') > MAX_TEXT_BYTES) {
		return { reply: invalid(`Length of param message[text] must be less than or equal to ${MAX_TEXT_BYTES}`) };
	}
	return { text };
}

function readMessage(value: unknown): { content: Content } | { reply: Reply } {
	if (!isObject(value)) return { reply: invalid('The parameter message is required') };
	const message = value;
	switch (keysOf(message)) {
		case 'text': {
			const text = readText(message.text);
			return 'reply' in text ? text : { content: { kind: 'text', text: text.text } };
		}
		case 'quick_replies,text': {
			const text = readText(message.text);
			if ('reply' in text) return text;
			const replies = message.quick_replies;
			if (!Array.isArray(replies) || replies.length < 1 || replies.length > 13) {
				return { reply: invalid('param message[quick_replies] must have between 1 and 13 elements') };
			}
			for (const reply of replies) {
				if (!isObject(reply) || keysOf(reply) !== 'content_type,payload,title' || reply.content_type !== 'text') {
					return { reply: invalid('Each quick reply must be {content_type:"text", title, payload}') };
				}
				if (typeof reply.title !== 'string' || chars(reply.title) < 1 || chars(reply.title) > 20) {
					return { reply: invalid('Quick reply titles are limited to 20 characters') };
				}
				if (typeof reply.payload !== 'string' || chars(reply.payload) < 1 || chars(reply.payload) > 1000) {
					return { reply: invalid('Quick reply payloads are limited to 1000 characters') };
				}
			}
			return { content: { kind: 'quickReplies', text: text.text, replies: replies.length } };
		}
		case 'attachments': {
			const list = message.attachments;
			if (!Array.isArray(list) || list.length < 1 || list.length > 10) {
				return { reply: invalid('param message[attachments] must have between 1 and 10 elements') };
			}
			const urls: string[] = [];
			for (const item of list) {
				const payload = (item as Body)?.payload as Body;
				if (!isObject(item) || keysOf(item) !== 'payload,type' || item.type !== 'image' || keysOf(payload) !== 'url' || !isHttps(payload.url)) {
					return { reply: invalid('Each of message[attachments] must be an image with an https payload url') };
				}
				urls.push(payload.url);
			}
			return { content: { kind: 'images', urls } };
		}
		case 'attachment':
			return readAttachment(message.attachment);
		default:
			return { reply: invalid(`Unexpected message fields: ${keysOf(message)}`) };
	}
}

function readAttachment(value: unknown): { content: Content } | { reply: Reply } {
	if (!isObject(value)) return { reply: invalid('Invalid attachment') };
	const attachment = value;
	const payload = attachment.payload as Body;
	if (attachment.type === 'like_heart') {
		return keysOf(attachment) === 'type' ? { content: { kind: 'heart' } } : { reply: invalid('like_heart takes no payload') };
	}
	if (keysOf(attachment) !== 'payload,type' || !isObject(payload)) return { reply: invalid('Invalid attachment') };
	if (attachment.type === 'MEDIA_SHARE') {
		if (keysOf(payload) !== 'id' || typeof payload.id !== 'string' || !/^\d+$/.test(payload.id)) {
			return { reply: invalid('MEDIA_SHARE needs payload.id, the ID of a post') };
		}
		return { content: { kind: 'share', postId: payload.id } };
	}
	if (attachment.type === 'template') return readTemplate(payload);
	if (!MEDIA_TYPES.includes(String(attachment.type))) return { reply: invalid('Invalid attachment type') };
	const type = String(attachment.type);
	if (keysOf(payload) === 'url') {
		if (!isHttps(payload.url)) return { reply: invalid('The attachment URL must be an absolute https URL') };
		return { content: { kind: 'media', type, url: payload.url } };
	}
	if (keysOf(payload) === 'attachment_id' && typeof payload.attachment_id === 'string' && payload.attachment_id) {
		return { content: { kind: 'media', type, attachmentId: payload.attachment_id } };
	}
	return { reply: invalid('The attachment payload must hold url or attachment_id') };
}

function readButtons(list: unknown, min: number, max: number): string | undefined {
	if (!Array.isArray(list) || list.length < min || list.length > max) return `between ${min} and ${max} buttons`;
	for (const button of list) {
		if (!isObject(button) || typeof button.title !== 'string' || chars(button.title) < 1 || chars(button.title) > 20) {
			return 'button titles of 1 to 20 characters';
		}
		if (button.type === 'web_url' && keysOf(button) === 'title,type,url' && isHttps(button.url)) continue;
		if (button.type === 'postback' && keysOf(button) === 'payload,title,type' && typeof button.payload === 'string' && button.payload) {
			continue;
		}
		return 'web_url buttons with an https url or postback buttons with a payload';
	}
	return undefined;
}

function readTemplate(payload: Body): { content: Content } | { reply: Reply } {
	if (payload.template_type === 'button') {
		if (keysOf(payload) !== 'buttons,template_type,text') return { reply: invalid('A button template holds template_type, text and buttons') };
		if (typeof payload.text !== 'string' || chars(payload.text) < 1 || chars(payload.text) > 640) {
			return { reply: invalid('Button template text is limited to 640 characters') };
		}
		const problem = readButtons(payload.buttons, 1, 3);
		if (problem) return { reply: invalid(`A button template needs ${problem}`) };
		return { content: { kind: 'template', templateType: 'button', count: (payload.buttons as unknown[]).length } };
	}
	if (payload.template_type === 'generic') {
		const elements = payload.elements;
		if (keysOf(payload) !== 'elements,template_type' || !Array.isArray(elements) || elements.length < 1 || elements.length > 10) {
			return { reply: invalid('A generic template holds 1 to 10 elements') };
		}
		for (const element of elements) {
			if (!isObject(element) || typeof element.title !== 'string' || chars(element.title) < 1 || chars(element.title) > 80) {
				return { reply: invalid('Element titles are limited to 80 characters') };
			}
			const others = Object.keys(element).filter((key) => key !== 'title');
			if (others.length === 0 || others.some((key) => !['subtitle', 'image_url', 'default_action', 'buttons'].includes(key))) {
				return { reply: invalid('An element needs a title and at least one of subtitle, image_url, default_action, buttons') };
			}
			if ('subtitle' in element && (typeof element.subtitle !== 'string' || chars(element.subtitle) > 80)) {
				return { reply: invalid('Element subtitles are limited to 80 characters') };
			}
			if ('image_url' in element && !isHttps(element.image_url)) return { reply: invalid('image_url must be https') };
			const action = element.default_action as Body;
			if ('default_action' in element && (keysOf(action) !== 'type,url' || action.type !== 'web_url' || !isHttps(action.url))) {
				return { reply: invalid('default_action must be {type:"web_url", url}') };
			}
			const problem = 'buttons' in element ? readButtons(element.buttons, 1, 3) : undefined;
			if (problem) return { reply: invalid(`An element needs ${problem}`) };
		}
		return { content: { kind: 'template', templateType: 'generic', count: elements.length } };
	}
	return { reply: invalid('Unsupported template_type') };
}
