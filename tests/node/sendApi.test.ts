// The whole Send API, uploads and conversations, run in n8n's execution context against the
// Meta imitation on both login types: what reaches Meta (paths, bodies, multipart parts and
// bytes), what comes back, Meta's errors and their hints, identical files uploaded once,
// and the Conversations API paced under Meta's limit (the imitation refuses a third call in
// any second with 613, so broken pacing shows in its log, not in a clock).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';

import type { MetaImitation } from '../../sandbox/metaImitation';
import { startMetaImitation } from '../../sandbox/metaImitation';
import { ACCESS_TOKEN, APP_SECRET, META_UUID, USER_A, USER_B, USER_C, checkedTokenFields, credentialsFor, secretsOf } from '../support/fixtures';
import type { RunOptions, RunResult } from '../support/nodeHarness';
import { runNode } from '../support/nodeHarness';

/** An Instagram Login token: `auto` reads the login type from its `IG` prefix. */
const IG_TOKEN = `IGQV${randomBytes(20).toString('hex')}`;
const PAGE_ID = '104000000000777';
const IG_ID = '17841499000000000';

let meta: MetaImitation;

interface Run extends Partial<RunOptions> {
	login?: 'facebook' | 'instagram';
	credentials?: Record<string, string>;
}

function run(params: RunOptions['params'], extra: Run = {}): Promise<RunResult> {
	const token = extra.login === 'instagram' ? IG_TOKEN : ACCESS_TOKEN;
	return runNode({
		items: extra.items ?? [{}],
		params: { options: {}, ...params },
		// An Instagram-Login token checked earlier, with 50 days left: no refresh is due.
		credentials: { ...credentialsFor(meta.url, { accessToken: token }), ...(extra.login === 'instagram' ? checkedTokenFields(IG_TOKEN) : {}), ...extra.credentials },
		continueOnFail: extra.continueOnFail,
		binary: extra.binary,
	});
}

