// Every operation of the Send API, uploads and conversations inside a real n8n, installed
// from the packed tarball and run headlessly, against the loopback imitation of Meta: a file
// read with n8n's Read/Write Files from Disk node goes to three people as one upload and
// three sends; conversations come across three pages; every other operation sends what
// Meta expects; Instagram Login uses its own paths and refuses uploads.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { MetaImitation, RecordedRequest } from '../../sandbox/metaImitation';
import { startMetaImitation } from '../../sandbox/metaImitation';
import { ACCESS_TOKEN, APP_SECRET, META_UUID, checkedTokenFields, secretsOf } from '../support/fixtures';
import type { ExecuteResult, N8nRuntime } from './support/n8n';
import { N8nInstance, ensureRuntime, packTarball, transcript } from './support/n8n';
import { codeItems, credential, genericNode, instagramOperation, workflow } from './support/workflows';

const majors = (process.env.E2E_N8N_MAJORS ?? '2,1').split(',').map(Number).filter(Boolean);
const IG_TOKEN = `IGQVJ${randomBytes(20).toString('hex')}`;
const PAGE_ID = '104000000000321';
const IG_ID = '17841499000000000';
const FACEBOOK = { id: 'igSendApiFbCred1', name: 'Instagram (Facebook Login)' };
const INSTAGRAM = { id: 'igSendApiIgCred1', name: 'Instagram (Instagram Login)' };

const tmp = mkdtempSync(path.join(tmpdir(), 'ig-send-api-e2e-'));
const files = path.join(tmp, 'files');
const priceList = randomBytes(300_000);
let tarball: string;
let meta: MetaImitation;

function outputOf(run: ExecuteResult, node: string) {
	const runs = run.result?.data.resultData.runData[node];
	assert.ok(runs, `no run data for ${node}:\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-2000)}`);
	return runs[0].data!.main[0];
}

/** What the imitation logged during `work`. */
async function logged(work: () => Promise<ExecuteResult>): Promise<{ run: ExecuteResult; requests: RecordedRequest[] }> {
	const from = meta.requests.length;
	const run = await work();
	return { run, requests: meta.requests.slice(from) };
}

before(async () => {
	tarball = packTarball(tmp);
	mkdirSync(files);
	writeFileSync(path.join(files, 'price-list.pdf'), priceList);
	meta = await startMetaImitation({
		apps: [
			{ accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, pageId: PAGE_ID, igId: IG_ID },
			{ accessToken: IG_TOKEN, appSecret: APP_SECRET, igId: IG_ID },
		],
	});
});

after(async () => {
	await meta?.close();
	rmSync(tmp, { recursive: true, force: true });
});

