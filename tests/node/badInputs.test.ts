// A catalogue of bad inputs, each run through the node against the Meta imitation: every
// one must give its clear error, and none may send a request.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';

import type { MetaImitation } from '../../sandbox/metaImitation';
import { startMetaImitation } from '../../sandbox/metaImitation';
import path from 'node:path';

import type { Catalog } from '../../js-wrapper/bridge/types';
import { ACCESS_TOKEN, APP_SECRET, META_UUID, USER_A, credentialsFor } from '../support/fixtures';
import { runNode } from '../support/nodeHarness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CATALOG } = require(path.resolve('dist/js-wrapper/bridge/generated/catalog.js')) as { CATALOG: Catalog };

const TEN_MB = 10 * 1024 * 1024;
const OK_TEXT = 'Hello';

/** [label, userId, messageText, expected error] — one item each. */
const itemCases: Array<[string, unknown, unknown, RegExp]> = [
	['User ID as a number beyond 2^53', 17841400000000001, OK_TEXT, /too large for JavaScript to hold exactly/],
	['User ID as a negative number', -17841400000000, OK_TEXT, /whole positive number/],
	['User ID as a fraction', 1.5, OK_TEXT, /whole positive number/],
	['User ID as zero', 0, OK_TEXT, /positive IGSID/],
	['User ID as an object', { id: USER_A }, OK_TEXT, /an expression produced an object/],
	['User ID as a list', [USER_A], OK_TEXT, /an expression produced a list/],
	['User ID as null', null, OK_TEXT, /User ID is required/],
	['User ID missing', undefined, OK_TEXT, /User ID is required/],
	['User ID as a boolean', true, OK_TEXT, /a true\/false value/],
	['User ID empty', '', OK_TEXT, /User ID is empty/],
	['User ID only spaces', '   ', OK_TEXT, /User ID is empty/],
	['User ID only tabs and line breaks', '\t\r\n', OK_TEXT, /User ID is empty/],
	['User ID with an inner space', '178414 00000000001', OK_TEXT, /digits 0-9 only.*U\+0020|digits 0-9 only/],
	['User ID with a zero-width space', `${USER_A}\u200B`, OK_TEXT, /U\+200B/],
	['User ID with a left-to-right mark', `\u200E${USER_A}`, OK_TEXT, /U\+200E/],
	['User ID with a right-to-left override', `\u202E${USER_A}`, OK_TEXT, /U\+202E/],
	['User ID with a byte-order mark', `\uFEFF${USER_A}`, OK_TEXT, /U\+FEFF/],
	['User ID with a plus sign', `+${USER_A}`, OK_TEXT, /'\+' at character 1/],
	['User ID with a minus sign', `-${USER_A}`, OK_TEXT, /'-' at character 1/],
	['User ID with a decimal point', '1784140000000.0001', OK_TEXT, /'\.' at character 14/],
	['User ID in exponent form', '1.78414e16', OK_TEXT, /'\.'/],
	['User ID with an exponent only', '178414e11', OK_TEXT, /'e' at character 7/],
	['User ID with a leading zero', `0${USER_A}`, OK_TEXT, /must not start with 0/],
	['User ID in hexadecimal', '0x1784', OK_TEXT, /'x' at character 2/],
	['User ID in Arabic-Indic digits', '١٧٨٤١٤٠٠', OK_TEXT, /non-ASCII character U\+0661/],
	['User ID in full-width digits', '１７８４１４', OK_TEXT, /non-ASCII character U\+FF11/],
	['User ID that is a username', 'ada.lovelace', OK_TEXT, /'a' at character 1/],
	['User ID with 33 digits', '1'.repeat(33), OK_TEXT, /33 digits/],
	['User ID of 10 MB', '1'.repeat(TEN_MB), OK_TEXT, /10485760 digits/],
	['User ID with a lone surrogate', '\uD800', OK_TEXT, /User ID contains a broken character/],
	['User ID with a NUL', `${USER_A}\u0000`, OK_TEXT, /U\+0000/],
	['Message Text empty', USER_A, '', /Message Text is empty/],
	['Message Text missing', USER_A, undefined, /Message Text is required/],
	['Message Text null', USER_A, null, /Message Text is required/],
	['Message Text only spaces and line breaks', USER_A, '  \n\t ', /only whitespace or invisible/],
	['Message Text only zero-width characters', USER_A, '\u200B\u200D\uFEFF', /only whitespace or invisible/],
	['Message Text only direction marks', USER_A, '\u200E\u200F', /only whitespace or invisible/],
	['Message Text as an object', USER_A, { text: 'hi' }, /must be text; an expression produced an object/],
	['Message Text as a list', USER_A, ['a', 'b'], /an expression produced a list/],
	['Message Text 1001 one-byte characters', USER_A, 'a'.repeat(1001), /is 1001 bytes long in UTF-8 \(1001 characters\)/],
	['Message Text 1002 bytes of two-byte characters', USER_A, 'é'.repeat(501), /is 1002 bytes long in UTF-8 \(501 characters\)/],
	['Message Text 999 + one two-byte character', USER_A, `${'a'.repeat(999)}é`, /is 1001 bytes/],
	['Message Text 1002 bytes of three-byte characters', USER_A, '€'.repeat(334), /is 1002 bytes long in UTF-8 \(334 characters\)/],
	['Message Text 998 + one three-byte character', USER_A, `${'a'.repeat(998)}€`, /is 1001 bytes/],
	['Message Text 1000 bytes of emoji and one more byte', USER_A, `${'😀'.repeat(250)}a`, /is 1001 bytes long in UTF-8 \(251 characters\)/],
	['Message Text 997 + one four-byte character', USER_A, `${'a'.repeat(997)}😀`, /is 1001 bytes/],
	['Message Text of 10 MB', USER_A, 'x'.repeat(TEN_MB), /is 10485760 bytes/],
	['Message Text with a lone high surrogate', USER_A, 'Hi \uD83D', /unpaired UTF-16 surrogate/],
	['Message Text with a lone low surrogate', USER_A, '\uDE00 there', /unpaired UTF-16 surrogate/],
	['Message Text with swapped surrogates', USER_A, '\uDE00\uD83D', /unpaired UTF-16 surrogate/],
	['Message Text with a NUL', USER_A, 'a\u0000b', /control character U\+0000 at character 2/],
	['Message Text with an escape sequence', USER_A, '\u001b[31mred', /control character U\+001B/],
	['Message Text with DEL', USER_A, 'del\u007f', /control character U\+007F/],
	['Message Text with a C1 control', USER_A, 'next\u0085line', /control character U\+0085/],
];

