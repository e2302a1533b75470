// Tokens that last, in a real n8n: an Instagram-Login token 59 days old is refreshed before
// the run sends, n8n stores the new token with the credential, and the next run (a new n8n
// process, so after a restart) uses it without refreshing again. A token that cannot be
// refreshed and expires within 7 days is said in every output item and by the credential
// test. A one-hour token (what an OAuth login gives) is exchanged once for a 60-day one.
// The imitation of Meta issues and expires tokens on its own clock.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { MetaImitation } from '../../sandbox/metaImitation';
import { startMetaImitation } from '../../sandbox/metaImitation';
import { APP_SECRET, META_UUID, checkedTokenFields } from '../support/fixtures';
import type { ExecuteResult } from './support/n8n';
import { N8nInstance, ensureRuntime, freePort, packTarball, transcript } from './support/n8n';
import { credential, instagram, workflow } from './support/workflows';

const majors = (process.env.E2E_N8N_MAJORS ?? '2,1').split(',').map(Number).filter(Boolean);
const OLD = `IGAAold${randomBytes(16).toString('hex')}`;
const STUCK = `IGAAstuck${randomBytes(16).toString('hex')}`;
const FACEBOOK = `EAA${randomBytes(16).toString('hex')}`;
const SHORT = `IGAAshort${randomBytes(16).toString('hex')}`;
const person = (n: number) => `178414${String(n).padStart(11, '0')}`;

function itemsOf(run: ExecuteResult, node: string) {
	const runs = run.result?.data.resultData.runData[node];
	assert.ok(runs, `no run data for ${node}:\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-2000)}`);
	return { items: runs[0].data!.main[0].map((item) => item.json), hints: ((runs[0] as { hints?: Array<{ message: string }> }).hints ?? []).map((h) => h.message) };
}

const tmp = mkdtempSync(path.join(tmpdir(), 'ig-tokens-e2e-'));
let tarball: string;
let meta: MetaImitation;
/** Meta's graph.instagram.com, which refuses a Facebook-Login token. */
let instagramHost: MetaImitation;

before(async () => {
	tarball = packTarball(tmp);
	meta = await startMetaImitation({
		apps: [
			{ accessToken: OLD, appSecret: APP_SECRET, tokenAgeDays: 59 },
			{ accessToken: STUCK, appSecret: APP_SECRET, tokenAgeDays: 55, refreshRefused: true },
			...majors.map((major) => ({ accessToken: `${SHORT}${major}`, appSecret: APP_SECRET, tokenAgeDays: 10 / 1440, shortLived: true })),
		],
	});
	instagramHost = await startMetaImitation({ apps: [{ accessToken: FACEBOOK, appSecret: APP_SECRET }], graphHost: 'instagram' });
});

after(async () => {
	await meta?.close();
	await instagramHost?.close();
	rmSync(tmp, { recursive: true, force: true });
});