for (const major of majors) {
	describe(`the Send API and conversations in a real n8n ${major}.x`, () => {
		let runtime: N8nRuntime;
		let n8n: N8nInstance;
		const id = (n: number) => `17841460${String(major * 1000 + n).padStart(9, '0')}`;
		const people = [id(1), id(2), id(3)];
		const campaign = [id(21), id(22), id(23), id(24), id(25), id(26)];
		const env = { N8N_META_UUID: META_UUID, N8N_RESTRICT_FILE_ACCESS_TO: files };
		const op = (name: string, parameters: Record<string, unknown>, credentials = FACEBOOK) =>
			instagramOperation(name, credentials, { options: {}, ...parameters });

		before(async () => {
			runtime = ensureRuntime(major);
			n8n = N8nInstance.create(runtime, tarball);
			await n8n.importCredentials([
				credential(FACEBOOK.id, FACEBOOK.name, { accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, apiVersion: 'v18.0', baseUrl: meta.url }),
				// Checked earlier, 50 days left: no refresh is due (tokens.e2e.test.ts covers refreshing).
				credential(INSTAGRAM.id, INSTAGRAM.name, { accessToken: IG_TOKEN, appSecret: APP_SECRET, loginType: 'auto', apiVersion: 'v18.0', baseUrl: meta.url, ...checkedTokenFields(IG_TOKEN) }),
			]);
			const recipients = codeItems('Recipients', people.map((person) => ({ id: person })));
			const readFile = genericNode('Read price list', 'n8n-nodes-base.readWriteFile', 1, {
				operation: 'read',
				fileSelector: path.join(files, 'price-list.pdf'),
				options: {},
			});
			// Each file gets its recipient back from its paired item. (In n8n 1.x an expression
			// cannot read a Code node's items through `$('Recipients')`: "[object Array] could
			// not be cloned"; a Code node can, on both.)
			const attach = genericNode('Attach recipient', 'n8n-nodes-base.code', 2, {
				jsCode: "return $input.all().map((item, i) => ({ json: { id: $('Recipients').itemMatching(i).json.id }, binary: item.binary }));",
			});
			const recipientOfFile = '={{ $json.id }}';
			const one = (name: string, json: Record<string, unknown> = { id: id(10) }) => codeItems(name, [json]);
			await n8n.importWorkflows([
				workflow(`wfBinary${major}000000001`, 'A file to three people', [
					[
						recipients,
						readFile,
						attach,
						op('Send price list', {
							resource: 'message',
							operation: 'sendMedia',
							userId: recipientOfFile,
							mediaSource: 'binary',
							binaryPropertyName: 'data',
						}),
					],
				]),
				workflow(`wfEveryOp${major}0000001`, 'Every operation', [
					[one('To text'), op('Text', { resource: 'message', operation: 'sendMessage', userId: '={{ $json.id }}', messageText: 'Your order shipped 📦', options: { replyToMessageId: 'aWdfmid1', tag: 'HUMAN_AGENT' } })],
					[one('To media'), op('Media', { resource: 'message', operation: 'sendMedia', userId: '={{ $json.id }}', mediaType: 'image', mediaUrl: 'https://cdn.example.com/shoe.jpg' })],
					[one('To images'), op('Images', { resource: 'message', operation: 'sendImages', userId: '={{ $json.id }}', imageUrls: 'https://cdn.example.com/1.jpg\nhttps://cdn.example.com/2.jpg' })],
					[one('To heart'), op('Heart', { resource: 'message', operation: 'sendHeartSticker', userId: '={{ $json.id }}' })],
					[one('To share'), op('Share', { resource: 'message', operation: 'sharePost', userId: '={{ $json.id }}', postId: '17900000000000001' })],
					[one('To quick replies'), op('Quick replies', { resource: 'message', operation: 'sendQuickReplies', userId: '={{ $json.id }}', messageText: 'Which size?', quickReplies: { values: [{ title: 'S', payload: 'SIZE_S' }, { title: 'M', payload: 'SIZE_M' }] } })],
					[one('To cards'), op('Cards', { resource: 'message', operation: 'sendGenericTemplate', userId: '={{ $json.id }}', elements: { values: [{ title: 'Sneaker', subtitle: 'White', imageUrl: 'https://cdn.example.com/s.jpg', buttons: { values: [{ type: 'postback', title: 'Ask', payload: 'ASK' }] } }] } })],
					[one('To buttons'), op('Buttons', { resource: 'message', operation: 'sendButtonTemplate', userId: '={{ $json.id }}', messageText: 'Talk to a person?', buttons: { values: [{ type: 'web_url', title: 'Help', url: 'https://shop.example.com/help' }] } })],
					[one('To react'), op('React', { resource: 'message', operation: 'react', userId: '={{ $json.id }}', messageId: 'aWdfmid2' })],
					[one('To unreact'), op('Unreact', { resource: 'message', operation: 'unreact', userId: '={{ $json.id }}', messageId: 'aWdfmid2' })],
					[one('To typing'), op('Typing', { resource: 'message', operation: 'sendAction', userId: '={{ $json.id }}', action: 'typing_on' })],
					[one('Comment', { comment: `17858${major}00000001` }), op('Private reply', { resource: 'message', operation: 'sendPrivateReply', commentId: '={{ $json.comment }}', messageText: 'Here is the guide' })],
					[one('Upload source'), op('Upload', { resource: 'message', operation: 'uploadAttachment', mediaType: 'video', mediaUrl: 'https://cdn.example.com/demo.mp4' })],
					[one('Inbox'), op('Conversations', { resource: 'conversation', operation: 'getConversations', returnAll: true })],
					[one('Thread', { conversation: Buffer.from('conversation:3').toString('base64url') }), op('Messages', { resource: 'conversation', operation: 'getMessages', conversationId: '={{ $json.conversation }}', returnAll: false, limit: 30 })],
					[one('Lead'), op('Profile', { resource: 'user', operation: 'getProfile', userId: '={{ $json.id }}' })],
				]),
				workflow(`wfCampaign${major}000001`, 'A campaign run again', [
					[
						codeItems('Campaign list', campaign.map((person) => ({ id: person }))),
						op('Campaign', {
							resource: 'message',
							operation: 'sendMessage',
							userId: '={{ $json.id }}',
							messageText: 'Spring sale: 20% off this week',
							options: { sentKey: "={{ 'spring-sale:' + $json.id }}", concurrency: 2 },
						}),
					],
				]),
				workflow(`wfIgLogin${major}0000001`, 'Instagram Login', [
					[one('IG text'), op('IG Text', { resource: 'message', operation: 'sendMessage', userId: '={{ $json.id }}', messageText: 'Hi from Instagram Login' }, INSTAGRAM)],
					[one('IG inbox'), op('IG Conversations', { resource: 'conversation', operation: 'getConversations', returnAll: false, limit: 3 }, INSTAGRAM)],
					[recipients, readFile, attach, op('IG file', { resource: 'message', operation: 'sendMedia', userId: recipientOfFile, mediaSource: 'binary' }, INSTAGRAM)],
				]),
			]);
		});

		after(() => n8n?.remove());

		it('sends a file read from disk to three people: one upload, three sends, the same bytes', async () => {
			const { run, requests } = await logged(async () => await n8n.execute(`wfBinary${major}000000001`, env));
			assert.equal(run.code, 0, run.stdout.slice(-3000));
			const items = outputOf(run, 'Send price list');
			const uploads = requests.filter((r) => r.call === 'upload');
			assert.equal(uploads.length, 1, 'one upload');
			const [upload] = uploads;
			assert.equal(upload.path, `/v18.0/${PAGE_ID}/message_attachments`);
			assert.equal(upload.upload?.sha256, createHash('sha256').update(priceList).digest('hex'), 'the bytes arrived unchanged');
			assert.equal(upload.upload?.bytes, priceList.length);
			assert.equal(upload.upload?.mimeType, 'application/pdf');
			assert.equal(upload.upload?.fileName, 'price-list.pdf');
			assert.equal(requests.filter((r) => r.call === 'me').length, 1, 'the Page ID read once');
			const sends = requests.filter((r) => r.call === 'media');
			assert.deepEqual(sends.map((r) => r.recipientId).sort(), [...people].sort(), 'three sends');
			assert.ok(sends.every((r) => r.attachmentId === upload.attachmentId && r.status === 200));
			assert.deepEqual(
				items.map((item) => [item.pairedItem?.item, item.json.success, item.json.userId, item.json.attachmentId, item.json.mediaType]),
				people.map((person, index) => [index, true, person, upload.attachmentId, 'file']),
			);
		});

		it('runs every operation, each sending what Meta expects', async () => {
			const { run, requests } = await logged(async () => await n8n.execute(`wfEveryOp${major}0000001`, env));
			assert.equal(run.code, 0, run.stdout.slice(-3000));
			const expected: Array<[string, string, string]> = [
				['Text', 'sendMessage', 'text'],
				['Media', 'sendMedia', 'media'],
				['Images', 'sendImages', 'images'],
				['Heart', 'sendHeartSticker', 'heart'],
				['Share', 'sharePost', 'share'],
				['Quick replies', 'sendQuickReplies', 'quickReplies'],
				['Cards', 'sendGenericTemplate', 'template'],
				['Buttons', 'sendButtonTemplate', 'template'],
				['React', 'react', 'react'],
				['Unreact', 'unreact', 'unreact'],
				['Typing', 'sendAction', 'senderAction'],
				['Private reply', 'sendPrivateReply', 'privateReply'],
				['Upload', 'uploadAttachment', 'upload'],
				['Profile', 'getProfile', 'profile'],
			];
			for (const [node, operation, call] of expected) {
				const [item] = outputOf(run, node);
				assert.equal(item.json.success, true, `${node}: ${String(item.json.error)}`);
				assert.equal(item.json.operation, operation, node);
				assert.ok(requests.some((r) => r.call === call && r.status === 200), `${node}: Meta got a ${call}`);
			}
			const [text] = outputOf(run, 'Text');
			assert.deepEqual([text.json.replyToMessageId, text.json.messagingType, text.json.tag], ['aWdfmid1', 'MESSAGE_TAG', 'HUMAN_AGENT']);
			const [reply] = outputOf(run, 'Private reply');
			assert.match(String(reply.json.userId), /^\d+$/, "the commenter's IGSID");
			assert.equal(outputOf(run, 'React')[0].json.messageId, undefined);

			const conversations = outputOf(run, 'Conversations');
			assert.equal(conversations.length, 60);
			const pages = requests.filter((r) => r.call === 'conversations');
			assert.equal(pages.length, 3, `three pages: ${JSON.stringify(pages.map((r) => [r.path, r.query, r.status, r.outcome]))}`);
			assert.ok(pages[1].query.after && pages[2].query.after);
			const messages = outputOf(run, 'Messages');
			assert.equal(messages.length, 30);
			assert.equal(requests.filter((r) => r.call === 'messages').length, 2);
			assert.deepEqual(requests.filter((r) => r.outcome === 'graphError:613'), [], 'the Conversations API was paced');
			assert.ok(requests.every((r) => r.proofValid && !r.tokenInUrl));
		});

		it('re-runs a campaign with Skip If Sent Before: only those not reached before are sent, nobody twice', async () => {
			const [unavailable, refused, dropped] = [campaign[1], campaign[3], campaign[4]];
			meta.script(unavailable, [{ kind: 'graphError', status: 400, code: 551, subcode: 1545041, message: "This person isn't available right now." }, { kind: 'accept' }]);
			meta.script(refused, [{ kind: 'graphError', status: 400, code: 100, subcode: 2018001, message: 'No matching user found' }, { kind: 'accept' }]);
			// Delivered, but the answer is lost: its delivery is unknown to the node.
			meta.script(dropped, [{ kind: 'acceptThenDrop' }, { kind: 'accept' }]);
			const deliveries = (requests: RecordedRequest[]) => requests.filter((r) => r.delivered).map((r) => r.recipientId).sort();

			const first = await logged(async () => await n8n.execute(`wfCampaign${major}000001`, env));
			assert.equal(first.run.code, 0, first.run.stdout.slice(-3000));
			const firstItems = outputOf(first.run, 'Campaign').map((item) => item.json);
			assert.deepEqual(firstItems.map((item) => item.success), [true, false, true, false, false, true]);
			assert.equal(firstItems[4].deliveryUnknown, true);
			assert.deepEqual(deliveries(first.requests), [campaign[0], campaign[2], dropped, campaign[5]].sort());

			// The re-run sends to the two Meta refused (nothing reached them); the others,
			// the one whose delivery is unknown included, are skipped.
			const second = await logged(async () => await n8n.execute(`wfCampaign${major}000001`, env));
			assert.equal(second.run.code, 0, second.run.stdout.slice(-3000));
			const secondItems = outputOf(second.run, 'Campaign').map((item) => item.json);
			assert.deepEqual(
				secondItems.map((item) => [item.userId, item.success, item.skipped ?? false]),
				campaign.map((person) => [person, true, ![unavailable, refused].includes(person)]),
			);
			assert.deepEqual(second.requests.map((r) => r.recipientId).sort(), [unavailable, refused].sort(), 'only the remainder is sent');

			const third = await logged(async () => await n8n.execute(`wfCampaign${major}000001`, env));
			assert.ok(outputOf(third.run, 'Campaign').every((item) => item.json.skipped === true));
			assert.equal(third.requests.length, 0, 'everyone had it');
			assert.deepEqual(deliveries([...first.requests, ...second.requests]), [...campaign].sort(), 'each person got it exactly once');
		});

		it('uses its own paths with Instagram Login, and refuses to upload there, pointing to URL sending', async () => {
			const { run, requests } = await logged(async () => await n8n.execute(`wfIgLogin${major}0000001`, env));
			assert.equal(run.code, 0, run.stdout.slice(-3000));
			assert.equal(outputOf(run, 'IG Text')[0].json.success, true);
			assert.equal(outputOf(run, 'IG Conversations').length, 3);
			assert.deepEqual(
				requests.map((r) => [r.path, r.call]).sort(),
				[
					['/v18.0/me/conversations', 'conversations'],
					['/v18.0/me/messages', 'text'],
				],
			);
			const refused = outputOf(run, 'IG file');
			assert.equal(refused.length, 3);
			for (const item of refused) {
				assert.equal(item.json.success, false);
				assert.match(String(item.json.error), /cannot be uploaded with Instagram Login.*Media Source: URL/);
			}
		});

		it('no n8n output or log line holds a secret', () => {
			const everything = transcript.join('\n');
			for (const secret of [...secretsOf(), ...secretsOf(IG_TOKEN, APP_SECRET)]) assert.ok(!everything.includes(secret), 'a secret appeared in n8n output or logs');
		});
	});
}
