// The node inside a real n8n: installed from its tarball the way n8n installs community
// packages, run headlessly with `n8n execute`, its credential tested through the REST API
// of a running `n8n start`, against the loopback imitation of Meta.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { MetaImitation } from '../../sandbox/metaImitation';
import { startMetaImitation } from '../../sandbox/metaImitation';
import { ACCESS_TOKEN, APP_SECRET, META_UUID, expectedProof, secretsOf } from '../support/fixtures';
import type { ExecuteResult, N8nRuntime } from './support/n8n';
import { N8nInstance, ensureRuntime, freePort, packTarball, transcript } from './support/n8n';
import { codeItems, credential, instagram, instagramOperation, workflow } from './support/workflows';

const majors = (process.env.E2E_N8N_MAJORS ?? '2,1').split(',').map(Number).filter(Boolean);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const SUCCESS_FIELDS = ['success', 'operation', 'userId', 'messageText', 'messageId', 'sentAt', 'appSecretProofUsed', 'timestamp', 'nodeVersion'];
const packageVersion: string = require(path.resolve('package.json')).version;

const ids = (n: number) => `1784140${String(n).padStart(10, '0')}`;
const GOOD = { id: 'igGoodCred000001', name: 'Instagram (imitation)' };
const NO_TOKEN = { id: 'igNoTokenCred001', name: 'Instagram without token' };
const NO_SECRET = { id: 'igNoSecretCred01', name: 'Instagram without secret' };
const WRONG_SECRET = { id: 'igWrongSecret001', name: 'Instagram with a wrong secret' };

function outputOf(run: ExecuteResult, node: string) {
	const runs = run.result?.data.resultData.runData[node];
	assert.ok(runs, `no run data for ${node}:\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-2000)}`);
	return runs[0].data!.main[0];
}

function errorOf(run: ExecuteResult): string {
	return run.result?.data.resultData.error?.message ?? '';
}

const tmp = mkdtempSync(path.join(tmpdir(), 'ig-e2e-'));
let tarball: string;
let meta: MetaImitation;

before(async () => {
	tarball = packTarball(tmp);
	meta = await startMetaImitation({ apps: [{ accessToken: ACCESS_TOKEN, appSecret: APP_SECRET }] });
});

after(async () => {
	await meta?.close();
	rmSync(tmp, { recursive: true, force: true });
});