/** Input binary data for a case: one file on the item. */
type Binary = Record<string, { data: string; mimeType: string; fileName?: string }>;
const png = (bytes = 64): Binary => ({ data: { data: Buffer.alloc(bytes, 1).toString('base64'), mimeType: 'image/png', fileName: 'a.png' } });

/** [label, operation and its parameters, expected error, the item's binary data]: the other operations' fields. */
const operationCases: Array<[string, Record<string, unknown>, RegExp, Binary?]> = [
	['Action not offered', { operation: 'sendAction', userId: USER_A, action: 'typing' }, /^Action must be one of "typing_on", "typing_off", "mark_seen"; got "typing"$/],
	['Action in capitals', { operation: 'sendAction', userId: USER_A, action: 'MARK_SEEN' }, /^Action must be one of .*; got "MARK_SEEN"$/],
	['Media Type not offered', { operation: 'sendMedia', userId: USER_A, mediaType: 'sticker', mediaUrl: 'https://x.example/a.png' }, /^Media Type must be one of "image", "video", "audio", "file"; got "sticker"$/],
	['Media URL over http', { operation: 'sendMedia', userId: USER_A, mediaType: 'image', mediaUrl: 'http://x.example/a.png' }, /^Media URL must be an absolute https address/],
	['Media URL relative', { operation: 'sendMedia', userId: USER_A, mediaType: 'image', mediaUrl: '/a.png' }, /^Media URL must be an absolute https address/],
	['Media URL with a password', { operation: 'sendMedia', userId: USER_A, mediaType: 'image', mediaUrl: 'https://u:p@x.example/a.png' }, /^Media URL must not contain a user name or password$/],
	['Media URL with a space', { operation: 'sendMedia', userId: USER_A, mediaType: 'image', mediaUrl: 'https://x.example/a b.png' }, /^Media URL contains .*\(encode spaces as %20\)/],
	['Media URL as an object', { operation: 'sendMedia', userId: USER_A, mediaType: 'image', mediaUrl: { url: 'https://x.example' } }, /^Media URL must be an https address .*an expression produced an object$/],
	['Media Source not offered', { operation: 'sendMedia', userId: USER_A, mediaSource: 'ftp' }, /^Media Source must be one of "url", "binary", "attachmentId"; got "ftp"$/],
	['Binary file missing', { operation: 'sendMedia', userId: USER_A, mediaSource: 'binary' }, /^Input Binary Field "data" holds no file on this item/],
	['Binary file of a type Meta refuses', { operation: 'sendMedia', userId: USER_A, mediaSource: 'binary' }, /^Input Binary Field "data" is a file of type "image\/webp", which Instagram does not accept/, { data: { data: 'AAAA', mimeType: 'image/webp' } }],
	['Binary image over 8 MB', { operation: 'sendMedia', userId: USER_A, mediaSource: 'binary' }, /^Input Binary Field "data" is 8388609 bytes; Instagram accepts image\/png files up to 8388608 bytes \(8 MB\), so it was not uploaded$/, png(8 * 1024 * 1024 + 1)],
	['Media Type that disagrees with the file', { operation: 'sendMedia', userId: USER_A, mediaSource: 'binary', mediaType: 'video' }, /^Media Type says "video" but the file "a.png" is image \(image\/png\)/, png()],
	['Attachment ID with a space', { operation: 'sendMedia', userId: USER_A, mediaSource: 'attachmentId', mediaType: 'image', attachmentId: '18577 7777' }, /^Attachment ID must be an ID as Meta gives it/],
	['Image URLs, only one', { operation: 'sendImages', userId: USER_A, imageUrls: 'https://x.example/1.jpg' }, /^Image URLs must hold 2 to 10 image URLs; got 1$/],
	['Image URLs, eleven', { operation: 'sendImages', userId: USER_A, imageUrls: Array.from({ length: 11 }, (_, i) => `https://x.example/${i}.jpg`) }, /^Image URLs must hold 2 to 10 image URLs; got 11$/],
	['Post ID with letters', { operation: 'sharePost', userId: USER_A, postId: 'abc' }, /^Post ID must be a numeric ID, digits only; got "abc"$/],
	['Quick replies, fourteen', { operation: 'sendQuickReplies', userId: USER_A, messageText: 'Pick', quickReplies: { values: Array.from({ length: 14 }, (_, i) => ({ title: `T${i}`, payload: `P${i}` })) } }, /^Quick Replies must hold 1 to 13 quick replies; got 14$/],
	['Quick reply title of 21 emoji', { operation: 'sendQuickReplies', userId: USER_A, messageText: 'Pick', quickReplies: { values: [{ title: '🎉'.repeat(21), payload: 'P' }] } }, /^Quick Replies quick reply 1: Title is 21 characters long; Instagram allows at most 20/],
	['Quick replies text over 1000 bytes', { operation: 'sendQuickReplies', userId: USER_A, messageText: 'é'.repeat(501), quickReplies: { values: [{ title: 'A', payload: 'A' }] } }, /^Message Text is 1002 bytes long/],
	['Generic template without elements', { operation: 'sendGenericTemplate', userId: USER_A, elements: { values: [] } }, /^Elements must hold 1 to 10 elements; got 0$/],
	['Generic template element with a title only', { operation: 'sendGenericTemplate', userId: USER_A, elements: { values: [{ title: 'T' }] } }, /^Elements element 1: besides its Title, set at least one of/],
	['Button template text of 641 characters', { operation: 'sendButtonTemplate', userId: USER_A, messageText: 'a'.repeat(641), buttons: { values: [{ type: 'postback', title: 'A', payload: 'A' }] } }, /^Message Text is 641 characters long; Instagram allows at most 640 characters here/],
	['Button template with four buttons', { operation: 'sendButtonTemplate', userId: USER_A, messageText: 'Hi', buttons: { values: Array.from({ length: 4 }, () => ({ type: 'postback', title: 'A', payload: 'A' })) } }, /^Buttons must hold 1 to 3 buttons; got 4$/],
	['React to a message ID with a slash', { operation: 'react', userId: USER_A, messageId: 'm/../me' }, /^Message ID must be an ID as Meta gives it/],
	['Reaction of two words', { operation: 'react', userId: USER_A, messageId: 'm_1', reaction: 'very good' }, /^Reaction must be love or a single emoji/],
	['Unreact without a message ID', { operation: 'unreact', userId: USER_A, messageId: '' }, /^Message ID is empty/],
	['Private reply to a comment ID with letters', { operation: 'sendPrivateReply', commentId: 'c-17858', messageText: 'Hi' }, /^Comment ID must be a numeric ID, digits only/],
	['Private reply with an unknown content', { operation: 'sendPrivateReply', commentId: '17858', replyWith: 'sticker' }, /^Reply With must be one of "text", "media"; got "sticker"$/],
	['Private reply without text', { operation: 'sendPrivateReply', commentId: '17858', replyWith: 'text', messageText: '' }, /^Message Text is empty/],
	['Private reply media from nowhere', { operation: 'sendPrivateReply', commentId: '17858', replyWith: 'media', mediaSource: 'ftp' }, /^Media Source must be one of/],
	['Private reply media of an unknown type', { operation: 'sendPrivateReply', commentId: '17858', replyWith: 'media', mediaType: 'gif', mediaUrl: 'https://x.example/a.gif' }, /^Media Type must be one of/],
	['Private reply media over http', { operation: 'sendPrivateReply', commentId: '17858', replyWith: 'media', mediaType: 'image', mediaUrl: 'http://x.example/a.png' }, /^Media URL must be an absolute https address/],
	['Private reply media file missing', { operation: 'sendPrivateReply', commentId: '17858', replyWith: 'media', mediaSource: 'binary' }, /^Input Binary Field "data" holds no file on this item/],
	['Private reply attachment ID with a quote', { operation: 'sendPrivateReply', commentId: '17858', replyWith: 'media', mediaSource: 'attachmentId', mediaType: 'image', attachmentId: '"1857"' }, /^Attachment ID must be an ID as Meta gives it/],
	['Upload from an attachment ID', { operation: 'uploadAttachment', mediaSource: 'attachmentId' }, /^Media Source must be one of "url", "binary"; got "attachmentId"$/],
	['Upload of an unknown media type', { operation: 'uploadAttachment', mediaType: 'sticker', mediaUrl: 'https://x.example/a.png' }, /^Media Type must be one of/],
	['Upload from a relative URL', { operation: 'uploadAttachment', mediaType: 'image', mediaUrl: 'a.png' }, /^Media URL must be an absolute https address/],
	['Upload without a file', { operation: 'uploadAttachment', mediaSource: 'binary', binaryPropertyName: 'attachment' }, /^Input Binary Field "attachment" holds no file on this item/],
	['Conversations Return All as text', { resource: 'conversation', operation: 'getConversations', returnAll: 'yes' }, /^Return All must be true or false; an expression produced text$/],
	['Conversations Limit of 0', { resource: 'conversation', operation: 'getConversations', returnAll: false, limit: 0 }, /^Limit must be a whole number from 1 to 10000$/],
	['Conversations for a username', { resource: 'conversation', operation: 'getConversations', userId: '@ada' }, /^User ID must be the recipient's Instagram-scoped ID/],
	['Messages of a conversation ID with a slash', { resource: 'conversation', operation: 'getMessages', conversationId: 'c1/../me' }, /^Conversation ID must be an ID as Meta gives it/],
	['Messages Return All as a number', { resource: 'conversation', operation: 'getMessages', conversationId: 'c1', returnAll: 1 }, /^Return All must be true or false; an expression produced a number$/],
	['Messages Limit of 1.5', { resource: 'conversation', operation: 'getMessages', conversationId: 'c1', returnAll: false, limit: 1.5 }, /^Limit must be a whole number from 1 to 10000$/],
	['Profile fields with a brace', { resource: 'user', operation: 'getProfile', userId: USER_A, options: { fields: 'name,{id}' } }, /^Fields must be a comma-separated list of field names/],
	['Profile fields twice', { resource: 'user', operation: 'getProfile', userId: USER_A, options: { fields: 'name,name' } }, /^Fields lists "name" twice$/],
	['Profile fields too many', { resource: 'user', operation: 'getProfile', userId: USER_A, options: { fields: Array.from({ length: 21 }, (_, i) => `f${i}`).join(',') } }, /^Fields lists 21 fields; at most 20 are allowed$/],
	['Profile User ID a username', { resource: 'user', operation: 'getProfile', userId: '@ada.lovelace' }, /^User ID must be the recipient's Instagram-scoped ID/],
	...messageOptionCases(),
];

/** The message options, wrong, on every operation that takes them (with its other fields right). */
function messageOptionCases(): Array<[string, Record<string, unknown>, RegExp]> {
	const valid: Record<string, Record<string, unknown>> = {
		sendMessage: { messageText: 'Hi' },
		sendMedia: { mediaType: 'image', mediaUrl: 'https://x.example/a.png' },
		sendImages: { imageUrls: 'https://x.example/1.jpg\nhttps://x.example/2.jpg' },
		sendHeartSticker: {},
		sharePost: { postId: '17900000000000001' },
		sendQuickReplies: { messageText: 'Pick', quickReplies: { values: [{ title: 'A', payload: 'A' }] } },
		sendGenericTemplate: { elements: { values: [{ title: 'T', subtitle: 'S' }] } },
		sendButtonTemplate: { messageText: 'Hi', buttons: { values: [{ type: 'postback', title: 'A', payload: 'A' }] } },
	};
	return Object.entries(valid).flatMap(([operation, fields]): Array<[string, Record<string, unknown>, RegExp]> => {
		const params = (options: Record<string, unknown>) => ({ operation, userId: USER_A, ...fields, options });
		return [
			[`${operation}: a tag other than HUMAN_AGENT`, params({ tag: 'CONFIRMED_EVENT_UPDATE' }), /^Tag must be HUMAN_AGENT, the only message tag Instagram accepts/],
			[`${operation}: an unknown messaging type`, params({ messagingType: 'NON_PROMOTIONAL_SUBSCRIPTION' }), /^Messaging Type must be one of "RESPONSE", "UPDATE", "MESSAGE_TAG"/],
			[`${operation}: a reply-to ID with a space`, params({ replyToMessageId: 'm 1' }), /^Reply To Message ID must be an ID as Meta gives it/],
		];
	});
}

/** [label, credential overrides or environment, expected error] — one run each. */
const setupCases: Array<[string, { credentials?: Record<string, unknown>; metaUuid?: string | null }, RegExp]> = [
	['token empty', { credentials: { accessToken: '' } }, /^Access token is required$/],
	['token only whitespace', { credentials: { accessToken: ' \n\t' } }, /^Access token is required$/],
	['token as a number', { credentials: { accessToken: 12345 } }, /^Access token is required$/],
	['token with an inner space', { credentials: { accessToken: 'tok abc' } }, /^Access token contains characters/],
	['token with a header injection', { credentials: { accessToken: 'tok\r\nX-Injected: 1' } }, /^Access token contains characters/],
	['token with a non-ASCII letter', { credentials: { accessToken: 'toké' } }, /^Access token contains characters/],
	['token with a lone surrogate', { credentials: { accessToken: 'tok\uD800' } }, /^Access token contains characters/],
	['token with a zero-width space', { credentials: { accessToken: 'tok\u200Bxyz' } }, /^Access token contains characters/],
	['app secret empty', { credentials: { appSecret: '' } }, /^App Secret is required for server-side API calls$/],
	['app secret with an inner space', { credentials: { appSecret: 'abc def' } }, /^App Secret contains characters/],
	['API version without v', { credentials: { apiVersion: '18.0' } }, /^API Version must look like v18.0/],
	['API version with a path', { credentials: { apiVersion: 'v18.0/../x' } }, /^API Version must look like v18.0/],
	['base URL without scheme', { credentials: { baseUrl: 'graph.facebook.com' } }, /^Base URL must be an http\(s\) address/],
	['base URL with a password', { credentials: { baseUrl: 'https://user:pass@graph.facebook.com' } }, /user name or password/],
	['base URL with a token in the query', { credentials: { baseUrl: 'https://graph.facebook.com?access_token=x' } }, /query/],
	['N8N_META_UUID unset', { metaUuid: null }, /N8N_META_UUID must be defined.*it is not set/],
	['N8N_META_UUID empty', { metaUuid: '' }, /N8N_META_UUID must be defined.*it is empty/],
	['N8N_META_UUID of 7 characters', { metaUuid: '1234567' }, /N8N_META_UUID must be defined.*only 7 characters/],
	['N8N_META_UUID short inside spaces', { metaUuid: '   abc   ' }, /N8N_META_UUID must be defined.*only 3 characters/],
];

let meta: MetaImitation;

describe('bad inputs: a clear error each, and nothing sent', () => {
	before(async () => {
		meta = await startMetaImitation({ apps: [{ accessToken: ACCESS_TOKEN, appSecret: APP_SECRET }] });
	});
	after(async () => meta.close());
	beforeEach(() => {
		meta.reset();
		process.env.N8N_META_UUID = META_UUID;
	});

	it(`refuses each of ${itemCases.length} bad items with its own error, in one run`, async () => {
		const params: Record<string, unknown> = { operation: 'sendMessage', options: {} };
		params.userId = (i: number) => itemCases[i][1];
		params.messageText = (i: number) => itemCases[i][2];
		const result = await runNode({
			items: itemCases.map(() => ({})),
			params,
			credentials: credentialsFor(meta.url),
			continueOnFail: true,
		});
		assert.ok(result.output, result.error?.message);
		const items = result.output[0];
		assert.equal(items.length, itemCases.length);
		items.forEach((item, index) => {
			const [label, , , expected] = itemCases[index];
			assert.equal(item.pairedItem && (item.pairedItem as { item: number }).item, index);
			assert.equal(item.json.success, false, label);
			assert.match(String(item.json.error), expected, `${label}: ${String(item.json.error).slice(0, 300)}`);
			assert.ok(String(item.json.error).length < 600, `${label}: the error stays short`);
		});
		assert.equal(meta.requests.length, 0);
	});

	for (const [label, setup, expected] of setupCases) {
		it(`refuses a setup with ${label}`, async () => {
			if (setup.metaUuid === null) delete process.env.N8N_META_UUID;
			else if (setup.metaUuid !== undefined) process.env.N8N_META_UUID = setup.metaUuid;
			const result = await runNode({
				items: [{}],
				params: { operation: 'sendMessage', options: {}, userId: USER_A, messageText: OK_TEXT },
				credentials: { ...credentialsFor(meta.url), ...(setup.credentials ?? {}) } as never,
			});
			assert.match(result.error?.message ?? '(no error)', expected);
			for (const secret of [setup.credentials?.accessToken, setup.credentials?.appSecret]) {
				if (typeof secret === 'string' && secret.trim().length > 0) {
					assert.ok(!String(result.error?.message).includes(secret.trim()), 'a bad secret is not echoed');
				}
			}
			assert.equal(meta.requests.length, 0);
		});
	}

	/** Which fields of which operations the runs above refused, as the node reported them. */
	const refusedFields = new Set<string>();

	it(`refuses each of ${operationCases.length} bad parameters of the other operations, sending nothing`, async () => {
		for (const [label, params, expected, binary] of operationCases) {
			const result = await runNode({
				items: [{}],
				params: { options: {}, ...params },
				credentials: credentialsFor(meta.url),
				continueOnFail: true,
				...(binary ? { binary: [binary] } : {}),
			});
			assert.ok(result.output, `${label}: ${result.error?.message}`);
			const [item] = result.output[0].map((o) => o.json);
			assert.equal(item.success, false, label);
			assert.match(String(item.error), expected, `${label}: ${String(item.error)}`);
			refusedFields.add(`${String(params.operation)}.${String(item.errorField)}`);
		}
		assert.equal(meta.requests.length, 0);
	});

	it('has a bad-input case, refused against its own field, for every field every operation reads', async () => {
		const result = await runNode({
			items: itemCases.map(() => ({})),
			params: { operation: 'sendMessage', options: {}, userId: (i: number) => itemCases[i][1], messageText: (i: number) => itemCases[i][2] },
			credentials: credentialsFor(meta.url),
			continueOnFail: true,
		});
		for (const item of result.output![0]) refusedFields.add(`sendMessage.${String(item.json.errorField)}`);
		const declared = CATALOG.operations.flatMap((op) => op.fields.map((field) => `${op.name}.${field.name}`));
		const untested = declared.filter((field) => !refusedFields.has(field) && !field.endsWith('.userId'));
		assert.deepEqual(untested, [], 'fields no bad input reaches');
		// User ID is shared by the operations; its rules are the sendMessage catalogue's.
		assert.ok(refusedFields.has('sendMessage.userId') && refusedFields.has('getProfile.userId'));
		assert.ok(refusedFields.has('getConversations.userId'), 'the optional User ID filter too');
	});
});
