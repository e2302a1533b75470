// The node's execute against a real loopback HTTP server imitating Meta's Send API.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, beforeEach, describe, it } from 'node:test';

import type { MetaImitation } from '../../sandbox/metaImitation';
import { startMetaImitation } from '../../sandbox/metaImitation';
import {
	ACCESS_TOKEN,
	APP_SECRET,
	META_UUID,
	USER_A,
	USER_B,
	USER_C,
	credentialsFor,
	expectedProof,
	secretsOf,
} from '../support/fixtures';
import type { RunOptions, RunResult } from '../support/nodeHarness';
import { runNode } from '../support/nodeHarness';

const packageVersion = JSON.parse(readFileSync('package.json', 'utf8')).version as string;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

let meta: MetaImitation;

function run(overrides: Partial<RunOptions> & { params?: RunOptions['params'] }): Promise<RunResult> {
	return runNode({
		items: overrides.items ?? [{}],
		params: { operation: 'sendMessage', options: {}, ...overrides.params },
		credentials: overrides.credentials ?? credentialsFor(meta.url),
		continueOnFail: overrides.continueOnFail,
	});
}

function jsonOf(result: RunResult) {
	assert.ok(result.output, `expected output, got error: ${result.error?.message}`);
	return result.output[0].map((item) => item.json);
}

function assertNoSecrets(value: unknown): void {
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	for (const secret of secretsOf()) {
		assert.ok(!text.includes(secret), `a secret leaked into ${text.slice(0, 200)}`);
	}
}

function errorText(error: RunResult['error']): string {
	assert.ok(error, 'expected an error');
	return JSON.stringify({ message: error.message, description: error.description, context: error.context, stack: error.stack });
}

