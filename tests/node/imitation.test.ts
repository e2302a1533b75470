// The Meta imitation itself, called directly over HTTP: it must refuse what Meta refuses,
// including what the node never sends (the node's own checks stop it first), or the other
// suites would prove less than they claim.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';

import type { MetaImitation } from '../../sandbox/metaImitation';
import { startMetaImitation } from '../../sandbox/metaImitation';
import { ACCESS_TOKEN, APP_SECRET, USER_A, USER_B, expectedProof } from '../support/fixtures';

const IG_TOKEN = `IGQV${randomBytes(16).toString('hex')}`;
const PAGE_ID = '104000000000888';

let meta: MetaImitation;

interface Answer {
	status: number;
	headers: Headers;
	body: { error?: { code: number; error_subcode?: number; message: string }; [key: string]: unknown };
}

async function call(method: string, path: string, options: { json?: unknown; body?: Buffer; contentType?: string; token?: string; query?: Record<string, string> } = {}): Promise<Answer> {
	const token = options.token ?? ACCESS_TOKEN;
	const url = new URL(`${meta.url}/v18.0/${path}`);
	url.searchParams.set('appsecret_proof', expectedProof(token, APP_SECRET));
	for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
	const body = options.json === undefined ? options.body : JSON.stringify(options.json);
	const contentType = options.json === undefined ? options.contentType : 'application/json';
	const response = await fetch(url, {
		method,
		headers: { authorization: `Bearer ${token}`, ...(contentType ? { 'content-type': contentType } : {}) },
		body,
	});
	return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'] };
}

