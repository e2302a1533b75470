// Tokens that last: an Instagram-Login token is refreshed through n8n's preAuthentication
// before it runs out, the new token is what the credential then holds, and a token that
// cannot be refreshed is announced in every output item and by the credential test. The
// imitation of Meta issues and expires tokens on its own clock.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';


import type { MetaImitation } from '../../sandbox/metaImitation';
import { startMetaImitation } from '../../sandbox/metaImitation';
import { APP_SECRET, META_UUID, USER_A, USER_B, checkedTokenFields, credentialsFor, expectedProof } from '../support/fixtures';
import type { RunResult } from '../support/nodeHarness';
import { loadCredential, runNode } from '../support/nodeHarness';

const DAY = 86_400_000;
/** Issued 59 days ago: one day left. */
const OLD = `IGAAold${randomBytes(16).toString('hex')}`;
/** Issued 55 days ago, and Meta refuses to refresh it (the app lost its permission). */
const STUCK = `IGAAstuck${randomBytes(16).toString('hex')}`;
/** A 60-day token issued an hour ago. */
const YOUNG = `IGAAyoung${randomBytes(16).toString('hex')}`;
/** A one-hour token issued ten minutes ago, as an OAuth login gives. */
const SHORT = `IGAAshort${randomBytes(16).toString('hex')}`;

let meta: MetaImitation;

function send(credentials: Record<string, string>, userIds = [USER_A]): Promise<RunResult> {
	return runNode({
		items: userIds.map((id) => ({ id })),
		params: { operation: 'sendMessage', userId: (i: number) => userIds[i], messageText: 'Hello', options: {} },
		credentials,
		continueOnFail: true,
	});
}

function jsonOf(result: RunResult) {
	assert.ok(result.output, `expected output, got error: ${result.error?.message}`);
	return result.output[0].map((item) => item.json);
}

/** No token, old or new, anywhere a user or a log could see it. */
function assertNoToken(credentials: Record<string, string>, ...seen: unknown[]): void {
	const tokens = [OLD, STUCK, YOUNG, SHORT, APP_SECRET, ...meta.tokens.issued()];
	const text = JSON.stringify(seen);
	for (const token of tokens) assert.ok(!text.includes(token), `a token leaked: ${text.slice(0, 300)}`);
	for (const r of meta.requests) assert.equal(r.tokenInUrl, false, `${r.path} carried a token in its URL`);
	assert.ok(credentials.accessToken.startsWith('IGAA'));
}