describe('Send Message against the Meta imitation', () => {
	before(async () => {
		meta = await startMetaImitation({ apps: [{ accessToken: ACCESS_TOKEN, appSecret: APP_SECRET }] });
	});
	after(async () => {
		await meta.close();
	});
	beforeEach(() => {
		meta.reset();
		process.env.N8N_META_UUID = META_UUID;
	});

	it('says beside the items when the API version has reached its end, naming the version Meta serves and the newest', async () => {
		// v18.0 ended on 2026-01-26 and v26.0 has no end date: both hold whatever day the test runs.
		const ended = await run({ params: { userId: USER_A, messageText: 'Hello' } });
		assert.equal(jsonOf(ended)[0].success, true, 'the message is still sent');
		assert.equal(ended.hints.length, 1);
		assert.equal(ended.hints[0].type, 'warning');
		assert.equal(ended.hints[0].location, 'outputPane');
		assert.match(ended.hints[0].message, /^Graph API v18\.0 reached its end on 2026-01-26: Meta now answers its calls as v2\d\.0, .* to v26\.0, the newest\.$/);
		const current = await run({ params: { userId: USER_A, messageText: 'Hello' }, credentials: credentialsFor(meta.url, { apiVersion: 'v26.0' }) });
		assert.equal(jsonOf(current)[0].success, true);
		assert.deepEqual(current.hints, []);
		assert.deepEqual(
			meta.requests.map((r) => r.path),
			['/v18.0/me/messages', '/v26.0/me/messages'],
		);
	});

	it('sends one message and outputs exactly the documented fields', async () => {
		const result = await run({ params: { userId: USER_A, messageText: 'Hello 👋 — "quoted"\nline two' } });
		const [item] = jsonOf(result);
		assert.deepEqual(Object.keys(item), [
			'success',
			'operation',
			'userId',
			'messageText',
			'messageId',
			'sentAt',
			'appSecretProofUsed',
			'timestamp',
			'nodeVersion',
		]);
		assert.equal(item.success, true);
		assert.equal(item.operation, 'sendMessage');
		assert.equal(item.userId, USER_A);
		assert.equal(item.messageText, 'Hello 👋 — "quoted"\nline two');
		assert.match(String(item.sentAt), ISO);
		assert.match(String(item.timestamp), ISO);
		assert.equal(item.appSecretProofUsed, `${expectedProof().slice(0, 8)}…`);
		assert.equal(item.nodeVersion, packageVersion);

		assert.equal(meta.requests.length, 1);
		const [request] = meta.requests;
		assert.equal(item.messageId, request.messageId);
		assert.equal(request.method, 'POST');
		assert.equal(request.path, '/v18.0/me/messages');
		assert.ok(request.bearer && request.tokenValid && request.proofValid);
		assert.equal(request.tokenInUrl, false);
		assert.deepEqual(request.body, { recipient: { id: USER_A }, message: { text: 'Hello 👋 — "quoted"\nline two' } });
		assert.equal(result.output![0][0].pairedItem && (result.output![0][0].pairedItem as { item: number }).item, 0);
	});

	it('puts the token only in the Authorization header and the proof in the query', async () => {
		const result = await run({ params: { userId: USER_A, messageText: 'hi' } });
		assert.equal(result.exchanges.length, 1);
		const [exchange] = result.exchanges;
		assert.equal(exchange.headers.Authorization, `Bearer ${ACCESS_TOKEN}`);
		assert.ok(!exchange.url.includes(ACCESS_TOKEN));
		assert.ok(!exchange.url.includes(APP_SECRET));
		assert.equal(new URL(exchange.url).searchParams.get('appsecret_proof'), expectedProof());
	});

	it('uses the API version and base URL from the credential', async () => {
		const result = await run({
			params: { userId: USER_A, messageText: 'hi' },
			credentials: credentialsFor(`${meta.url}/`, { apiVersion: 'v21.0' }),
		});
		jsonOf(result);
		assert.equal(meta.requests[0].path, '/v21.0/me/messages');
	});

	it('refuses a missing access token before sending anything', async () => {
		const result = await run({
			params: { userId: USER_A, messageText: 'hi' },
			credentials: credentialsFor(meta.url, { accessToken: '' }),
		});
		assert.equal(result.error?.message, 'Access token is required');
		assert.equal(meta.requests.length, 0);
	});

	it('refuses a missing app secret before sending anything', async () => {
		const result = await run({
			params: { userId: USER_A, messageText: 'hi' },
			credentials: credentialsFor(meta.url, { appSecret: '   ' }),
		});
		assert.equal(result.error?.message, 'App Secret is required for server-side API calls');
		assert.equal(meta.requests.length, 0);
	});

	for (const [label, value] of [
		['missing', undefined],
		['blank', '   '],
		['too short', '1234567'],
	] as const) {
		it(`stops with an error naming N8N_META_UUID when it is ${label}`, async () => {
			if (value === undefined) delete process.env.N8N_META_UUID;
			else process.env.N8N_META_UUID = value;
			const result = await run({ params: { userId: USER_A, messageText: 'hi' } });
			assert.match(result.error?.message ?? '', /N8N_META_UUID must be defined/);
			// It is the run's error, not the first item's: n8n names no item for it.
			assert.equal(result.error?.context?.itemIndex, undefined);
			assert.equal(meta.requests.length, 0);
		});
	}

	it('with Continue On Fail, a setup error becomes one error item per input item', async () => {
		delete process.env.N8N_META_UUID;
		const result = await run({
			items: [{}, {}, {}],
			params: { userId: USER_A, messageText: 'hi' },
			continueOnFail: true,
		});
		const items = jsonOf(result);
		assert.equal(items.length, 3);
		for (const item of items) {
			// In the order of a sent item, with the User ID the item gave, so a failure says whom it was for.
			assert.deepEqual(Object.keys(item), ['success', 'operation', 'userId', 'error', 'timestamp']);
			assert.equal(item.userId, USER_A);
			assert.equal(item.success, false);
			assert.match(String(item.error), /N8N_META_UUID/);
		}
		assert.deepEqual(result.output![0].map((o) => (o.pairedItem as { item: number }).item), [0, 1, 2]);
		assert.equal(meta.requests.length, 0);
	});

	it("reports Meta's error as API Error: <message> with its code and a hint", async () => {
		meta.script(USER_A, [{ kind: 'graphError', status: 400, code: 551, subcode: 1545041, message: 'This person isn\'t available right now.' }]);
		const failed = await run({ params: { userId: USER_A, messageText: 'hi' } });
		assert.equal(failed.error?.message, "API Error: This person isn't available right now.");
		assert.match(failed.error?.description ?? '', /unavailable/);
		assert.equal(failed.error?.httpCode, '551/1545041', "the error panel's code is Meta's code and subcode");

		meta.reset();
		meta.script(USER_A, [{ kind: 'graphError', status: 400, code: 551, subcode: 1545041, message: 'This person isn\'t available right now.' }]);
		const [item] = jsonOf(await run({ params: { userId: USER_A, messageText: 'hi' }, continueOnFail: true }));
		assert.equal(item.error, "API Error: This person isn't available right now.");
		assert.equal(item.success, false);
		assert.equal(item.errorCode, 551);
		assert.equal(item.errorSubcode, 1545041);
		assert.equal(item.httpStatus, 400);
		assert.equal(item.retryable, false);
		assert.equal(typeof item.fbtraceId, 'string');
	});

	it('reports a wrong app secret as Meta does, without leaking either secret', async () => {
		const result = await run({
			params: { userId: USER_A, messageText: 'hi' },
			credentials: credentialsFor(meta.url, { appSecret: 'a-different-app-secret-000' }),
		});
		assert.equal(result.error?.message, 'API Error: Invalid appsecret_proof provided in the API argument');
		assert.match(result.error?.description ?? '', /App Secret/);
		assert.equal(meta.requests.length, 1);
		assert.equal(meta.requests[0].proofValid, false);
		assertNoSecrets(errorText(result.error));
	});

	it('reports an HTML or empty error page with its HTTP status, not the page', async () => {
		meta.script(USER_A, [{ kind: 'rawError', status: 502, body: '<html><body>Bad Gateway secret-page-marker</body></html>' }]);
		meta.script(USER_B, [{ kind: 'rawError', status: 404, body: '' }]);
		const items = jsonOf(
			await run({ items: [{}, {}], params: { userId: (i: number) => [USER_A, USER_B][i], messageText: 'hi' }, continueOnFail: true }),
		);
		assert.match(String(items[0].error), /HTTP 502/);
		assert.match(String(items[0].error), /delivery unknown/i);
		assert.equal(items[0].deliveryUnknown, true);
		assert.ok(!JSON.stringify(items[0]).includes('secret-page-marker'));
		assert.match(String(items[1].error), /HTTP 404 with an empty body/);
		// Delivery unknown is never resent by default.
		assert.equal(meta.requests.filter((r) => r.recipientId === USER_A).length, 1);
	});

	for (const [label, userId, pattern] of [
		['letters', 'abc', /User ID must be the recipient's Instagram-scoped ID/],
		['empty', '', /User ID is empty/],
		['a sign', '+17841400000000001', /digits 0-9 only/],
		['an unsafe number', 17841400000000001, /too large for JavaScript/],
	] as const) {
		it(`refuses a User ID with ${label} and sends nothing`, async () => {
			const result = await run({ params: { userId, messageText: 'hi' } });
			assert.match(result.error?.message ?? '', pattern);
			assert.equal(meta.requests.length, 0);
		});
	}

	it('refuses text over 1000 UTF-8 bytes, giving the limit and the size, and sends nothing', async () => {
		const result = await run({ params: { userId: USER_A, messageText: 'é'.repeat(501) } });
		assert.match(result.error?.message ?? '', /1002 bytes/);
		assert.match(result.error?.message ?? '', /at most 1000 bytes/);
		assert.equal(meta.requests.length, 0);
	});

	it('sends text of exactly 1000 bytes in four-byte characters', async () => {
		const text = '😀'.repeat(250);
		const [item] = jsonOf(await run({ params: { userId: USER_A, messageText: text } }));
		assert.equal(item.messageText, text);
		assert.deepEqual((meta.requests[0].body as { message: { text: string } }).message.text, text);
	});

	it('refuses text holding a lone surrogate instead of altering it', async () => {
		const broken = 'Hi 😀'.slice(0, 4);
		const result = await run({ params: { userId: USER_A, messageText: broken } });
		assert.match(result.error?.message ?? '', /unpaired UTF-16 surrogate/);
		assert.equal(meta.requests.length, 0);
	});

	it('without Continue On Fail, one invalid item stops the node before anything is sent', async () => {
		const result = await run({
			items: [{}, {}, {}],
			params: { userId: (i: number) => [USER_A, 'not-an-id', USER_B][i], messageText: 'hi' },
		});
		assert.match(result.error?.message ?? '', /User ID/);
		assert.equal(meta.requests.length, 0);
	});

	it('with Continue On Fail, mixed items each get one paired output and only valid ones are sent', async () => {
		meta.script(USER_B, [{ kind: 'graphError', status: 400, code: 10, subcode: 2534022, message: 'This message is sent outside of allowed window.' }]);
		const userIds = [USER_A, 'bad id', USER_B, USER_C, USER_A];
		const texts = ['one', 'two', 'three', 'x'.repeat(1001), 'five'];
		const result = await run({
			items: userIds.map(() => ({})),
			params: { userId: (i: number) => userIds[i], messageText: (i: number) => texts[i] },
			continueOnFail: true,
		});
		const items = jsonOf(result);
		assert.deepEqual(result.output![0].map((o) => (o.pairedItem as { item: number }).item), [0, 1, 2, 3, 4]);
		assert.deepEqual(items.map((i) => i.success), [true, false, false, false, true]);
		assert.equal(items[0].messageText, 'one');
		assert.equal(items[4].messageText, 'five');
		assert.match(String(items[1].error), /User ID/);
		assert.equal(items[2].error, 'API Error: This message is sent outside of allowed window.');
		assert.match(String(items[2].hint), /24 hours/);
		assert.match(String(items[3].error), /Message Text is 1001 bytes/);
		const sent = meta.requests.map((r) => r.recipientId);
		assert.deepEqual([...sent].sort(), [USER_A, USER_A, USER_B].sort());
		assert.equal(items[0].messageId, meta.requests.find((r) => r.text === 'one')?.messageId);
		assert.equal(items[4].messageId, meta.requests.find((r) => r.text === 'five')?.messageId);
	});

	it('keeps output order and pairing when answers arrive out of order', async () => {
		const count = 12;
		const ids = Array.from({ length: count }, (_, i) => `1784140000000${String(1000 + i)}`);
		ids.forEach((id, i) => meta.script(id, [{ kind: 'slow', delayMs: (count - i) * 15 }]));
		const result = await run({
			items: ids.map(() => ({})),
			params: { userId: (i: number) => ids[i], messageText: (i: number) => `message ${i}`, options: { concurrency: count } },
		});
		const items = jsonOf(result);
		assert.deepEqual(items.map((i) => i.userId), ids);
		assert.deepEqual(items.map((i) => i.messageText), ids.map((_, i) => `message ${i}`));
		for (const item of items) {
			assert.equal(item.messageId, meta.requests.find((r) => r.recipientId === item.userId)?.messageId);
		}
		assert.equal(meta.requests.length, count);
	});

	it('a parameter whose expression fails becomes that item’s error only', async () => {
		const result = await run({
			items: [{}, {}],
			params: {
				userId: (i: number) => {
					if (i === 1) throw new Error("Cannot read properties of undefined (reading 'id')");
					return USER_A;
				},
				messageText: 'hi',
			},
			continueOnFail: true,
		});
		const items = jsonOf(result);
		assert.equal(items[0].success, true);
		// n8n's own message, as the expression engine gave it (not the error's name and message).
		assert.equal(items[1].error, 'Could not read the parameter "User ID": Referenced node doesn\'t exist');
		assert.equal(meta.requests.length, 1);
	});

	it('retries a throttled message and sends it once it is accepted', async () => {
		meta.script(USER_A, [
			{ kind: 'graphError', status: 400, code: 4, message: '(#4) Application request limit reached', isTransient: true },
			{ kind: 'accept' },
		]);
		const [item] = jsonOf(await run({ params: { userId: USER_A, messageText: 'hi' } }));
		assert.equal(item.success, true);
		assert.equal(meta.requests.length, 2);
		assert.equal(item.messageId, meta.requests[1].messageId);
	});

	it('refuses an item whose Skip If Sent Before key cannot be read, and sends nothing for it', async () => {
		const items = jsonOf(
			await run({ params: { userId: USER_A, messageText: 'hi', options: { sentKey: "={{ $('No such node').item.json.id }}" } }, continueOnFail: true }),
		);
		assert.equal(items.length, 1);
		assert.equal(items[0].success, false);
		assert.equal(items[0].error, 'Could not read the parameter "Skip If Sent Before": Referenced node doesn\'t exist');
		assert.equal(meta.requests.length, 0);
	});

	it('refuses an option outside its range, naming the range, and sends nothing', async () => {
		const cases: Array<[Record<string, unknown>, RegExp]> = [
			[{ concurrency: 'many' }, /Concurrent Requests must be a whole number from 1 to 200; it is "many"/],
			[{ concurrency: 500 }, /Concurrent Requests must be a whole number from 1 to 200; it is 500/],
			[{ messagesPerSecond: -5 }, /Messages Per Second must be from 0 to 1000; it is -5/],
			[{ maxRetries: 2.7 }, /Max Retries must be a whole number from 0 to 10; it is 2\.7/],
			[{ timeout: 10 }, /Timeout must be from 100 to 300000; it is 10/],
			[{ workers: 0 }, /Workers Sharing Limit must be a whole number from 1 to 64; it is 0/],
		];
		for (const [options, message] of cases) {
			const result = await run({ params: { userId: USER_A, messageText: 'hi', options }, continueOnFail: true });
			assert.match(String(result.error?.message), message);
			// The whole run stops, even with Continue On Fail, and says what to do.
			assert.equal(result.output, undefined);
			assert.equal(result.error?.description, 'Nothing was sent. Change the option, or the expression that sets it.');
		}
		assert.equal(meta.requests.length, 0);
		// Unset (null) options keep their defaults, and fractions of a message per second are fine.
		const [item] = jsonOf(await run({ params: { userId: USER_A, messageText: 'hi', options: { timeout: null, messagesPerSecond: 0.5 } } }));
		assert.equal(item.success, true);
	});

	it('refuses a Messages Per Second that is text or empty, though neither is below 0', async () => {
		// Number('fast') is NaN and Number('') is 0: both pass a plain range check, and
		// Messages Per Second takes fractions, so only the check for a number catches them.
		const cases: Array<[unknown, string]> = [
			['fast', 'Messages Per Second must be from 0 to 1000; it is "fast"'],
			['', 'Messages Per Second must be from 0 to 1000; it is ""'],
			['={{ Infinity }}', 'Messages Per Second must be from 0 to 1000; it is null'],
		];
		for (const [messagesPerSecond, message] of cases) {
			const result = await run({ params: { userId: USER_A, messageText: 'hi', options: { messagesPerSecond } }, continueOnFail: true });
			assert.equal(result.error?.message, message);
		}
		assert.equal(meta.requests.length, 0);
	});

	it('accepts each option at the top of its range', async () => {
		const options = { concurrency: 200, messagesPerSecond: 1000, maxRetries: 10, timeout: 300000, workers: 64 };
		const [item] = jsonOf(await run({ params: { userId: USER_A, messageText: 'hi', options } }));
		assert.equal(item.success, true);
		assert.equal(meta.requests.length, 1);
	});

	it('gives up on throttling after Max Retries with a clear error', async () => {
		meta.script(USER_A, [{ kind: 'graphError', status: 400, code: 613, message: 'Calls to this api have exceeded the rate limit.' }]);
		const [item] = jsonOf(
			await run({ params: { userId: USER_A, messageText: 'hi', options: { maxRetries: 1 } }, continueOnFail: true }),
		);
		assert.equal(item.error, 'API Error: Calls to this api have exceeded the rate limit.');
		assert.equal(item.retryable, true);
		assert.match(String(item.hint), /Rate limit/);
		assert.equal(meta.requests.length, 2);
	});

	it('never leaks the token, the app secret or the full proof, even when Meta echoes them', async () => {
		meta.script(USER_A, [
			{ kind: 'graphError', status: 400, code: 100, message: `Invalid parameter access_token=${ACCESS_TOKEN} secret ${APP_SECRET} proof ${expectedProof()}` },
		]);
		const cof = await run({ params: { userId: USER_A, messageText: 'hi' }, continueOnFail: true });
		assertNoSecrets(jsonOf(cof));
		assert.match(String(jsonOf(cof)[0].error), /\[redacted\]/);
		meta.reset();
		meta.script(USER_A, [
			{ kind: 'graphError', status: 400, code: 100, message: `Invalid parameter ${ACCESS_TOKEN} ${APP_SECRET}` },
		]);
		const thrown = await run({ params: { userId: USER_A, messageText: 'hi' } });
		assertNoSecrets(errorText(thrown.error));
	});
});
