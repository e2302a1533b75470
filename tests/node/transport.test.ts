// The wrapper's n8n glue around the core, in n8n's execution context against the Meta
// imitation: Skip If Sent Before in n8n's own processed-data store, requests shared
// between items (one Page read, one upload of identical bytes), the multipart body, the
// mapping of the core's refusals to n8n's errors (what n8n's error panel shows), and how a
// request that got no response, or a response, is read for the core.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';

import type { MetaImitation } from '../../sandbox/metaImitation';
import { startMetaImitation } from '../../sandbox/metaImitation';
import { ACCESS_TOKEN, APP_SECRET, META_UUID, USER_A, USER_B, USER_C, credentialsFor } from '../support/fixtures';
import type { RunOptions, RunResult } from '../support/nodeHarness';
import { runNode } from '../support/nodeHarness';
import type { ProcessedDataRow } from '../support/processedData';
import { clearProcessedData, storedEntry, useProcessedData } from '../support/processedData';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bodyText, relevantHeaders, transportFailure } = require(path.resolve('dist/js-wrapper/nodes/Instagram/transport/perform.js'));

const PAGE_ID = '104000000000777';
const IG_ID = '17841499000000000';
/** What the harness names the workflow and the node: n8n keys the node's record by both. */
const WORKFLOW_ID = 'wf-under-test';
const NODE_CONTEXT = 'n:node-under-test';

let meta: MetaImitation;
let store: readonly ProcessedDataRow[];