for (const major of majors) {
	describe(`in a real n8n ${major}.x`, () => {
		let runtime: N8nRuntime;
		let n8n: N8nInstance;
		const recipients = {
			greet: [ids(major * 100 + 1), ids(major * 100 + 2), ids(major * 100 + 3)],
			mixedOk: ids(major * 100 + 10),
			mixedApiError: ids(major * 100 + 11),
			mixedLast: ids(major * 100 + 12),
			stopApiError: ids(major * 100 + 20),
			stopOk: ids(major * 100 + 21),
			action: ids(major * 100 + 30),
			media: ids(major * 100 + 31),
			profile: ids(major * 100 + 32),
		};
		const env = { N8N_META_UUID: META_UUID };

		before(async () => {
			runtime = ensureRuntime(major);
			n8n = N8nInstance.create(runtime, tarball);
			const data = { accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, apiVersion: 'v18.0', baseUrl: meta.url };
			await n8n.importCredentials([
				credential(GOOD.id, GOOD.name, data),
				credential(NO_TOKEN.id, NO_TOKEN.name, { ...data, accessToken: '' }),
				credential(NO_SECRET.id, NO_SECRET.name, { ...data, appSecret: '' }),
				credential(WRONG_SECRET.id, WRONG_SECRET.name, { ...data, appSecret: 'not-the-app-secret-000' }),
			]);
			const contacts = codeItems('Contacts', [
				{ id: recipients.greet[0], name: 'Ada' },
				{ id: recipients.greet[1], name: 'Grace' },
				{ id: recipients.greet[2], name: 'Linus' },
			]);
			const mixed = codeItems('Mixed', [
				{ id: recipients.mixedOk, text: 'first' },
				{ id: '12ab', text: 'bad id' },
				{ id: recipients.mixedApiError, text: 'api error' },
				{ id: recipients.mixedLast, text: 'é'.repeat(501) },
				{ id: recipients.mixedLast, text: 'last' },
			]);
			const expr = { userId: '={{ $json.id }}', messageText: "={{ 'Hi ' + $json.name + ' 👋' }}" };
			await n8n.importWorkflows([
				workflow(`wfScenarios${major}00001`, 'Scenarios', [
					[contacts, instagram('Send greetings', GOOD, expr)],
					[contacts, instagram('No token', NO_TOKEN, expr)],
					[contacts, instagram('No secret', NO_SECRET, expr)],
					[contacts, instagram('Wrong secret', WRONG_SECRET, expr)],
					[mixed, instagram('Send mixed', GOOD, { userId: '={{ $json.id }}', messageText: '={{ $json.text }}' })],
				]),
				workflow(`wfStopInvalid${major}001`, 'Stops on invalid input', [
					[
						codeItems('Items', [{ id: recipients.stopOk, text: 'fine' }, { id: '-5', text: 'bad' }]),
						instagram('Send', GOOD, { userId: '={{ $json.id }}', messageText: '={{ $json.text }}' }, false),
					],
				]),
				workflow(`wfOperations${major}0001`, 'Every operation', [
					[
						codeItems('People', [{ id: recipients.action }]),
						instagramOperation('Typing', GOOD, { resource: 'message', operation: 'sendAction', userId: '={{ $json.id }}', action: 'typing_on' }),
					],
					[
						codeItems('Media', [{ id: recipients.media, url: 'https://cdn.example.com/catalogue.pdf' }]),
						instagramOperation('Price list', GOOD, {
							resource: 'message',
							operation: 'sendMedia',
							userId: '={{ $json.id }}',
							mediaType: 'file',
							mediaUrl: '={{ $json.url }}',
						}),
					],
					[
						codeItems('Leads', [{ id: recipients.profile }]),
						instagramOperation('Profile', GOOD, {
							resource: 'user',
							operation: 'getProfile',
							userId: '={{ $json.id }}',
							options: { fields: 'username,name' },
						}),
					],
				]),
				workflow(`wfStopApiErr${major}001`, 'Stops on an API error', [
					[
						codeItems('Items', [{ id: recipients.stopApiError, text: 'hello' }]),
						instagram('Send', GOOD, { userId: '={{ $json.id }}', messageText: '={{ $json.text }}' }, false),
					],
				]),
			]);
			meta.script(recipients.mixedApiError, [
				{ kind: 'graphError', status: 400, code: 100, subcode: 2018001, message: 'No matching user found' },
			]);
			meta.script(recipients.stopApiError, [
				{ kind: 'graphError', status: 403, code: 200, message: '(#200) App does not have permission to send messages' },
			]);
		});

		after(() => n8n?.remove());

		it('runs a workflow saved before resources existed (no resource parameter): expressions, credentials, mixed items', async () => {
			// The workflow's nodes carry no resource parameter, as workflows saved before it existed.
			assert.equal('resource' in instagram('any', GOOD, { userId: '1', messageText: 'x' }).parameters, false);
			const run = await n8n.execute(`wfScenarios${major}00001`, env);
			assert.equal(run.code, 0, run.stdout.slice(-3000));

			const greetings = outputOf(run, 'Send greetings');
			assert.equal(greetings.length, 3);
			greetings.forEach((item, index) => {
				assert.deepEqual(Object.keys(item.json), SUCCESS_FIELDS);
				assert.equal(item.pairedItem?.item, index);
				assert.equal(item.json.userId, recipients.greet[index]);
				assert.equal(item.json.messageText, `Hi ${['Ada', 'Grace', 'Linus'][index]} 👋`);
				assert.match(String(item.json.sentAt), ISO);
				assert.match(String(item.json.timestamp), ISO);
				assert.equal(item.json.appSecretProofUsed, `${expectedProof().slice(0, 8)}…`);
				assert.equal(item.json.nodeVersion, packageVersion);
				const logged = meta.requests.filter((r) => r.recipientId === recipients.greet[index]);
				assert.equal(logged.length, 1);
				assert.equal(item.json.messageId, logged[0].messageId);
				assert.equal(logged[0].text, item.json.messageText);
			});

			const noToken = outputOf(run, 'No token');
			assert.deepEqual(noToken.map((i) => i.json.error), Array(3).fill('Access token is required'));
			const noSecret = outputOf(run, 'No secret');
			assert.deepEqual(noSecret.map((i) => i.json.error), Array(3).fill('App Secret is required for server-side API calls'));
			const wrongSecret = outputOf(run, 'Wrong secret');
			assert.deepEqual(
				wrongSecret.map((i) => i.json.error),
				Array(3).fill('API Error: Invalid appsecret_proof provided in the API argument'),
			);
			for (const item of [...noToken, ...noSecret, ...wrongSecret]) {
				assert.equal(item.json.success, false);
				assert.equal(item.json.operation, 'sendMessage');
				assert.match(String(item.json.timestamp), ISO);
			}

			const mixed = outputOf(run, 'Send mixed');
			assert.deepEqual(mixed.map((i) => i.pairedItem?.item), [0, 1, 2, 3, 4]);
			assert.deepEqual(mixed.map((i) => i.json.success), [true, false, false, false, true]);
			assert.match(String(mixed[1].json.error), /^User ID must be/);
			assert.equal(mixed[2].json.error, 'API Error: No matching user found');
			assert.equal(mixed[2].json.errorCode, 100);
			assert.match(String(mixed[2].json.hint), /Instagram-scoped ID/);
			assert.match(String(mixed[3].json.error), /Message Text is 1002 bytes/);
			// Nothing was sent for the invalid items.
			assert.equal(meta.requests.filter((r) => r.recipientId === '12ab').length, 0);
			assert.deepEqual(
				meta.requests.filter((r) => r.recipientId === recipients.mixedLast).map((r) => r.text),
				['last'],
			);
		});

		it('sends a typing indicator and a file, and reads a profile, each as Meta expects', async () => {
			const run = await n8n.execute(`wfOperations${major}0001`, env);
			assert.equal(run.code, 0, run.stdout.slice(-3000));
			const [typing] = outputOf(run, 'Typing');
			assert.deepEqual(typing.json, {
				success: true,
				operation: 'sendAction',
				userId: recipients.action,
				senderAction: 'typing_on',
				appSecretProofUsed: `${expectedProof().slice(0, 8)}…`,
				timestamp: typing.json.timestamp,
				nodeVersion: packageVersion,
			});
			const action = meta.requests.filter((r) => r.recipientId === recipients.action);
			assert.deepEqual(action.map((r) => r.body), [{ recipient: { id: recipients.action }, sender_action: 'typing_on' }]);

			const [media] = outputOf(run, 'Price list');
			assert.equal(media.json.success, true);
			assert.equal(media.json.mediaUrl, 'https://cdn.example.com/catalogue.pdf');
			const sentMedia = meta.requests.filter((r) => r.recipientId === recipients.media);
			assert.equal(sentMedia.length, 1);
			assert.equal(media.json.messageId, sentMedia[0].messageId);
			assert.deepEqual(sentMedia[0].body, {
				recipient: { id: recipients.media },
				message: { attachment: { type: 'file', payload: { url: 'https://cdn.example.com/catalogue.pdf' } } },
			});

			const [profile] = outputOf(run, 'Profile');
			assert.deepEqual(Object.keys(profile.json), ['success', 'operation', 'userId', 'username', 'name', 'timestamp']);
			assert.equal(profile.json.username, `person_${recipients.profile.slice(-4)}`);
			const read = meta.requests.filter((r) => r.method === 'GET' && r.recipientId === recipients.profile);
			assert.deepEqual(read.map((r) => [r.path, r.query.fields, r.proofValid]), [[`/v18.0/${recipients.profile}`, 'username,name', true]]);
		});

		it('stops the node when N8N_META_UUID is missing or too short, sending nothing', async () => {
			for (const value of [undefined, 'short']) {
				const before = meta.requests.length;
				const run = await n8n.execute(`wfStopApiErr${major}001`, value === undefined ? {} : { N8N_META_UUID: value });
				assert.equal(run.code, 1, run.stdout.slice(-2000));
				assert.match(errorOf(run), /Environment variable N8N_META_UUID must be defined/);
				assert.equal(meta.requests.length, before);
			}
		});

		it('without Continue On Fail, an invalid item stops the node before anything is sent', async () => {
			const before = meta.requests.length;
			const run = await n8n.execute(`wfStopInvalid${major}001`, env);
			assert.equal(run.code, 1);
			assert.match(errorOf(run), /^User ID must be the recipient's Instagram-scoped ID/);
			assert.equal(meta.requests.length, before);
			assert.equal(meta.requests.filter((r) => r.recipientId === recipients.stopOk).length, 0);
		});

		it("without Continue On Fail, Meta's error fails the execution as API Error: <message>", async () => {
			const run = await n8n.execute(`wfStopApiErr${major}001`, env);
			assert.equal(run.code, 1);
			assert.equal(errorOf(run), 'API Error: (#200) App does not have permission to send messages');
		});

		it("tests the credential through n8n's REST API, as the editor's Test button does", async () => {
			const server = await n8n.start(await freePort(), env);
			try {
				await server.setupOwner();
				const names = await server.nodeTypeNames();
				assert.ok(names.includes('n8n-nodes-instagram-dm.instagram'), 'the node is in the node panel');
				// usableAsTool: n8n registers the tool variant its AI Agent connects to.
				assert.ok(names.includes('n8n-nodes-instagram-dm.instagramTool'), 'the tool variant is registered');
				const good = await server.rest('POST', '/rest/credentials/test', {
					credentials: { ...GOOD, type: 'instagramMessagingApi', data: { accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, apiVersion: 'v18.0', baseUrl: meta.url } },
				});
				assert.equal(good.status, 200, JSON.stringify(good.json));
				assert.equal(good.json.data.status, 'OK', JSON.stringify(good.json));
				// A refusal says what Meta refused: the proof (wrong App Secret) or the token.
				const test = async (data: Record<string, string>) =>
					(await server.rest('POST', '/rest/credentials/test', { credentials: { ...WRONG_SECRET, type: 'instagramMessagingApi', data: { apiVersion: 'v18.0', baseUrl: meta.url, ...data } } })).json.data;
				const wrongSecret = await test({ accessToken: ACCESS_TOKEN, appSecret: 'not-the-app-secret-000' });
				assert.equal(wrongSecret.status, 'Error');
				assert.match(wrongSecret.message, /^Meta refused the appsecret_proof, not the token/);
				const wrongToken = await test({ accessToken: 'EAAnot-a-token-000000', appSecret: APP_SECRET });
				assert.equal(wrongToken.status, 'Error');
				assert.match(wrongToken.message, /^Meta refused the access token/);
				// A Base URL that answers with a page (here n8n's own editor) is not the Graph API.
				const notGraph = await test({ accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, baseUrl: server.url });
				assert.equal(notGraph.status, 'Error');
				assert.match(notGraph.message, /check the Base URL/);
				for (const result of [wrongSecret, wrongToken]) {
					for (const secret of secretsOf()) assert.ok(!JSON.stringify(result).includes(secret));
				}
				const me = meta.requests.filter((r) => r.path === '/v18.0/me');
				assert.ok(me.some((r) => r.proofValid), 'the test request carried a valid appsecret_proof');
			} finally {
				await server.stop();
			}
		});

		it('never put the token in a URL, and no n8n output or log line holds a secret', () => {
			assert.ok(meta.requests.length > 0);
			assert.deepEqual(meta.requests.filter((r) => r.tokenInUrl), []);
			const everything = transcript.join('\n');
			for (const secret of secretsOf()) {
				assert.ok(!everything.includes(secret), 'a secret appeared in n8n output or logs');
			}
		});
	});
}