for (const major of majors) {
	describe(`tokens that last in a real n8n ${major}.x`, () => {
		const OLD_CRED = { id: `igOldToken${major}00001`.slice(0, 16), name: 'Instagram, token 59 days old' };
		const WRONG_HOST_CRED = { id: `igWrongHost${major}0001`.slice(0, 16), name: 'Instagram, Facebook token as Instagram Login' };
		const STUCK_CRED = { id: `igStuckTok${major}00001`.slice(0, 16), name: 'Instagram, token that cannot be refreshed' };
		const SHORT_CRED = { id: `igShortTok${major}00001`.slice(0, 16), name: 'Instagram, one-hour token' };
		const env = { N8N_META_UUID: META_UUID };
		let n8n: N8nInstance;
		let stuckFields: Record<string, string>;

		before(async () => {
			n8n = N8nInstance.create(ensureRuntime(major), tarball);
			const base = { appSecret: APP_SECRET, apiVersion: 'v26.0', baseUrl: meta.url };
			stuckFields = checkedTokenFields(STUCK, 5);
			await n8n.importCredentials([
				credential(OLD_CRED.id, OLD_CRED.name, { ...base, accessToken: OLD }),
				credential(STUCK_CRED.id, STUCK_CRED.name, { ...base, accessToken: STUCK, ...stuckFields }),
				credential(SHORT_CRED.id, SHORT_CRED.name, { ...base, accessToken: `${SHORT}${major}` }),
				credential(WRONG_HOST_CRED.id, WRONG_HOST_CRED.name, { ...base, baseUrl: instagramHost.url, accessToken: FACEBOOK, loginType: 'instagram' }),
			]);
			await n8n.importWorkflows([
				workflow(`wfOldToken${major}0001`, 'Old token', [[instagram('Send', OLD_CRED, { userId: `={{ '${person(major * 10 + 1)}' }}`, messageText: 'Hello' })]]),
				workflow(`wfStuckTok${major}0001`, 'Token that cannot be refreshed', [[instagram('Send', STUCK_CRED, { userId: `={{ '${person(major * 10 + 2)}' }}`, messageText: 'Hello' })]]),
				workflow(`wfShortTok${major}0001`, 'One-hour token', [[instagram('Send', SHORT_CRED, { userId: `={{ '${person(major * 10 + 4)}' }}`, messageText: 'Hello' })]]),
				workflow(`wfWrongHost${major}001`, 'Token on the wrong host', [[instagram('Send', WRONG_HOST_CRED, { userId: `={{ '${person(major * 10 + 3)}' }}`, messageText: 'Hello' })]]),
			]);
		});

		after(() => n8n?.remove());

		it('refreshes a token 59 days old before sending, stores it, and the run after a restart uses it without refreshing', async () => {
			const refreshesBefore = meta.tokens.refreshes;
			const first = await n8n.execute(`wfOldToken${major}0001`, env);
			assert.equal(first.code, 0, first.stderr.slice(-2000));
			const { items, hints } = itemsOf(first, 'Send');
			assert.equal(items[0].success, true, JSON.stringify(items[0]));
			assert.equal(items[0].tokenWarning, undefined);
			assert.deepEqual(hints, []);
			assert.equal(meta.tokens.refreshes, refreshesBefore + 1, 'one refresh');
			const sent = () => meta.requests.filter((r) => r.call === 'text' && r.recipientId === person(major * 10 + 1));
			assert.deepEqual(sent().map((r) => [r.tokenGeneration, r.proofValid]), [[1, true]], 'sent with the new token and its proof');

			// `n8n execute` starts a new n8n process: the credential it reads is what n8n stored.
			const second = await n8n.execute(`wfOldToken${major}0001`, env);
			assert.equal(itemsOf(second, 'Send').items[0].success, true);
			assert.equal(meta.tokens.refreshes, refreshesBefore + 1, 'no second refresh');
			assert.deepEqual(sent().map((r) => r.tokenGeneration), [1, 1]);
		});

		it('exchanges a one-hour token for a 60-day one before sending, stores it, and the run after a restart uses it without another token call', async () => {
			const tokenCalls = () => meta.requests.filter((r) => (r.call === 'refresh' || r.call === 'exchange'));
			const before = tokenCalls().length;
			const exchangesBefore = meta.tokens.exchanges;
			const first = await n8n.execute(`wfShortTok${major}0001`, env);
			assert.equal(first.code, 0, first.stderr.slice(-2000));
			const { items, hints } = itemsOf(first, 'Send');
			assert.equal(items[0].success, true, JSON.stringify(items[0]));
			assert.deepEqual(hints, []);
			assert.equal(meta.tokens.exchanges, exchangesBefore + 1, 'one exchange');
			const calls = tokenCalls().slice(before);
			assert.deepEqual(calls.map((r) => [r.call, r.status]), [['refresh', 400], ['exchange', 200]], 'refused as too young, then exchanged');
			assert.deepEqual(calls[1].query, { grant_type: 'ig_exchange_token', client_secret: 'the app secret' });
			const sent = () => meta.requests.filter((r) => r.call === 'text' && r.recipientId === person(major * 10 + 4));
			assert.deepEqual(sent().map((r) => [r.tokenGeneration, r.proofValid]), [[1, true]], 'sent with the 60-day token and its proof');

			const second = await n8n.execute(`wfShortTok${major}0001`, env);
			assert.equal(itemsOf(second, 'Send').items[0].success, true);
			assert.equal(meta.tokens.exchanges, exchangesBefore + 1, 'no second exchange');
			assert.equal(tokenCalls().length, before + 2, 'no token call at all');
			assert.deepEqual(sent().map((r) => r.tokenGeneration), [1, 1]);
		});

		it('says in every item, beside them and in the credential test when a token that cannot be refreshed expires within 7 days', async () => {
			const run = await n8n.execute(`wfStuckTok${major}0001`, env);
			const { items, hints } = itemsOf(run, 'Send');
			assert.equal(items[0].success, true, 'the token still works');
			const warning = String(items[0].tokenWarning);
			assert.match(warning, new RegExp(`^The Instagram access token expires on ${stuckFields.tokenExpiresAt.slice(0, 10)} and has not been refreshed\\. It could not be refreshed: Meta answered: .*\\(code 10\\)`));
			assert.deepEqual(hints, [warning]);

			const server = await n8n.start(await freePort(), env);
			try {
				await server.setupOwner();
				const tested = await server.rest('POST', '/rest/credentials/test', {
					credentials: { ...STUCK_CRED, type: 'instagramMessagingApi', data: { appSecret: APP_SECRET, apiVersion: 'v26.0', baseUrl: meta.url, accessToken: STUCK, ...stuckFields } },
				});
				assert.equal(tested.status, 200, JSON.stringify(tested.json));
				assert.equal(tested.json.data.status, 'Error', JSON.stringify(tested.json));
				assert.match(tested.json.data.message, new RegExp(`expires on ${stuckFields.tokenExpiresAt.slice(0, 10)}`));
			} finally {
				await server.stop();
			}
		});

		it("answers a Facebook token sent to Instagram Login's host with Meta's error and the fix", async () => {
			const run = await n8n.execute(`wfWrongHost${major}001`, env);
			const [item] = itemsOf(run, 'Send').items;
			assert.equal(item.success, false);
			assert.equal(item.errorCode, 100);
			assert.match(String(item.hint), /^The access token is a Facebook Login token \(it starts with EAA\), but the credential sends it to .* as Instagram Login: set Login Type to Auto or Facebook Login/);
		});

		it('puts no token, old or new, in a URL, an output or a log line', () => {
			assert.deepEqual([...meta.requests, ...instagramHost.requests].filter((r) => r.tokenInUrl), []);
			const everything = transcript.join('\n');
			for (const token of [OLD, STUCK, FACEBOOK, SHORT, APP_SECRET, ...meta.tokens.issued()]) assert.ok(!everything.includes(token), 'a token in n8n output or logs');
		});
	});
}