function run(params: RunOptions['params'], extra: Partial<RunOptions> = {}): Promise<RunResult> {
	return runNode({
		items: extra.items ?? [{}],
		params: { options: {}, ...params },
		credentials: credentialsFor(meta.url),
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
const calls = () => meta.requests.map((r) => r.call);

describe("the wrapper's n8n glue against the Meta imitation", () => {
	before(async () => {
		meta = await startMetaImitation({ apps: [{ accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, pageId: PAGE_ID, igId: IG_ID }] });
		store = await useProcessedData();
	});
	after(async () => meta.close());
	beforeEach(() => {
		meta.reset();
		clearProcessedData();
		process.env.N8N_META_UUID = META_UUID;
	});

	describe("Skip If Sent Before, in n8n's processed-data store", () => {
		const campaign = [USER_A, USER_B, USER_C];
		const send = (concurrency = 5) =>
			run(
				{ operation: 'sendMessage', userId: (i: number) => campaign[i], messageText: 'Our sale starts today', options: { sentKey: '={{ $json.key }}', concurrency } },
				{ items: campaign.map((person) => ({ key: `sale-2026:${person}` })), continueOnFail: true },
			).then(jsonOf);
		const recorded = () => {
			assert.equal(store.length, 1, 'one record');
			const [row] = store;
			assert.deepEqual([row.workflowId, row.context, row.value.mode], [WORKFLOW_ID, NODE_CONTEXT, 'entries'], "the node's own record, as n8n's entries");
			return [...(row.value.data as string[])].sort();
		};
		const entries = (people: string[]) => people.map((person) => storedEntry(`sale-2026:${person}`)).sort();

		it('records each key sent, forgets the key of a refused message, and sends only that one again', async () => {
			meta.script(USER_B, [{ kind: 'graphError', status: 400, code: 100, subcode: 2018001, message: 'No matching user found' }, { kind: 'accept' }]);
			const first = await send();
			assert.deepEqual(first.map((item) => [item.userId, item.success]), [[USER_A, true], [USER_B, false], [USER_C, true]]);
			assert.deepEqual(recorded(), entries([USER_A, USER_C]), 'the refused message left no key');

			meta.reset();
			const second = await send();
			assert.deepEqual(second.map((item) => [item.userId, item.success, item.skipped ?? false]), [[USER_A, true, true], [USER_B, true, false], [USER_C, true, true]]);
			assert.deepEqual(meta.requests.map((r) => r.recipientId), [USER_B], 'only the one not reached before');
			assert.deepEqual(recorded(), entries(campaign));

			meta.reset();
			assert.ok((await send()).every((item) => item.skipped === true));
			assert.equal(meta.requests.length, 0, 'everyone had it');
		});

		it('keeps the key of a message whose delivery is unknown, so it is never sent twice', async () => {
			meta.script(USER_C, [{ kind: 'acceptThenDrop' }, { kind: 'accept' }]);
			const first = await send();
			assert.equal(first[2].deliveryUnknown, true);
			assert.deepEqual(recorded(), entries(campaign));
			meta.reset();
			assert.ok((await send()).every((item) => item.skipped === true));
			assert.equal(meta.requests.length, 0);
		});

		it('claims no key for an item the run was cancelled before sending, so the re-run sends it', async () => {
			const abort = new AbortController();
			const people = [USER_A, USER_B];
			const params = { operation: 'sendMessage', userId: (i: number) => people[i], messageText: 'hi', options: { sentKey: '={{ $json.key }}', concurrency: 1, messagesPerSecond: 0.5 } };
			const items = people.map((person) => ({ key: `k:${person}` }));
			const running = runNode({ items, params, credentials: credentialsFor(meta.url), continueOnFail: true, signal: abort.signal });
			// Cancelled once the first answer is in, while the second item waits for its slot.
			while (!meta.requests[0]?.status) await new Promise((resolve) => setImmediate(resolve));
			await new Promise((resolve) => setTimeout(resolve, 300));
			abort.abort();
			const first = jsonOf(await running);
			assert.deepEqual(first.map((item) => item.success), [true, false]);
			assert.equal(first[1].error, 'Not sent: the execution stopped before this message was sent');
			assert.deepEqual(recorded(), [storedEntry(`k:${USER_A}`)]);
			meta.reset();
			const again = jsonOf(await run({ ...params, options: { sentKey: '={{ $json.key }}' } }, { items }));
			assert.deepEqual(again.map((item) => [item.skipped ?? false, item.success]), [[true, true], [false, true]]);
			assert.deepEqual(meta.requests.map((r) => r.recipientId), [USER_B]);
		});

		it('a run cancelled while a message waits to be resent neither resends it nor keeps its key, so the re-run sends it', async () => {
			// Meta refuses the first try with a temporary error and asks for a second's wait. The
			// run is cancelled during that wait: the resend must not go (a request n8n refuses as
			// cancelled would leave the delivery unknown, and its key kept, for good), and the
			// key must be let go, since nothing was delivered.
			meta.script(USER_A, [{ kind: 'graphError', status: 503, code: 2, message: 'Service temporarily unavailable', isTransient: true, headers: { 'Retry-After': '1' } }]);
			const abort = new AbortController();
			const params = { operation: 'sendMessage', userId: USER_A, messageText: 'hi', options: { sentKey: '={{ $json.key }}' } };
			const items = [{ key: `k:${USER_A}` }];
			const running = runNode({ items, params, credentials: credentialsFor(meta.url), continueOnFail: true, signal: abort.signal });
			// Cancelled once the refusal is in (the imitation has answered; the node has read it by
			// then), while the retry waits.
			while (!meta.requests[0]?.status) await new Promise((resolve) => setImmediate(resolve));
			await new Promise((resolve) => setTimeout(resolve, 300));
			abort.abort();
			const [first] = jsonOf(await running);
			assert.equal(first.success, false);
			assert.equal(first.error, 'Not sent: the execution stopped before this message was sent');
			// Let the retry's wait run out: a resend that was only delayed would arrive now.
			await new Promise((resolve) => setTimeout(resolve, 1500));
			assert.equal(meta.requests.length, 1, 'the resend never went');
			assert.ok(store.every((row) => (row.value.data as string[]).length === 0), 'no key kept');
			meta.reset();
			const [again] = jsonOf(await run(params, { items }));
			assert.deepEqual([again.skipped ?? false, again.success], [false, true]);
			assert.deepEqual(meta.requests.map((r) => r.recipientId), [USER_A]);
		});

		it('takes a key with spaces around it as the same key', async () => {
			const params = { operation: 'sendMessage', userId: USER_A, messageText: 'hi', options: { sentKey: '={{ $json.key }}' } };
			jsonOf(await run(params, { items: [{ key: `spring:${USER_A}` }] }));
			assert.deepEqual(recorded(), [storedEntry(`spring:${USER_A}`)]);
			meta.reset();
			const [again] = jsonOf(await run(params, { items: [{ key: ` spring:${USER_A}\n` }] }));
			assert.equal(again.skipped, true);
			assert.equal(meta.requests.length, 0);
		});

		it('sends every item whose key is empty, and records nothing for them', async () => {
			const result = await run(
				{ operation: 'sendMessage', userId: (i: number) => campaign[i], messageText: 'hi', options: { sentKey: '={{ $json.key }}', concurrency: 1 } },
				{ items: [{ key: '' }, { key: '' }, { key: 'only-this' }] },
			).then(jsonOf);
			assert.deepEqual(result.map((item) => [item.success, item.skipped ?? false]), [[true, false], [true, false], [true, false]]);
			assert.equal(meta.requests.length, 3);
			assert.deepEqual(recorded(), [storedEntry('only-this')]);
		});

		it("never forgets a key an earlier run recorded when this run is cancelled before the item's turn", async () => {
			const first = await run({ operation: 'sendMessage', userId: USER_A, messageText: 'hi', options: { sentKey: '={{ $json.key }}' } }, { items: [{ key: `k:${USER_A}` }] }).then(jsonOf);
			assert.equal(first[0].success, true);
			meta.reset();
			// USER_B first, then USER_A (recorded already), one message every two seconds: the run
			// is cancelled while USER_A's item waits for its slot.
			const abort = new AbortController();
			const people = [USER_B, USER_A];
			const running = runNode({
				items: people.map((person) => ({ key: `k:${person}` })),
				params: { operation: 'sendMessage', userId: (i: number) => people[i], messageText: 'hi', options: { sentKey: '={{ $json.key }}', concurrency: 1, messagesPerSecond: 0.5 } },
				credentials: credentialsFor(meta.url),
				continueOnFail: true,
				signal: abort.signal,
			});
			while (!meta.requests[0]?.status) await new Promise((resolve) => setImmediate(resolve));
			await new Promise((resolve) => setTimeout(resolve, 300));
			abort.abort();
			jsonOf(await running);
			assert.deepEqual(recorded(), [storedEntry(`k:${USER_A}`), storedEntry(`k:${USER_B}`)].sort());
		});

		it('records the keys of items sent at once one at a time, so none is lost to another rewrite of the record', async () => {
			// n8n reads and rewrites the whole record for each call, without a lock.
			const many = Array.from({ length: 12 }, (_, i) => `1784140000000${String(i).padStart(4, '0')}`);
			const result = await run(
				{ operation: 'sendMessage', userId: (i: number) => many[i], messageText: 'hi', options: { sentKey: '={{ $json.key }}', concurrency: 12 } },
				{ items: many.map((person) => ({ key: `k:${person}` })) },
			).then(jsonOf);
			assert.ok(result.every((item) => item.success === true));
			assert.equal(store.length, 1);
			assert.deepEqual([...(store[0].value.data as string[])].sort(), many.map((person) => storedEntry(`k:${person}`)).sort());
		});
	});

	describe('Skip If Sent Before with requests shared between items', () => {
		it("checks an item's key just before its own message, so a skipped item fails no shared request", async () => {
			const bytes = randomBytes(1000);
			const sendTo = (people: string[]) =>
				run(
					{ operation: 'sendMedia', userId: (i: number) => people[i], mediaSource: 'binary', binaryPropertyName: 'data', options: { sentKey: '={{ $json.key }}', concurrency: 2 } },
					{ items: people.map((person) => ({ key: `flyer:${person}` })), binary: people.map(() => file(bytes, 'image/png', 'flyer.png')) },
				).then(jsonOf);
			assert.equal((await sendTo([USER_A]))[0].success, true);
			meta.reset();
			// USER_A's item is skipped; USER_B's shares the Page read and the upload with it.
			const items = await sendTo([USER_A, USER_B]);
			assert.deepEqual(items.map((item) => [item.userId, item.success, item.skipped ?? false]), [[USER_A, true, true], [USER_B, true, false]]);
			assert.deepEqual(calls(), ['me', 'upload', 'media']);
			assert.equal(meta.requests[2].recipientId, USER_B);
		});
	});

	describe('requests shared between items', () => {
		const sendFile = (files: Array<ReturnType<typeof file>>, concurrency: number, continueOnFail = false) =>
			run(
				{ operation: 'sendMedia', userId: (i: number) => [USER_A, USER_B, USER_C][i], mediaSource: 'binary', binaryPropertyName: 'data', options: { concurrency } },
				{ items: files.map(() => ({})), binary: files, continueOnFail },
			);

		it('reads the Page and uploads identical bytes once for items sent one after another', async () => {
			const bytes = randomBytes(2000);
			const items = jsonOf(await sendFile([0, 1, 2].map(() => file(bytes, 'image/png', 'a.png')), 1));
			assert.deepEqual(calls(), ['me', 'upload', 'media', 'media', 'media']);
			const attachmentId = meta.requests[1].attachmentId;
			assert.ok(items.every((item) => item.success === true && item.attachmentId === attachmentId));
		});

		it('uploads different bytes under the same file name separately, each message with its own attachment', async () => {
			const [first, second] = [randomBytes(1000), randomBytes(1000)];
			const items = jsonOf(await sendFile([file(first, 'image/png', 'photo.png'), file(second, 'image/png', 'photo.png')], 1));
			const uploads = meta.requests.filter((r) => r.call === 'upload');
			assert.deepEqual(uploads.map((r) => r.upload?.sha256), [sha256(first), sha256(second)]);
			assert.deepEqual(items.map((item) => item.attachmentId), uploads.map((r) => r.attachmentId));
		});

		it('uploads the same bytes again when they are sent as another kind of media', async () => {
			const bytes = randomBytes(1000);
			jsonOf(await sendFile([file(bytes, 'image/png', 'scan.png'), file(bytes, 'application/pdf', 'scan.pdf')], 1));
			assert.deepEqual(meta.requests.filter((r) => r.call === 'upload').map((r) => r.upload?.type), ['image', 'file']);
		});

		it('does not share a refused upload: the next item uploads again and is sent', async () => {
			meta.script(PAGE_ID, [{ kind: 'graphError', status: 400, code: 100, message: '(#100) Upload attachment failure.' }, { kind: 'accept' }]);
			const bytes = randomBytes(1000);
			const items = jsonOf(await sendFile([file(bytes, 'image/png', 'a.png'), file(bytes, 'image/png', 'a.png')], 1, true));
			assert.deepEqual(items.map((item) => item.success), [false, true]);
			assert.deepEqual(calls(), ['me', 'upload', 'upload', 'media']);
		});

		it('does not share an upload that got no answer at all', async () => {
			meta.script(PAGE_ID, [{ kind: 'drop' }, { kind: 'accept' }]);
			const bytes = randomBytes(1000);
			const result = await sendFile([file(bytes, 'image/png', 'a.png'), file(bytes, 'image/png', 'a.png')], 1, true);
			const items = jsonOf(result);
			assert.equal(items[1].success, true);
			assert.equal(meta.requests.filter((r) => r.call === 'upload' && r.attachmentId !== undefined).length, 1);
		});
	});

	describe('the request n8n performs', () => {
		it('escapes quotes and backslashes in multipart names and file names, as RFC 7578 says', async () => {
			jsonOf(
				await run(
					{ operation: 'sendMedia', userId: USER_A, mediaSource: 'binary', binaryPropertyName: 'data' },
					{ binary: [file(randomBytes(100), 'image/png', 'summer "sale" \\ 50%.png')] },
				),
			);
			const upload = meta.requests.find((r) => r.call === 'upload');
			assert.equal(upload?.upload?.fileName, 'summer %22sale%22 %5C 50%.png');
		});

		it('refuses an item whose file n8n cannot read, naming the field as the editor does, and sends nothing', async () => {
			const missing = { data: { id: 'filesystem-v2:workflows/1/executions/1/binary_data/gone', data: 'filesystem-v2', mimeType: 'image/png', fileName: 'gone.png' } };
			const result = await run({ operation: 'sendMedia', userId: USER_A, mediaSource: 'binary', binaryPropertyName: 'data' }, { binary: [missing], continueOnFail: true });
			const [item] = jsonOf(result);
			assert.equal(item.success, false);
			assert.match(String(item.error), /^Could not read the parameter "Input Binary Field": No binary data manager found/);
			assert.equal(meta.requests.length, 0);
		});
		it('reports a file that is gone by the time it is uploaded for its item, and sends no message', async () => {
			// n8n knew the file (its size is stored with it), but its bytes can no longer be read.
			const gone = { data: { id: 'filesystem-v2:workflows/1/executions/1/binary_data/gone', data: 'filesystem-v2', bytes: 2048, mimeType: 'image/png', fileName: 'gone.png' } };
			const [item] = jsonOf(await run({ operation: 'sendMedia', userId: USER_A, mediaSource: 'binary', binaryPropertyName: 'data' }, { binary: [gone], continueOnFail: true }));
			assert.equal(item.success, false);
			assert.equal(item.error, 'Could not read the file to upload: No binary data manager found for: filesystem-v2; the message was not sent');
			assert.match(String(item.hint), /^n8n no longer holds this item's file/);
			assert.equal(item.retryable, false);
			assert.deepEqual(calls(), ['me'], 'no upload, no message');
		});
	});

	describe("the core's refusals as n8n errors (without Continue On Fail)", () => {
		it("raises Meta's refusal as an API error with Meta's code, the hint and the item", async () => {
			meta.script(USER_B, [{ kind: 'graphError', status: 400, code: 100, subcode: 2018001, message: 'No matching user found' }]);
			const { error } = await run({ operation: 'sendMessage', userId: (i: number) => [USER_A, USER_B][i], messageText: 'hi', options: { concurrency: 1 } }, { items: [{}, {}] });
			assert.ok(error);
			assert.equal(error.constructor.name, 'NodeApiError');
			assert.equal(error.httpCode, '100/2018001');
			assert.equal((error as { level?: string }).level, 'warning');
			assert.match(error.message, /No matching user found/);
			assert.match(String(error.description), /\S/);
			assert.equal(error.context?.itemIndex, 1);
			// What n8n keeps as the error's response: the error item, with the message shown.
			const response = (error as { errorResponse?: Record<string, unknown> }).errorResponse;
			assert.equal(response?.errorCode, 100);
			assert.equal(response?.errorSubcode, 2018001);
			assert.equal(response?.userId, USER_B);
			assert.equal(response?.message, error.message);
		});

		it('shows the HTTP status as the code when Meta answered without a code of its own', async () => {
			meta.script(USER_A, [{ kind: 'rawError', status: 404, body: '<html>Not Found</html>' }]);
			const { error } = await run({ operation: 'sendMessage', userId: USER_A, messageText: 'hi' });
			assert.ok(error);
			assert.equal(error.httpCode, '404');
			// Meta's code alone when it gives no subcode.
			meta.script(USER_B, [{ kind: 'graphError', status: 403, code: 10, message: '(#10) Application does not have permission for this action' }]);
			assert.equal((await run({ operation: 'sendMessage', userId: USER_B, messageText: 'hi' })).error?.httpCode, '10');
		});

		it('raises the first invalid item, by its place in the input', async () => {
			const { error } = await run({ operation: 'sendMessage', userId: (i: number) => [USER_A, 'first-bad', 'second-bad'][i], messageText: 'hi' }, { items: [{}, {}, {}] });
			assert.ok(error);
			assert.equal(error.context?.itemIndex, 1);
			assert.equal(meta.requests.length, 0);
		});

		it('raises an invalid item as a warning, and a request that got no response as an error, each with its item and hint', async () => {
			const invalid = (await run({ operation: 'sendMessage', userId: (i: number) => [USER_A, 'not-an-id'][i], messageText: 'hi' }, { items: [{}, {}] })).error;
			assert.ok(invalid);
			assert.equal(invalid.constructor.name, 'NodeOperationError');
			assert.equal((invalid as { level?: string }).level, 'warning');
			assert.equal(invalid.context?.itemIndex, 1);
			assert.match(String(invalid.description), /\S/);
			assert.equal(meta.requests.length, 0);

			delete process.env.N8N_META_UUID;
			const setup = (await run({ operation: 'sendMessage', userId: USER_A, messageText: 'hi' })).error;
			assert.ok(setup);
			assert.equal((setup as { level?: string }).level, 'warning');
			assert.match(setup.message, /N8N_META_UUID/);
			process.env.N8N_META_UUID = META_UUID;

			meta.script(USER_A, [{ kind: 'drop' }]);
			const dropped = (await run({ operation: 'sendMessage', userId: USER_A, messageText: 'hi' })).error;
			assert.ok(dropped);
			assert.equal(dropped.constructor.name, 'NodeOperationError');
			assert.equal((dropped as { level?: string }).level, 'error');
			assert.equal(dropped.context?.itemIndex, 0);
			assert.match(String(dropped.description), /\S/);
		});
	});

	describe('reading what came back', () => {
		it("reads the body n8n's helper returned as text, whatever its form", () => {
			assert.equal(bodyText('{"ok":true}'), '{"ok":true}');
			assert.equal(bodyText(undefined), '');
			assert.equal(bodyText(null), '');
			assert.equal(bodyText(Buffer.from('{"name":"Zoë"}', 'utf8')), '{"name":"Zoë"}');
			assert.equal(bodyText({ message_id: 'm1' }), '{"message_id":"m1"}');
		});

		it("passes on only the headers the core reads, and none when they are absent", () => {
			assert.equal(relevantHeaders(undefined), undefined);
			assert.equal(relevantHeaders({ 'content-type': 'application/json' }), undefined);
			assert.equal(relevantHeaders({ 'retry-after': null, 'x-app-usage': undefined }), undefined);
			assert.deepEqual(
				relevantHeaders({ 'retry-after': '7', 'x-app-usage': '{"call_count":80}', 'x-business-use-case-usage': '{}', 'x-fb-trace-id': 'abc', etag: 'x' }),
				{ 'retry-after': '7', 'x-app-usage': '{"call_count":80}', 'x-business-use-case-usage': '{}' },
			);
		});

		it("finds the error code of a request that got no response on n8n's error or its causes, and the innermost text", () => {
			const cases: Array<[unknown, { code: string; message: string }]> = [
				[{ code: 'ECONNRESET', message: 'socket hang up' }, { code: 'ECONNRESET', message: 'socket hang up' }],
				// n8n wraps the HTTP client's error: the code sits on the cause.
				[{ message: 'The connection was aborted', cause: { code: 'ECONNABORTED', message: 'timeout of 10000ms exceeded' } }, { code: 'ECONNABORTED', message: 'timeout of 10000ms exceeded' }],
				// The outermost code wins; a cause without text leaves the outer text.
				[{ code: 'EAI_AGAIN', message: 'getaddrinfo EAI_AGAIN', cause: { code: 'ECONNREFUSED' } }, { code: 'EAI_AGAIN', message: 'getaddrinfo EAI_AGAIN' }],
				// Only codes like Node's: capitals and underscores, the whole code.
				[{ code: 'econnreset', message: 'a', cause: { code: 404, message: 'b', cause: { code: 'ERR-1', message: 'c' } } }, { code: 'UNKNOWN', message: 'c' }],
				[{ code: 'xECONNRESET', message: 'a' }, { code: 'UNKNOWN', message: 'a' }],
				[{ code: 'ECONNRESETx', message: 'a' }, { code: 'UNKNOWN', message: 'a' }],
				// Empty or non-text messages are passed over.
				[{ message: 'outer', cause: { code: 'EPIPE', message: '' } }, { code: 'EPIPE', message: 'outer' }],
				[{ message: 'outer', cause: { message: { text: 'not text' } } }, { code: 'UNKNOWN', message: 'outer' }],
				// Nothing to read at all.
				[{}, { code: 'UNKNOWN', message: 'the request failed without a response' }],
				[null, { code: 'UNKNOWN', message: 'the request failed without a response' }],
				['ECONNRESET', { code: 'UNKNOWN', message: 'the request failed without a response' }],
			];
			for (const [error, expected] of cases) assert.deepEqual(transportFailure(error), expected, JSON.stringify(error));
		});

		it('stops at five levels of causes, and at a cause that repeats', () => {
			let deep: Record<string, unknown> = { code: 'ETIMEDOUT', message: 'level 6' };
			for (let level = 5; level >= 1; level--) deep = { message: `level ${level}`, cause: deep };
			assert.deepEqual(transportFailure(deep), { code: 'UNKNOWN', message: 'level 5' });
			const looped: Record<string, unknown> = { code: 'ECONNRESET', message: 'looped' };
			looped.cause = { message: 'inner', cause: looped };
			assert.deepEqual(transportFailure(looped), { code: 'ECONNRESET', message: 'inner' });
		});
	});
});