function jsonOf(result: RunResult) {
	assert.ok(result.output, `expected output, got error: ${result.error?.message}`);
	return result.output[0].map((item) => item.json);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const file = (bytes: Buffer, mimeType: string, fileName: string) => ({ data: { data: bytes.toString('base64'), mimeType, fileName } });

describe('the Send API, uploads and conversations against the Meta imitation', () => {
	before(async () => {
		meta = await startMetaImitation({
			apps: [
				{ accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, pageId: PAGE_ID, igId: IG_ID },
				{ accessToken: IG_TOKEN, appSecret: APP_SECRET, igId: IG_ID },
			],
		});
	});
	after(async () => meta.close());
	beforeEach(() => {
		meta.reset();
		process.env.N8N_META_UUID = META_UUID;
	});

	for (const login of ['facebook', 'instagram'] as const) {
		it(`sends every kind of message Meta accepts (${login} login)`, async () => {
			const cases: Array<[string, Record<string, unknown>, string]> = [
				['sendMessage', { messageText: 'Hi there', options: { replyToMessageId: 'aWdfmid1', messagingType: 'RESPONSE' } }, 'text'],
				['sendMedia', { mediaType: 'image', mediaUrl: 'https://cdn.example.com/shoe.jpg' }, 'media'],
				['sendImages', { imageUrls: 'https://cdn.example.com/1.jpg\nhttps://cdn.example.com/2.png\nhttps://cdn.example.com/3.gif' }, 'images'],
				['sendHeartSticker', {}, 'heart'],
				['sharePost', { postId: '17900000000000001' }, 'share'],
				['sendQuickReplies', { messageText: 'Which size?', quickReplies: { values: [{ title: 'S', payload: 'S' }, { title: 'M 👟', payload: 'M' }] } }, 'quickReplies'],
				[
					'sendGenericTemplate',
					{
						elements: {
							values: [
								{ title: 'Sneaker', subtitle: 'White', imageUrl: 'https://cdn.example.com/s.jpg', buttons: { values: [{ type: 'web_url', title: 'Buy', url: 'https://shop.example.com/s' }] } },
								{ title: 'Boot', defaultActionUrl: 'https://shop.example.com/b' },
							],
						},
					},
					'template',
				],
				['sendButtonTemplate', { messageText: 'Need a human?', buttons: { values: [{ type: 'postback', title: 'Yes', payload: 'HUMAN' }] } }, 'template'],
				['react', { messageId: 'aWdfmid2', reaction: login === 'instagram' ? '🔥' : 'love' }, 'react'],
				['unreact', { messageId: 'aWdfmid2' }, 'unreact'],
				['sendAction', { action: 'typing_on' }, 'senderAction'],
				['sendMessage', { messageText: 'A human here', options: { tag: 'HUMAN_AGENT' } }, 'text'],
			];
			for (const [operation, params, call] of cases) {
				meta.reset();
				const [item] = jsonOf(await run({ operation, userId: USER_A, ...params }, { login }));
				assert.equal(item.success, true, `${operation}: ${String(item.error)}`);
				assert.equal(item.operation, operation);
				assert.equal(item.userId, USER_A);
				assert.equal(meta.requests.length, 1, operation);
				const [request] = meta.requests;
				assert.equal(request.path, '/v18.0/me/messages', operation);
				assert.equal(request.call, call, operation);
				assert.equal(request.status, 200, `${operation}: ${request.outcome}`);
				assert.ok(request.proofValid && !request.tokenInUrl, operation);
				if (['react', 'unreact', 'sendAction'].includes(operation)) {
					assert.equal(item.messageId, undefined, `${operation} has no message ID`);
				} else {
					assert.equal(item.messageId, request.messageId, operation);
				}
			}
		});
	}

	it('adds the options it used to the item: reply-to, messaging type, tag', async () => {
		const [item] = jsonOf(await run({ operation: 'sendMessage', userId: USER_A, messageText: 'Hi', options: { replyToMessageId: 'aWdfmid1', tag: 'HUMAN_AGENT' } }));
		assert.equal(item.replyToMessageId, 'aWdfmid1');
		assert.equal(item.messagingType, 'MESSAGE_TAG');
		assert.equal(item.tag, 'HUMAN_AGENT');
		assert.deepEqual(meta.requests[0].body, {
			recipient: { id: USER_A },
			messaging_type: 'MESSAGE_TAG',
			tag: 'HUMAN_AGENT',
			message: { text: 'Hi' },
			reply_to: { mid: 'aWdfmid1' },
		});
	});

	it('uploads identical bytes once and sends them to three recipients by attachment ID', async () => {
		const bytes = randomBytes(150_000);
		const recipients = [USER_A, USER_B, USER_C];
		const items = await run(
			{ operation: 'sendMedia', userId: (i: number) => recipients[i], mediaSource: 'binary', binaryPropertyName: 'data' },
			{ items: recipients.map(() => ({})), binary: recipients.map(() => file(bytes, 'application/pdf', 'price-list.pdf')) },
		).then(jsonOf);
		const calls = meta.requests.map((r) => r.call);
		assert.deepEqual(calls.sort(), ['me', 'media', 'media', 'media', 'upload'], 'one Page read, one upload, three sends');
		const upload = meta.requests.find((r) => r.call === 'upload')!;
		assert.equal(upload.path, `/v18.0/${PAGE_ID}/message_attachments`);
		assert.match(upload.contentType ?? '', /^multipart\/form-data; boundary=/);
		assert.deepEqual(upload.upload, {
			type: 'file',
			bytes: bytes.length,
			sha256: sha256(bytes),
			url: undefined,
			fileName: 'price-list.pdf',
			mimeType: 'application/pdf',
		});
		const sends = meta.requests.filter((r) => r.call === 'media');
		assert.deepEqual(sends.map((r) => r.recipientId).sort(), recipients);
		assert.ok(sends.every((r) => r.attachmentId === upload.attachmentId));
		assert.deepEqual(
			items.map((item) => [item.userId, item.mediaType, item.attachmentId, item.fileName, item.success]),
			recipients.map((id) => [id, 'file', upload.attachmentId, 'price-list.pdf', true]),
		);
	});

	it('uploads different files separately, and skips the Page read when the credential names the Page', async () => {
		const first = randomBytes(1000);
		const second = randomBytes(1000);
		await run(
			{ operation: 'sendMedia', userId: USER_A, mediaSource: 'binary' },
			{ items: [{}, {}], binary: [file(first, 'image/png', 'a.png'), file(second, 'image/png', 'b.png')], credentials: { pageId: PAGE_ID } },
		).then(jsonOf);
		const uploads = meta.requests.filter((r) => r.call === 'upload');
		assert.deepEqual(uploads.map((r) => r.upload?.sha256).sort(), [sha256(first), sha256(second)].sort());
		assert.equal(meta.requests.filter((r) => r.call === 'me').length, 0);
	});

	it('uploads an attachment for later and reports its ID', async () => {
		const bytes = randomBytes(5000);
		const [item] = jsonOf(await run({ operation: 'uploadAttachment', mediaSource: 'binary', binaryPropertyName: 'photo' }, { binary: [{ photo: file(bytes, 'image/jpeg', 'shop.jpg').data }] }));
		const upload = meta.requests.find((r) => r.call === 'upload')!;
		assert.equal(item.attachmentId, upload.attachmentId);
		assert.equal(item.mediaType, 'image');
		assert.equal(item.fileName, 'shop.jpg');
		assert.equal(upload.upload?.sha256, sha256(bytes));
	});

	it('finds the file under an Input Binary Field name given with spaces around it, or as a number by an expression', async () => {
		const spaced = randomBytes(300);
		const numbered = randomBytes(400);
		const items = jsonOf(
			await run(
				{ operation: 'uploadAttachment', mediaSource: 'binary', binaryPropertyName: (i: number) => [' photo ', 7][i] },
				{ items: [{}, {}], binary: [{ photo: file(spaced, 'image/jpeg', 'a.jpg').data }, { 7: file(numbered, 'image/jpeg', 'b.jpg').data }] },
			),
		);
		assert.deepEqual(items.map((item) => [item.success, item.fileName]), [[true, 'a.jpg'], [true, 'b.jpg']]);
		const uploads = meta.requests.filter((r) => r.call === 'upload');
		assert.deepEqual(uploads.map((r) => r.upload?.sha256).sort(), [sha256(spaced), sha256(numbered)].sort());
	});

	it('names an empty Input Binary Field as empty when an expression gives no name', async () => {
		const [item] = jsonOf(
			await run({ operation: 'uploadAttachment', mediaSource: 'binary', binaryPropertyName: '={{ null }}' }, { binary: [{ null: file(randomBytes(10), 'image/png', 'n.png').data }], continueOnFail: true }),
		);
		assert.equal(item.success, false);
		// Not "null": a file stored under that name is not taken for it.
		assert.equal(item.error, 'Input Binary Field "" holds no file on this item: read or download the file in an earlier node, or name the field it is in');
		assert.equal(meta.requests.length, 0);
	});

	it('uploads from a URL and sends by the attachment ID in a later run', async () => {
		const url = 'https://cdn.example.com/demo.mp4';
		const [uploaded] = jsonOf(await run({ operation: 'uploadAttachment', mediaType: 'video', mediaUrl: url }));
		assert.deepEqual(meta.requests.map((r) => r.call), ['me', 'upload']);
		assert.equal(meta.requests[1].contentType, 'application/json');
		assert.deepEqual(meta.requests[1].upload, { type: 'video', bytes: 1, sha256: undefined, url });
		assert.equal(uploaded.mediaUrl, url);
		const [sent] = jsonOf(await run({ operation: 'sendMedia', userId: USER_A, mediaSource: 'attachmentId', mediaType: 'video', attachmentId: uploaded.attachmentId }));
		assert.equal(sent.success, true);
		assert.equal(sent.attachmentId, uploaded.attachmentId);
		assert.equal(meta.requests.at(-1)?.attachmentId, uploaded.attachmentId);
	});

	it('refuses to upload with Instagram Login and sends nothing', async () => {
		const result = await run({ operation: 'sendMedia', userId: USER_A, mediaSource: 'binary' }, { login: 'instagram', binary: [file(randomBytes(10), 'image/png', 'a.png')], continueOnFail: true });
		const [item] = jsonOf(result);
		assert.match(String(item.error), /cannot be uploaded with Instagram Login.*Media Source: URL/);
		assert.equal(meta.requests.length, 0);
	});

	it("passes Meta's media errors through with a hint for each", async () => {
		meta.hostFile('https://cdn.example.com/huge.jpg', { bytes: 9 * 1024 * 1024, mimeType: 'image/jpeg' });
		const cases: Array<[Record<string, unknown>, number, RegExp]> = [
			[{ operation: 'sendMedia', mediaType: 'image', mediaUrl: 'https://cdn.example.invalid/a.jpg' }, 2018008, /could not fetch the media from its URL/],
			[{ operation: 'sendMedia', mediaType: 'image', mediaUrl: 'https://cdn.example.com/prices.pdf' }, 2018047, /does not match the file at the URL/],
			[{ operation: 'sendMedia', mediaSource: 'attachmentId', mediaType: 'image', attachmentId: '424242' }, 2018074, /does not know this attachment ID/],
			[{ operation: 'uploadAttachment', mediaType: 'image', mediaUrl: 'https://cdn.example.com/huge.jpg' }, 2018109, /larger than Instagram accepts/],
		];
		for (const [params, subcode, hint] of cases) {
			meta.reset();
			meta.hostFile('https://cdn.example.com/huge.jpg', { bytes: 9 * 1024 * 1024, mimeType: 'image/jpeg' });
			const [item] = jsonOf(await run({ userId: USER_A, ...params }, { continueOnFail: true }));
			assert.equal(item.success, false, String(params.operation));
			assert.equal(item.errorSubcode, subcode);
			assert.match(String(item.hint), hint);
			assert.equal(item.deliveryUnknown, undefined);
		}
	});

	it('sends one private reply per comment, names the commenter, and explains a second one', async () => {
		const comment = '17858893269000001';
		meta.addComment(comment, { authorId: '17841455555555555', createdAt: Date.now() - 3_600_000 });
		const [first] = jsonOf(await run({ operation: 'sendPrivateReply', commentId: comment, messageText: 'Here is your guide' }));
		assert.equal(first.success, true);
		assert.equal(first.userId, '17841455555555555', "the commenter's IGSID, from Meta's answer");
		assert.equal(first.commentId, comment);
		assert.deepEqual(meta.requests[0].body, { recipient: { comment_id: comment }, message: { text: 'Here is your guide' } });
		const [second] = jsonOf(await run({ operation: 'sendPrivateReply', commentId: comment, messageText: 'Again' }, { continueOnFail: true }));
		assert.equal(second.success, false);
		assert.equal(second.errorSubcode, 2534025);
		assert.match(String(second.hint), /one private reply/);
	});

	it('refuses a private reply to a comment older than 7 days, with the window hint', async () => {
		const comment = '17858893269000002';
		meta.addComment(comment, { authorId: '17841455555555556', createdAt: Date.now() - 8 * 24 * 3_600_000 });
		const [item] = jsonOf(await run({ operation: 'sendPrivateReply', commentId: comment, messageText: 'Hi' }, { continueOnFail: true }));
		assert.equal(item.errorCode, 10);
		assert.equal(item.errorSubcode, 2534022);
		assert.match(String(item.hint), /one private reply per comment, within 7 days/);
		assert.doesNotMatch(String(item.hint), /HUMAN_AGENT/, 'a private reply takes no tag');
	});

	it("shares only the account's own posts: another account's post is refused and nothing is delivered", async () => {
		meta.addForeignPost('17900000000000099');
		const [item] = jsonOf(await run({ operation: 'sharePost', userId: USER_A, postId: '17900000000000099' }, { continueOnFail: true }));
		assert.deepEqual([item.success, item.errorCode], [false, 100]);
		assert.match(String(item.error), /does not belong to this Instagram account/);
		assert.equal(meta.requests.filter((r) => r.delivered).length, 0);
	});

	it('reads every conversation across pages, one item each, paired to the input item', async () => {
		const items = jsonOf(await run({ resource: 'conversation', operation: 'getConversations', returnAll: true }));
		assert.equal(items.length, 60);
		const pages = meta.requests.filter((r) => r.call === 'conversations');
		assert.equal(pages.length, 3, '25 + 25 + 10');
		assert.deepEqual(pages.map((r) => r.query.limit), ['25', '25', '25']);
		assert.equal(pages[0].query.after, undefined);
		assert.ok(pages[1].query.after && pages[2].query.after);
		assert.equal(pages[0].query.platform, 'instagram');
		assert.ok(pages.every((r) => r.status === 200 && !r.tokenInUrl));
		assert.equal(new Set(items.map((item) => item.conversationId)).size, 60);
		assert.deepEqual(Object.keys(items[0]), ['success', 'operation', 'conversationId', 'updated_time', 'participants', 'timestamp']);
		assert.ok(Array.isArray(items[0].participants));
		for (const secret of secretsOf()) assert.ok(!JSON.stringify(items).includes(secret), 'no token from the next-page URLs');
	});

	it('stops at the limit, and finds the conversation with one person', async () => {
		const limited = jsonOf(await run({ resource: 'conversation', operation: 'getConversations', returnAll: false, limit: 30 }));
		assert.equal(limited.length, 30);
		assert.deepEqual(meta.requests.map((r) => r.query.limit), ['25', '5']);
		meta.reset();
		const one = jsonOf(await run({ resource: 'conversation', operation: 'getConversations', userId: '17841450000000007' }));
		assert.equal(one.length, 1);
		assert.deepEqual((one[0].participants as Array<{ id: string }>).map((p) => p.id), [IG_ID, '17841450000000007']);
	});

	it('paces the Conversations API at two calls a second, so Meta never refuses one', async () => {
		const result = await run(
			{ resource: 'conversation', operation: 'getConversations', returnAll: true },
			{ items: [{}, {}, {}] },
		);
		const items = result.output![0];
		assert.equal(items.length, 180);
		assert.deepEqual([...new Set(items.map((item) => (item.pairedItem as { item: number }).item))], [0, 1, 2]);
		const calls = meta.requests.filter((r) => r.call === 'conversations');
		assert.equal(calls.length, 9);
		assert.deepEqual(calls.filter((r) => r.status !== 200).map((r) => r.outcome), [], 'no 613 from Meta');
	});

	it("shares Meta's per-account limit between executions running at once", async () => {
		const [first, second] = await Promise.all([
			run({ resource: 'conversation', operation: 'getConversations', returnAll: true }),
			run({ resource: 'conversation', operation: 'getMessages', conversationId: Buffer.from('conversation:1').toString('base64url'), returnAll: true }),
		]);
		assert.equal(jsonOf(first).length, 60);
		assert.equal(jsonOf(second).length, 30);
		const calls = meta.requests.filter((r) => r.call === 'conversations' || r.call === 'messages');
		assert.equal(calls.length, 5);
		assert.deepEqual(calls.filter((r) => r.status !== 200).map((r) => r.outcome), [], 'no 613 from Meta');
	});

	it("reads a conversation's messages, with details for the 20 newest only", async () => {
		const [conversation] = jsonOf(await run({ resource: 'conversation', operation: 'getConversations', returnAll: false, limit: 1 }));
		meta.reset();
		const messages = jsonOf(await run({ resource: 'conversation', operation: 'getMessages', conversationId: conversation.conversationId, returnAll: true }));
		assert.equal(messages.length, 30);
		assert.equal(meta.requests.length, 2);
		assert.equal(meta.requests[0].path, `/v18.0/${String(conversation.conversationId)}/messages`);
		assert.equal(meta.requests[0].query.fields, 'id,created_time,from,to,message,attachments');
		assert.ok(messages.slice(0, 20).every((m) => typeof m.message === 'string' && m.from && Array.isArray(m.to)));
		assert.ok(messages.slice(20).every((m) => m.message === undefined && m.created_time), 'older messages: ID and time only');
		assert.ok(messages.every((m) => m.conversationId === conversation.conversationId && typeof m.messageId === 'string'));
	});

	it('reads conversations with Instagram Login on me/conversations', async () => {
		const items = jsonOf(await run({ resource: 'conversation', operation: 'getConversations', returnAll: false, limit: 2 }, { login: 'instagram' }));
		assert.equal(items.length, 2);
		assert.equal(meta.requests[0].path, '/v18.0/me/conversations');
	});
});
