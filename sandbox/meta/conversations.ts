// The Conversations API: `GET /{PAGE_ID|IG_ID|me}/conversations?platform=instagram` and
// `GET /{CONVERSATION_ID}/messages`, paged with cursors as Meta pages them: `limit` entries
// (25 unless asked), `paging.cursors.after`, and a `next` URL, which carries the access
// token, only while more follow. Messages past the 20 newest come without their details.
import { ok, refuse } from './graphErrors';
import type { Reply } from './graphErrors';

const CONVERSATION_FIELDS = ['id', 'updated_time', 'participants', 'messages', 'is_owner'];
const MESSAGE_FIELDS = ['id', 'created_time', 'from', 'to', 'message', 'attachments', 'reply_to', 'reactions', 'shares', 'story', 'is_unsupported'];
/** Meta gives message details for the 20 newest messages of a conversation only. */
export const DETAILED_MESSAGES = 20;

export interface Account {
	igId: string;
	username: string;
}

interface Conversation {
	id: string;
	updatedAt: number;
	userId: string;
	username: string;
	messages: number;
}

export class Conversations {
	private readonly list: Conversation[] = [];

	/** `count` conversations, newest first, each with `messages` messages. */
	constructor(count: number, messages: number, epochMs = Date.UTC(2026, 10, 1)) {
		for (let i = 0; i < count; i++) {
			const userId = String(17841450000000000n + BigInt(i));
			this.list.push({
				id: Buffer.from(`conversation:${i}`).toString('base64url'),
				updatedAt: epochMs - i * 60_000,
				userId,
				username: `customer_${i}`,
				messages,
			});
		}
	}

	/** A page of conversations, or Meta's refusal. */
	page(account: Account, query: Record<string, string>, nextUrl: (after: string) => string, requirePlatform: boolean): Reply {
		if (requirePlatform && query.platform !== 'instagram') {
			return refuse(400, 100, '(#100) The parameter platform is required (instagram)');
		}
		const fields = readFields(query.fields, CONVERSATION_FIELDS, 'id');
		if (typeof fields !== 'object') return refuse(400, 100, `(#100) Tried accessing nonexisting field (${fields})`);
		const list = query.user_id === undefined ? this.list : this.list.filter((c) => c.userId === query.user_id);
		return paged(list, query, nextUrl, (conversation) => {
			const all: Record<string, unknown> = {
				id: conversation.id,
				updated_time: graphTime(conversation.updatedAt),
				participants: {
					data: [
						{ username: account.username, id: account.igId },
						{ username: conversation.username, id: conversation.userId },
					],
				},
			};
			return pick(all, fields);
		});
	}

	/** A page of one conversation's messages, newest first. */
	messages(account: Account, conversationId: string, query: Record<string, string>, nextUrl: (after: string) => string): Reply {
		const conversation = this.list.find((c) => c.id === conversationId);
		if (!conversation) {
			return refuse(400, 100, `(#100) Unsupported get request. Object with ID '${conversationId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, { subcode: 33 });
		}
		const fields = readFields(query.fields, MESSAGE_FIELDS, 'id,created_time');
		if (typeof fields !== 'object') return refuse(400, 100, `(#100) Tried accessing nonexisting field (${fields})`);
		const indices = Array.from({ length: conversation.messages }, (_, i) => i);
		return paged(indices, query, nextUrl, (i) => {
			const fromCustomer = i % 2 === 0;
			const customer = { username: conversation.username, id: conversation.userId };
			const business = { username: account.username, id: account.igId };
			const all: Record<string, unknown> = {
				id: Buffer.from(`message:${conversationId}:${i}`).toString('base64url'),
				created_time: graphTime(conversation.updatedAt - i * 1000),
				from: fromCustomer ? customer : business,
				to: { data: [fromCustomer ? business : customer] },
				message: `Message ${conversation.messages - i}`,
				...(i % 5 === 4 ? { attachments: { data: [{ image_data: { url: `https://cdn.imitation.example/${i}.jpg`, width: 640, height: 480 } }] } } : {}),
			};
			// Older messages: Meta answers with their ID and time only.
			return i < DETAILED_MESSAGES ? pick(all, fields) : pick(all, new Set(['id', 'created_time'].filter((f) => fields.has(f))));
		});
	}
}

function readFields(fields: string | undefined, known: string[], fallback: string): Set<string> | string {
	const asked = (fields ?? fallback).split(',').map((field) => field.trim());
	const unknown = asked.find((field) => !known.includes(field));
	return unknown ?? new Set(asked);
}

function pick(all: Record<string, unknown>, fields: Set<string>): Record<string, unknown> {
	return Object.fromEntries(Object.entries(all).filter(([key]) => fields.has(key)));
}

/** Graph API times: `2026-11-01T10:00:00+0000`. */
function graphTime(ms: number): string {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

function paged<T>(list: T[], query: Record<string, string>, nextUrl: (after: string) => string, entry: (item: T) => unknown): Reply {
	const limit = query.limit === undefined ? 25 : Number(query.limit);
	if (!Number.isInteger(limit) || limit < 1) return refuse(400, 100, '(#100) Param limit must be a positive integer');
	const size = Math.min(limit, 100);
	let start = 0;
	if (query.after !== undefined) {
		const decoded = /^offset:(\d+)$/.exec(Buffer.from(query.after, 'base64url').toString('utf8'));
		if (!decoded) return refuse(400, 100, '(#100) Invalid cursor');
		start = Number(decoded[1]);
	}
	const slice = list.slice(start, start + size);
	const body: Record<string, unknown> = { data: slice.map(entry) };
	if (slice.length > 0) {
		const cursor = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64url');
		const after = cursor(start + slice.length);
		body.paging = { cursors: { before: cursor(start), after }, ...(start + slice.length < list.length ? { next: nextUrl(after) } : {}) };
	}
	return ok(body, 'page');
}