describe('tokens that last, against the Meta imitation', () => {
	before(async () => {
		meta = await startMetaImitation({
			apps: [
				{ accessToken: OLD, appSecret: APP_SECRET, tokenAgeDays: 59 },
				{ accessToken: STUCK, appSecret: APP_SECRET, tokenAgeDays: 55, refreshRefused: true },
				{ accessToken: YOUNG, appSecret: APP_SECRET, tokenAgeDays: 1 / 24 },
				{ accessToken: SHORT, appSecret: APP_SECRET, tokenAgeDays: 10 / 1440, shortLived: true },
			],
		});
	});
	after(async () => meta.close());
	beforeEach(() => {
		meta.reset();
		process.env.N8N_META_UUID = META_UUID;
	});

	it('refreshes a token with a day left before sending, stores the new one, and the next run uses it without refreshing again', async () => {
		const credentials: Record<string, string> = credentialsFor(meta.url, { accessToken: OLD, apiVersion: 'v26.0' });
		const first = await send(credentials, [USER_A, USER_B]);
		assert.deepEqual(jsonOf(first).map((item) => item.success), [true, true]);
		assert.equal(meta.tokens.refreshes, 1);
		const refresh = meta.requests.find((r) => r.call === 'refresh')!;
		assert.equal(refresh.path, '/refresh_access_token');
		assert.equal(refresh.query.grant_type, 'ig_refresh_token');
		assert.equal(refresh.tokenGeneration, 0);
		const sends = meta.requests.filter((r) => r.call === 'text');
		assert.deepEqual(sends.map((r) => [r.tokenGeneration, r.proofValid]), [[1, true], [1, true]], 'both sent with the new token and its proof');
		assert.ok(refresh.seq < sends[0].seq, 'refreshed before the first send');
		// What n8n stored with the credential.
		assert.notEqual(credentials.accessToken, OLD);
		assert.ok(meta.tokens.issued().includes(credentials.accessToken));
		const expiresIn = Date.parse(credentials.tokenExpiresAt) - Date.now();
		assert.ok(expiresIn > 59 * DAY && expiresIn <= 60 * DAY, credentials.tokenExpiresAt);
		assert.equal(credentials.tokenRenewalError, '');
		assert.equal(jsonOf(first)[0].tokenWarning, undefined);
		assert.deepEqual(first.hints, []);
		// The items name the proof of the token they were sent with: the new one.
		assert.deepEqual(jsonOf(first).map((item) => item.appSecretProofUsed), [1, 2].map(() => `${expectedProof(credentials.accessToken, APP_SECRET).slice(0, 8)}…`));

		const second = await send(credentials);
		assert.equal(jsonOf(second)[0].success, true);
		assert.equal(meta.tokens.refreshes, 1, 'no second refresh');
		assert.deepEqual(meta.requests.filter((r) => r.call === 'text').map((r) => r.tokenGeneration), [1, 1, 1]);
		assertNoToken(credentials, first.output, first.hints, second.output, second.hints);
	});

	it('sends nothing, not even a refresh, for a run whose every item is refused', async () => {
		const credentials: Record<string, string> = credentialsFor(meta.url, { accessToken: OLD, apiVersion: 'v26.0' });
		const result = await runNode({ items: [{}], params: { operation: 'sendMessage', userId: '@shop', messageText: 'Hi', options: {} }, credentials, continueOnFail: true });
		assert.equal(jsonOf(result)[0].success, false);
		assert.deepEqual(meta.requests, []);
		assert.equal(credentials.accessToken, OLD);
	});

	it('without Continue On Fail, refreshes before a run that sends, and not for one an invalid item stops', async () => {
		const stopped: Record<string, string> = credentialsFor(meta.url, { accessToken: OLD, apiVersion: 'v26.0' });
		const refused = await runNode({ items: [{}, {}], params: { operation: 'sendMessage', userId: (i: number) => [USER_A, '@shop'][i], messageText: 'Hi', options: {} }, credentials: stopped });
		assert.ok(refused.error);
		assert.equal(meta.requests.length, 0, 'no refresh, nothing sent');
		assert.equal(stopped.accessToken, OLD);

		const sending: Record<string, string> = credentialsFor(meta.url, { accessToken: OLD, apiVersion: 'v26.0' });
		const sent = await runNode({ items: [{}], params: { operation: 'sendMessage', userId: USER_A, messageText: 'Hi', options: {} }, credentials: sending });
		assert.equal(jsonOf(sent)[0].success, true);
		// The refresh, n8n's check of the new token (the credential test's call), the send.
		assert.deepEqual(meta.requests.map((r) => [r.call, r.tokenGeneration]), [['refresh', 0], ['me', 1], ['text', 1]]);
		// n8n's check asks Meta for the account's ID only.
		assert.equal(meta.requests[1].method, 'GET');
		assert.equal(meta.requests[1].query.fields, 'id');
	});

	it('never quotes an error page that echoes the renewed token back', async () => {
		const credentials: Record<string, string> = credentialsFor(meta.url, { accessToken: OLD, apiVersion: 'v26.0' });
		// A proxy in front of Meta fails and echoes the request's Authorization header.
		meta.script(USER_A, [{ kind: 'echoingProxyError', status: 403 }]);
		const result = await send(credentials);
		const [item] = jsonOf(result);
		assert.equal(item.success, false);
		assert.equal(meta.tokens.refreshes, 1);
		assert.notEqual(credentials.accessToken, OLD);
		assert.equal(item.error, 'API Error: Meta answered HTTP 403 with an HTML page (131 bytes) instead of a Graph API error', 'the page is not quoted');
		assertNoToken(credentials, result.output, result.hints);
	});

	it("never quotes the renewed token from an error message that echoes it: the run redacts the token it signs with", async () => {
		const credentials: Record<string, string> = credentialsFor(meta.url, { accessToken: OLD, apiVersion: 'v26.0' });
		// A proxy answers in the Graph API's error format, quoting the bare token the request
		// carried (the renewed one) in the message the item reports: only a run that knows the
		// token it signs with can find it there.
		meta.script(USER_A, [{ kind: 'echoingProxyError', status: 502, graphShaped: true }]);
		const result = await send(credentials);
		const [item] = jsonOf(result);
		assert.equal(item.success, false);
		assert.equal(meta.tokens.refreshes, 1);
		assert.notEqual(credentials.accessToken, OLD);
		assert.equal(item.error, 'API Error: Upstream request failed for the credential [redacted]', 'the message is quoted, the token is not');
		assertNoToken(credentials, result.output, result.hints);
	});

	it('warns about a token that expires within 7 days in a run that sends nothing', async () => {
		const credentials: Record<string, string> = { ...credentialsFor(meta.url, { accessToken: STUCK, apiVersion: 'v26.0' }), ...checkedTokenFields(STUCK, 5) };
		const result = await runNode({ items: [{}], params: { operation: 'sendMessage', userId: '@shop', messageText: 'Hi', options: {} }, credentials, continueOnFail: true });
		const [item] = jsonOf(result);
		assert.equal(item.success, false);
		assert.match(String(item.tokenWarning), /^The Instagram access token expires on /);
		assert.deepEqual(result.hints.map((h) => h.message), [item.tokenWarning]);
		assert.deepEqual(meta.requests, [], 'no refresh for a run that sends nothing');
	});

	it('says in every item and beside them when a token that cannot be refreshed expires within 7 days', async () => {
		const credentials: Record<string, string> = { ...credentialsFor(meta.url, { accessToken: STUCK, apiVersion: 'v26.0' }), ...checkedTokenFields(STUCK, 5) };
		const result = await send(credentials, [USER_A, USER_B]);
		const items = jsonOf(result);
		assert.deepEqual(items.map((item) => item.success), [true, true], 'the token still works');
		const day = credentials.tokenExpiresAt.slice(0, 10);
		for (const item of items) {
			assert.match(String(item.tokenWarning), new RegExp(`^The Instagram access token expires on ${day} and has not been refreshed\\. It could not be refreshed: Meta answered: .*\\(code 10\\)\\. Paste a new token`));
		}
		assert.deepEqual(result.hints.map((h) => h.message), [items[0].tokenWarning]);
		assert.equal(meta.tokens.refreshes, 0);
		assert.equal(meta.requests.filter((r) => r.call === 'refresh').length, 1);
		assert.match(credentials.tokenRenewalError, /code 10/);

		// A failed refresh waits 6 hours: the next run does not ask again, and still warns.
		const again = await send(credentials);
		assert.equal(meta.requests.filter((r) => r.call === 'refresh').length, 1);
		assert.equal(jsonOf(again)[0].tokenWarning, items[0].tokenWarning);
		assertNoToken(credentials, result.output, result.hints, again.output, again.hints);
	});

	it('tries a token just pasted once, and waits when Meta says it is too young to refresh', async () => {
		const credentials: Record<string, string> = credentialsFor(meta.url, { accessToken: YOUNG, apiVersion: 'v26.0' });
		assert.equal(jsonOf(await send(credentials))[0].success, true);
		assert.equal(jsonOf(await send(credentials))[0].success, true);
		assert.deepEqual(meta.requests.filter((r) => r.call === 'refresh' || r.call === 'exchange').map((r) => [r.call, r.status]), [['refresh', 400], ['exchange', 400]], 'one refresh, one exchange, both refused');
		assert.equal(credentials.accessToken, YOUNG);
		assert.match(credentials.tokenRenewalError, /^Meta answered: The access token is less than 24 hours old.*\(code 100\)\. Exchanging it as a one-hour token: Meta answered: The access token is not a short-lived token/);
		assert.equal(credentials.tokenExpiresAt, '', 'Meta has not said when it expires');
	});

	it('exchanges a one-hour token just pasted for a 60-day one, once, before sending, with the app secret only in the call to Meta', async () => {
		const credentials: Record<string, string> = credentialsFor(meta.url, { accessToken: SHORT, apiVersion: 'v26.0' });
		const first = await send(credentials, [USER_A, USER_B]);
		assert.deepEqual(jsonOf(first).map((item) => item.success), [true, true]);
		assert.equal(meta.tokens.exchanges, 1);
		const calls = meta.requests.filter((r) => r.call === 'refresh' || r.call === 'exchange');
		assert.deepEqual(calls.map((r) => [r.call, r.status]), [['refresh', 400], ['exchange', 200]], 'refused as too young, then exchanged');
		const exchange = calls[1];
		assert.equal(exchange.path, '/access_token');
		assert.deepEqual(exchange.query, { grant_type: 'ig_exchange_token', client_secret: 'the app secret' });
		assert.equal(exchange.bearer, true);
		assert.equal(exchange.tokenGeneration, 0);
		const sends = meta.requests.filter((r) => r.call === 'text');
		assert.deepEqual(sends.map((r) => [r.tokenGeneration, r.proofValid]), [[1, true], [1, true]], 'sent with the 60-day token and its proof');
		assert.ok(exchange.seq < sends[0].seq);
		assert.ok(meta.tokens.issued().includes(credentials.accessToken));
		const expiresIn = Date.parse(credentials.tokenExpiresAt) - Date.now();
		assert.ok(expiresIn > 59 * DAY && expiresIn <= 60 * DAY, credentials.tokenExpiresAt);
		assert.equal(credentials.tokenRenewalError, '');

		const second = await send(credentials);
		assert.equal(jsonOf(second)[0].success, true);
		assert.equal(meta.requests.filter((r) => r.call === 'refresh' || r.call === 'exchange').length, 2, 'no token call in the next run');
		assertNoToken(credentials, first.output, first.hints, second.output, second.hints);
	});

	it("answers a token sent to the other login type's host with Meta's error and a hint naming the fix", async () => {
		const FACEBOOK = `EAA${randomBytes(16).toString('hex')}`;
		const instagramHost = await startMetaImitation({ apps: [{ accessToken: FACEBOOK, appSecret: APP_SECRET }], graphHost: 'instagram' });
		try {
			const credentials: Record<string, string> = credentialsFor(instagramHost.url, { accessToken: FACEBOOK, apiVersion: 'v26.0', loginType: 'instagram' });
			const [item] = jsonOf(await send(credentials));
			assert.equal(item.success, false);
			assert.equal(item.errorCode, 100);
			assert.match(String(item.error), /Unsupported post request/);
			assert.equal(
				item.hint,
				`The access token is a Facebook Login token (it starts with EAA), but the credential sends it to ${instagramHost.url} as Instagram Login: set Login Type to Auto or Facebook Login, and leave Base URL empty.`,
			);
			assert.ok(!JSON.stringify(item).includes(FACEBOOK));
		} finally {
			await instagramHost.close();
		}
	});

	it('fails the credential test with the date when the token expires within 7 days, and passes it otherwise', async () => {
		const credential = loadCredential();
		const soon: Record<string, string> = { ...credentialsFor(meta.url, { accessToken: STUCK }), ...checkedTokenFields(STUCK, 3) };
		await assert.rejects(credential.authenticate(soon, { ...credential.test.request }), (error: Error) => {
			assert.match(error.message, new RegExp(`^The Instagram access token expires on ${soon.tokenExpiresAt.slice(0, 10)} and has not been refreshed\\.`));
			assert.ok(!error.message.includes(STUCK));
			return true;
		});
		// The same credential signs the node's own requests: they are not refused for it.
		const signed = await credential.authenticate(soon, { method: 'GET', url: '/me', qs: { fields: 'id' } });
		assert.equal((signed.headers as Record<string, string>).Authorization, `Bearer ${STUCK}`);
		// A healthy token passes, and the test's marker never reaches Meta.
		const healthy = { ...credentialsFor(meta.url, { accessToken: STUCK }), ...checkedTokenFields(STUCK, 40) };
		const tested = await credential.authenticate(healthy, { ...credential.test.request });
		assert.deepEqual(Object.keys(tested.headers as object), ['Authorization']);
	});
});