function multipart(parts: Array<{ name: string; value?: string; file?: { bytes: Buffer; name: string; type: string } }>): { body: Buffer; contentType: string } {
	const boundary = `imitation${randomBytes(8).toString('hex')}`;
	const chunks: Buffer[] = [];
	for (const part of parts) {
		chunks.push(Buffer.from(`--${boundary}\r\n`));
		if (part.file) {
			chunks.push(Buffer.from(`Content-Disposition: form-data; name="${part.name}"; filename="${part.file.name}"\r\nContent-Type: ${part.file.type}\r\n\r\n`));
			chunks.push(part.file.bytes);
		} else {
			chunks.push(Buffer.from(`Content-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}`));
		}
		chunks.push(Buffer.from('\r\n'));
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

const uploadMessage = (type: string) => JSON.stringify({ attachment: { type, payload: { is_reusable: true } } });

describe('the Meta imitation refuses what Meta refuses', () => {
	before(async () => {
		meta = await startMetaImitation({
			apps: [
				{ accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, pageId: PAGE_ID },
				{ accessToken: IG_TOKEN, appSecret: APP_SECRET },
			],
		});
	});
	after(async () => meta.close());
	beforeEach(() => meta.reset());

	it('refuses a tag other than HUMAN_AGENT, and a tag without MESSAGE_TAG', async () => {
		const other = await call('POST', 'me/messages', { json: { recipient: { id: USER_A }, messaging_type: 'MESSAGE_TAG', tag: 'POST_PURCHASE_UPDATE', message: { text: 'Hi' } } });
		assert.equal(other.status, 400);
		assert.equal(other.body.error?.code, 100);
		assert.match(String(other.body.error?.message), /HUMAN_AGENT/);
		const loose = await call('POST', 'me/messages', { json: { recipient: { id: USER_A }, tag: 'HUMAN_AGENT', message: { text: 'Hi' } } });
		assert.equal(loose.status, 400);
		const right = await call('POST', 'me/messages', { json: { recipient: { id: USER_A }, messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', message: { text: 'Hi' } } });
		assert.equal(right.status, 200);
		assert.equal(meta.requests.filter((r) => r.delivered).length, 1, 'only the right one is delivered');
	});

	it('refuses message options on reactions and sender actions, and unknown body fields', async () => {
		for (const json of [
			{ recipient: { id: USER_A }, sender_action: 'typing_on', messaging_type: 'RESPONSE' },
			{ recipient: { id: USER_A }, sender_action: 'react', payload: { message_id: 'm1', reaction: 'love' }, reply_to: { mid: 'm0' } },
			{ recipient: { id: USER_A }, sender_action: 'unreact', payload: { message_id: 'm1', reaction: 'love' } },
			{ recipient: { id: USER_A }, message: { text: 'Hi' }, notification_type: 'REGULAR' },
			{ recipient: { id: USER_A }, message: { text: 'Hi', quick_replies: [{ content_type: 'user_email' }] } },
			{ recipient: { id: USER_A }, message: { attachment: { type: 'template', payload: { template_type: 'button', text: 'x'.repeat(641), buttons: [{ type: 'postback', title: 'A', payload: 'A' }] } } } },
			{ recipient: { comment_id: '17858' }, messaging_type: 'RESPONSE', message: { text: 'Hi' } },
		]) {
			const answer = await call('POST', 'me/messages', { json });
			assert.equal(answer.status, 400, JSON.stringify(json));
			assert.equal(answer.body.error?.code, 100, JSON.stringify(json));
		}
		assert.equal(meta.requests.filter((r) => r.delivered).length, 0);
	});

	it('when asked, holds an account it throttled with a time to regain access: every call before then is refused the same way', async () => {
		const text = (id: string) => ({ recipient: { id }, message: { text: 'Hi' } });
		const usage = JSON.stringify({ '17841499000000000': [{ type: 'instagram', call_count: 100, total_cputime: 5, total_time: 5, estimated_time_to_regain_access: 0.003 }] });
		const throttle = { kind: 'graphError', status: 400, code: 80002, message: 'There have been too many calls to this Instagram account.', headers: { 'X-Business-Use-Case-Usage': usage } } as const;
		// Not asked: a throttled call does not hold the account.
		meta.script(USER_A, [throttle, { kind: 'accept' }]);
		assert.equal((await call('POST', 'me/messages', { json: text(USER_A) })).status, 400);
		assert.equal((await call('POST', 'me/messages', { json: text(USER_B) })).status, 200);
		meta.reset();
		meta.setThrottling({ hold: true });
		meta.script(USER_A, [throttle, { kind: 'accept' }]);
		assert.equal((await call('POST', 'me/messages', { json: text(USER_A) })).body.error?.code, 80002);
		// 0.003 minutes (180 ms) from the answer: a call to anyone is refused meanwhile, with the estimate.
		const again = await call('POST', 'me/messages', { json: text(USER_B) });
		assert.equal(again.body.error?.code, 80002);
		assert.equal(again.headers.get('x-business-use-case-usage'), usage);
		await new Promise((resolve) => setTimeout(resolve, 300));
		assert.equal((await call('POST', 'me/messages', { json: text(USER_A) })).status, 200, 'access regained');
		assert.deepEqual(meta.requests.map((r) => r.outcome), ['graphError:80002', 'stillThrottled', 'accepted']);
		assert.equal(meta.requests.filter((r) => r.delivered).length, 1);
	});

	it("when asked, reports the account's usage of its allowance in every answer, and refuses calls past it with code 80002", async () => {
		meta.setThrottling({ usagePerSecond: 2 });
		const answers = [];
		for (let i = 0; i < 3; i++) answers.push(await call('POST', 'me/messages', { json: { recipient: { id: USER_A }, message: { text: `Hi ${i}` } } }));
		assert.deepEqual(answers.map((a) => a.status), [200, 200, 400]);
		assert.equal(answers[2].body.error?.code, 80002);
		const percents = answers.map((a) => (JSON.parse(a.headers.get('x-business-use-case-usage') ?? '{}') as Record<string, Array<{ call_count: number }>>)['17841499000000000'][0].call_count);
		assert.deepEqual(percents, [50, 100, 150]);
		assert.equal(meta.requests.filter((r) => r.delivered).length, 2);
	});

	it('answers 613 to a third Conversations API call in one second, and counts calls as they arrive', async () => {
		const answers = await Promise.all([1, 2, 3].map(async () => await call('GET', 'me/conversations', { query: { platform: 'instagram' } })));
		assert.deepEqual(answers.map((a) => a.status).sort(), [200, 200, 400]);
		assert.equal(answers.find((a) => a.status === 400)?.body.error?.code, 613);
	});

	it('pages conversations with a next URL that carries the token, as Meta writes it', async () => {
		const page = await call('GET', `${PAGE_ID}/conversations`, { query: { platform: 'instagram', fields: 'id,updated_time', limit: '2' } });
		const paging = page.body.paging as { next: string; cursors: { after: string } };
		assert.equal((page.body.data as unknown[]).length, 2);
		assert.ok(paging.next.includes(`access_token=${ACCESS_TOKEN}`));
		const noPlatform = await call('GET', `${PAGE_ID}/conversations`);
		assert.equal(noPlatform.status, 400, 'Facebook Login needs platform=instagram');
	});

	it('checks a multipart upload: platform, message, filedata and its bytes', async () => {
		const bytes = randomBytes(4096);
		const upload = multipart([
			{ name: 'platform', value: 'instagram' },
			{ name: 'message', value: uploadMessage('image') },
			{ name: 'filedata', file: { bytes, name: 'a.png', type: 'image/png' } },
		]);
		const ok = await call('POST', `${PAGE_ID}/message_attachments`, upload);
		assert.equal(ok.status, 200);
		assert.match(String(ok.body.attachment_id), /^\d+$/);
		assert.deepEqual(meta.requests[0].upload, { type: 'image', bytes: 4096, sha256: createHash('sha256').update(bytes).digest('hex'), url: undefined, fileName: 'a.png', mimeType: 'image/png' });

		const refusals: Array<[string, ReturnType<typeof multipart>, number | undefined]> = [
			['no platform', multipart([{ name: 'message', value: uploadMessage('image') }, { name: 'filedata', file: { bytes, name: 'a.png', type: 'image/png' } }]), undefined],
			['no file', multipart([{ name: 'platform', value: 'instagram' }, { name: 'message', value: uploadMessage('image') }]), undefined],
			['a type mismatch', multipart([{ name: 'platform', value: 'instagram' }, { name: 'message', value: uploadMessage('video') }, { name: 'filedata', file: { bytes, name: 'a.png', type: 'image/png' } }]), 2018047],
			['too large', multipart([{ name: 'platform', value: 'instagram' }, { name: 'message', value: uploadMessage('image') }, { name: 'filedata', file: { bytes: Buffer.alloc(8 * 1024 * 1024 + 1), name: 'a.png', type: 'image/png' } }]), 2018109],
			['not reusable', multipart([{ name: 'platform', value: 'instagram' }, { name: 'message', value: JSON.stringify({ attachment: { type: 'image', payload: {} } }) }, { name: 'filedata', file: { bytes, name: 'a.png', type: 'image/png' } }]), undefined],
		];
		for (const [label, body, subcode] of refusals) {
			const answer = await call('POST', `${PAGE_ID}/message_attachments`, body);
			assert.equal(answer.status, 400, label);
			assert.equal(answer.body.error?.code, 100, label);
			if (subcode) assert.equal(answer.body.error?.error_subcode, subcode, label);
		}
		const truncated = multipart([{ name: 'platform', value: 'instagram' }]);
		const broken = await call('POST', `${PAGE_ID}/message_attachments`, { body: truncated.body.subarray(0, truncated.body.length - 10), contentType: truncated.contentType });
		assert.equal(broken.status, 400, 'a multipart body without its closing delimiter');
	});

	it('has no upload endpoint for Instagram Login, and its /me names the professional account', async () => {
		const upload = await call('POST', 'me/message_attachments', { token: IG_TOKEN, json: { platform: 'instagram', message: { attachment: { type: 'image', payload: { url: 'https://a.example/a.png', is_reusable: true } } } } });
		assert.equal(upload.status, 400);
		assert.equal(upload.body.error?.error_subcode, 33);
		const me = await call('GET', 'me', { token: IG_TOKEN, query: { fields: 'user_id,username' } });
		assert.deepEqual(Object.keys(me.body), ['user_id', 'username']);
	});

	it('sends by an attachment ID only when it issued that ID, for that type', async () => {
		const bad = await call('POST', 'me/messages', { json: { recipient: { id: USER_A }, message: { attachment: { type: 'image', payload: { attachment_id: '123' } } } } });
		assert.equal(bad.body.error?.error_subcode, 2018074);
		const uploaded = await call('POST', `${PAGE_ID}/message_attachments`, { json: { platform: 'instagram', message: { attachment: { type: 'audio', payload: { url: 'https://a.example/a.m4a', is_reusable: true } } } } });
		const id = String(uploaded.body.attachment_id);
		const wrongType = await call('POST', 'me/messages', { json: { recipient: { id: USER_A }, message: { attachment: { type: 'video', payload: { attachment_id: id } } } } });
		assert.equal(wrongType.body.error?.error_subcode, 2018047);
		const right = await call('POST', 'me/messages', { json: { recipient: { id: USER_A }, message: { attachment: { type: 'audio', payload: { attachment_id: id } } } } });
		assert.equal(right.status, 200);
	});
});
