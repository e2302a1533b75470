// The Instagram Trigger's n8n glue, run as n8n's webhook server runs it (a real express
// app on loopback, n8n-core's WebhookContext and HookContext): Meta's handshake, deliveries
// signed here with node:crypto (not by the core) and forged ones, what Meta gets back,
// which deliveries start the workflow and with which items, the deduplication window kept
// in the workflow's static data, and auto-subscription against the Meta imitation.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { after, afterEach, before, describe, it } from 'node:test';

import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import type { MetaImitation } from '../../sandbox/metaImitation';
import { startMetaImitation } from '../../sandbox/metaImitation';
import { ACCESS_TOKEN, APP_SECRET, credentialsFor, messageDelivery } from '../support/fixtures';
import type { TriggerServer } from '../support/triggerHarness';
import { startTrigger } from '../support/triggerHarness';

const VERIFY_TOKEN = `verify-${randomBytes(8).toString('hex')}`;
const WEBHOOK_SECRET = `webhook-secret-${randomBytes(8).toString('hex')}`;
const APP_ID = '1234567890123';
const ACCOUNT = '17841400000000999';
const person = (i: number) => `1784150${String(i).padStart(10, '0')}`;

const sign = (body: string, secret = APP_SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

const delivery = (events: Parameters<typeof messageDelivery>[1]) => messageDelivery(ACCOUNT, events);

function commentDelivery(commentId: string): string {
	return JSON.stringify({
		object: 'instagram',
		entry: [{ id: ACCOUNT, time: Date.now(), changes: [{ field: 'comments', value: { id: commentId, text: 'nice', from: { id: person(90), username: 'fan' }, media: { id: '1799' } } }] }],
	});
}

let meta: MetaImitation;
let trigger: TriggerServer | undefined;

async function start(params: IDataObject = {}, credentials: ICredentialDataDecryptedObject | null = { ...credentialsFor(meta.url), webhookSecret: WEBHOOK_SECRET, appId: APP_ID }) {
	trigger = await startTrigger({ params: { events: ['message'], verifyToken: VERIFY_TOKEN, options: {}, ...params }, credentials });
	return trigger;
}

async function post(body: string, headers: Record<string, string> = { 'x-hub-signature-256': sign(body) }) {
	const response = await fetch(trigger!.url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
	return { status: response.status, text: await response.text(), type: response.headers.get('content-type') };
}

describe('the Instagram Trigger in n8n-core, behind a real HTTP server', () => {
	before(async () => {
		meta = await startMetaImitation({ apps: [{ accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, appId: APP_ID }] });
	});
	after(async () => meta.close());
	afterEach(async () => {
		const finished = trigger;
		trigger = undefined;
		await finished?.close();
		meta.reset();
		assert.equal(finished?.leftToN8n ?? 0, 0, 'the trigger answered every request itself');
		assert.equal(finished?.unanswered ?? 0, 0, 'the trigger left no request unanswered');
	});

	it("answers Meta's handshake with the challenge, as plain text, for the right Verify Token only", async () => {
		const { url, runs } = await start();
		const handshake = async (token: string, extra = '') => {
			const response = await fetch(`${url}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=1158201444${extra}`);
			return { status: response.status, text: await response.text(), type: response.headers.get('content-type') };
		};
		const good = await handshake(VERIFY_TOKEN);
		assert.deepEqual([good.status, good.text], [200, '1158201444']);
		assert.match(String(good.type), /^text\/plain/);
		assert.equal((await handshake(`${VERIFY_TOKEN}x`)).status, 403);
		// A parameter given twice arrives as a list: it matches nothing.
		assert.equal((await handshake(VERIFY_TOKEN, `&hub.verify_token=${VERIFY_TOKEN}`)).status, 403);
		// A repeated parameter that is not Meta's spoils nothing.
		assert.deepEqual(await handshake(VERIFY_TOKEN, '&utm=a&utm=b'), good);
		assert.deepEqual(runs, [], 'a handshake starts nothing');
		// No signature is checked on a handshake, so no secret is said to have matched.
		assert.deepEqual(trigger!.logs.filter((line) => line.level === 'debug'), []);
	});

	it('starts the workflow with one item per event of a signed delivery, and answers Meta EVENT_RECEIVED', async () => {
		const { runs, logs } = await start();
		const body = delivery([
			{ sender: person(1), mid: 'mid.one', text: 'hello' },
			{ sender: person(2), mid: 'mid.two', text: 'there' },
		]);
		assert.deepEqual(await post(body), { status: 200, text: 'EVENT_RECEIVED', type: 'text/plain; charset=utf-8' });
		assert.equal(runs.length, 1);
		assert.deepEqual(
			runs[0].map((item) => [item.eventType, item.userId, item.messageId, item.text, item.raw]),
			[
				['message', person(1), 'mid.one', 'hello', undefined],
				['message', person(2), 'mid.two', 'there', undefined],
			],
		);
		assert.ok(logs.some((line) => line.level === 'debug' && line.message === "Instagram Trigger: the signature matched the credential's appSecret"));
		// A delivery that started the workflow has nothing to explain, and nothing to warn of.
		assert.deepEqual(logs.filter((line) => line.level !== 'debug'), []);
	});

	it("accepts the Webhook Secret's signature too, and says which secret matched", async () => {
		const { runs, logs } = await start();
		const body = delivery([{ sender: person(3), mid: 'mid.webhook-secret' }]);
		assert.equal((await post(body, { 'x-hub-signature-256': sign(body, WEBHOOK_SECRET) })).status, 200);
		assert.equal(runs.length, 1);
		assert.ok(logs.some((line) => line.message === "Instagram Trigger: the signature matched the credential's webhookSecret"));
	});

	it('refuses forged, missing, tampered and doubled signatures with 401 or 403, starts nothing, and logs no signature or body', async () => {
		const { runs, logs } = await start();
		const marker = `body-${randomBytes(6).toString('hex')}`;
		const body = delivery([{ sender: person(4), mid: 'mid.forged', text: `forged ${marker}` }]);
		const cases: Array<[Record<string, string>, string, number]> = [
			[{ 'x-hub-signature-256': sign(body, 'not-the-app-secret') }, body, 403],
			[{}, body, 401],
			[{ 'x-hub-signature-256': sign(body) }, body.replace('forged', 'forgeD'), 403],
			[{ 'x-hub-signature-256': sign(body).replace('sha256=', 'sha1=') }, body, 401],
			[{ 'x-hub-signature-256': sign(body).slice(0, -1) }, body, 401],
		];
		for (const [headers, sent, status] of cases) assert.equal((await post(sent, headers)).status, status, JSON.stringify(headers));
		// The header twice (a forged one beside the right one) is not a signature Meta sends.
		const doubled = await fetch(trigger!.url, {
			method: 'POST',
			body,
			headers: [
				['content-type', 'application/json'],
				['x-hub-signature-256', sign(body)],
				['x-hub-signature-256', sign(body, 'not-the-app-secret')],
			],
		});
		assert.equal(doubled.status, 401);
		assert.deepEqual(runs, []);
		assert.deepEqual(logs.filter((line) => line.level === 'debug'), [], 'no secret matched a refused signature');
		const logged = JSON.stringify(logs);
		assert.ok(logs.filter((line) => line.level === 'warn').length >= cases.length, logged);
		assert.ok(!logged.includes(marker) && !logged.includes(sign(body).slice(7)) && !logged.includes(APP_SECRET), logged);
	});

	it('refuses every delivery when the trigger has no credential, says it has no secret to check with, and starts nothing', async () => {
		const { runs, logs } = await start({}, null);
		const body = delivery([{ sender: person(5), mid: 'mid.no-credential' }]);
		assert.equal((await post(body)).status, 403);
		assert.deepEqual(runs, []);
		// Without a credential there is no secret at all (not a secret that failed to match).
		assert.deepEqual(
			logs.map((line) => [line.level, line.message]),
			[['warn', "Instagram Trigger refused a POST with 403: no secret is configured to check signatures with (the credential's App Secret)"]],
		);
	});

	it('starts the workflow once for a delivery Meta repeats, within the window kept in static data', async () => {
		const { runs } = await start();
		const body = delivery([{ sender: person(6), mid: 'mid.repeated' }]);
		assert.equal((await post(body)).status, 200);
		assert.equal((await post(body)).status, 200, 'Meta gets 200 again');
		const mixed = delivery([
			{ sender: person(6), mid: 'mid.repeated' },
			{ sender: person(7), mid: 'mid.new' },
		]);
		assert.equal((await post(mixed)).status, 200);
		assert.deepEqual(runs.map((items) => items.map((item) => item.messageId)), [['mid.repeated'], ['mid.new']]);
	});

	it('starts the workflow for every repeat when the window is 0 hours, and carries the raw event when asked', async () => {
		const { runs } = await start({ options: { deduplicationWindow: 0, includeRawEvent: true } });
		const body = delivery([{ sender: person(8), mid: 'mid.again' }]);
		await post(body);
		await post(body);
		assert.equal(runs.length, 2);
		assert.deepEqual((runs[0][0].raw as IDataObject).message, { mid: 'mid.again', text: 'hi' });
	});

	it('starts nothing for events not chosen (an echo, a comment when only messages are), but answers 200', async () => {
		const { runs } = await start();
		assert.equal((await post(delivery([{ sender: person(9), mid: 'mid.echo', echo: true }]))).status, 200);
		assert.equal((await post(commentDelivery('18000000000000001'))).status, 200);
		assert.deepEqual(runs, []);
		await trigger!.close();
		const comments = await start({ events: ['comment'] });
		assert.equal((await post(commentDelivery('18000000000000002'))).status, 200);
		assert.deepEqual(comments.runs.map((items) => items.map((item) => [item.eventType, item.commentId])), [[['comment', '18000000000000002']]]);
	});

	it("trims the credential's secrets as n8n stores them pasted, and logs why a delivery started nothing", async () => {
		const { runs, logs } = await start({}, { ...credentialsFor(meta.url), appSecret: `  ${APP_SECRET}\n`, webhookSecret: '' });
		const body = delivery([{ sender: person(11), mid: 'mid.trimmed' }]);
		assert.equal((await post(body)).status, 200);
		assert.equal(runs.length, 1);
		assert.equal((await post(delivery([{ sender: person(11), mid: 'mid.echoed', echo: true }]))).status, 200);
		assert.equal(runs.length, 1);
		assert.ok(logs.some((line) => line.level === 'info' && line.message.startsWith('Instagram Trigger started nothing: ')), JSON.stringify(logs));
		assert.equal((await post(body, {})).status, 401);
		assert.ok(logs.some((line) => line.level === 'warn' && line.message === 'Instagram Trigger refused a POST with 401: no X-Hub-Signature-256 header'), JSON.stringify(logs));
		await trigger!.close();

		// The Webhook Secret alone, pasted with blanks around it.
		const onlyWebhookSecret = await start({}, { ...credentialsFor(meta.url), appSecret: '', webhookSecret: `\t${WEBHOOK_SECRET}  ` });
		const signed = delivery([{ sender: person(12), mid: 'mid.trimmed-webhook-secret' }]);
		assert.equal((await post(signed, { 'x-hub-signature-256': sign(signed, WEBHOOK_SECRET) })).status, 200);
		assert.equal(onlyWebhookSecret.runs.length, 1);
	});

	it('answers 500 and logs why when it cannot read its own settings (a Verify Token expression n8n cannot evaluate), and starts nothing', async () => {
		// n8n evaluates the expression when the trigger asks for the parameter: a trigger has no
		// node before it to refer to, so n8n throws.
		const { url, runs, logs } = await start({ verifyToken: '={{ $("Vault").item.json.token }}' });
		const response = await fetch(`${url}?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1`);
		assert.deepEqual([response.status, await response.text()], [500, 'Error']);
		assert.match(String(response.headers.get('content-type')), /^text\/plain/);
		assert.deepEqual(runs, []);
		assert.deepEqual([trigger!.leftToN8n, trigger!.unanswered], [0, 0], 'the trigger answered the request itself');
		assert.equal(logs.length, 1, JSON.stringify(logs));
		assert.equal(logs[0].level, 'error');
		assert.match(logs[0].message, /^Instagram Trigger failed on a request: Referenced node doesn't exist$/);
	});

	it("keeps each workflow's deduplication window apart: one delivery to two workflows starts each once", async () => {
		// Two workflows whose triggers have the same node ID (a duplicated workflow keeps its node IDs).
		const first = await start();
		const second = await startTrigger({ params: { events: ['message'], verifyToken: VERIFY_TOKEN, options: {} }, credentials: { ...credentialsFor(meta.url), appId: APP_ID }, workflowId: 'wf-trigger-copy' });
		try {
			const body = delivery([{ sender: person(13), mid: 'mid.two-workflows' }]);
			for (const server of [first, second, first, second]) {
				const response = await fetch(server.url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body) } });
				assert.equal(response.status, 200);
			}
			assert.deepEqual(first.runs.map((items) => items.map((item) => item.messageId)), [['mid.two-workflows']]);
			assert.deepEqual(second.runs.map((items) => items.map((item) => item.messageId)), [['mid.two-workflows']]);
			assert.deepEqual([second.leftToN8n, second.unanswered], [0, 0], 'the second trigger answered every request itself');
		} finally {
			await second.close();
		}
	});

	it("catches a repeat that reaches another webhook process (or comes after a restart), through the window kept in the workflow's static data", async () => {
		const first = await start();
		const body = delivery([{ sender: person(14), mid: 'mid.other-process' }]);
		assert.equal((await post(body)).status, 200);
		assert.equal(first.runs.length, 1);
		// Static data outlives the process: its key and format are stored, written out here
		// so a change fails (12 hex digits of each key's digest, and when it is forgotten).
		const saved = first.staticData['node:Instagram Trigger'] as IDataObject;
		assert.deepEqual(Object.keys(saved), ['seenEvents']);
		assert.match(String(saved.seenEvents), /^[0-9a-f]{12}:[0-9a-z]+(;[0-9a-f]{12}:[0-9a-z]+)*$/);
		await first.close();
		// Another process has a window of its own (here: the trigger of another workflow ID)
		// and the static data n8n saved after the first delivery.
		trigger = await startTrigger({
			params: { events: ['message'], verifyToken: VERIFY_TOKEN, options: {} },
			credentials: { ...credentialsFor(meta.url), appId: APP_ID },
			workflowId: 'wf-trigger-other-process',
			staticData: first.staticData,
		});
		assert.equal((await post(body)).status, 200, 'Meta gets 200');
		assert.equal((await post(delivery([{ sender: person(14), mid: 'mid.other-process-new' }]))).status, 200);
		assert.deepEqual(trigger.runs.map((items) => items.map((item) => item.messageId)), [['mid.other-process-new']]);
	});

	describe('activation', () => {
		it('refuses to activate without a secret to check signatures, or without a Verify Token', async () => {
			const noSecret = await start({}, { ...credentialsFor(meta.url), appSecret: '', webhookSecret: '  ' });
			await assert.rejects(noSecret.activate(), /Instagram Trigger needs a secret to check Meta's signatures/);
			await noSecret.close();
			// A secret of blanks only is no secret.
			const blankSecret = await start({}, { ...credentialsFor(meta.url), appSecret: ' \n', webhookSecret: '' });
			await assert.rejects(blankSecret.activate(), /Instagram Trigger needs a secret to check Meta's signatures/);
			await blankSecret.close();
			const noToken = await start({ verifyToken: '' });
			await assert.rejects(noToken.activate(), /Instagram Trigger needs a Verify Token/);
			assert.equal(meta.requests.length, 0);
		});

		it('activates with the Webhook Secret alone', async () => {
			const { activate } = await start({}, { ...credentialsFor(meta.url), appSecret: '', webhookSecret: WEBHOOK_SECRET });
			assert.equal(await activate(), true);
		});

		it('activates without calling Meta when Auto-Subscribe is off, and deactivates without a record', async () => {
			const { activate, deactivate, logs } = await start();
			assert.equal(await activate(), true);
			assert.equal(await deactivate(), true);
			assert.equal(meta.requests.length, 0);
			assert.deepEqual(logs.filter((line) => line.level === 'warn'), []);
		});

		it('subscribes the app and the account on activation with the chosen fields, and removes only that on deactivation', async () => {
			const { url, activate, deactivate } = await start({ events: ['message', 'comment'], options: { autoSubscribe: true } });
			assert.equal(await activate(), true);
			const app = meta.subscriptions.apps.get(APP_ID)?.get('instagram');
			assert.equal(app?.callbackUrl, url);
			assert.deepEqual([...(app?.fields ?? [])].sort(), ['comments', 'messages']);
			assert.deepEqual(meta.subscriptions.handshakes.map((h) => [h.callbackUrl, h.status, h.echoed]), [[url, 200, true]], "Meta's check of the callback reached the trigger");
			assert.ok(meta.requests.every((r) => !r.tokenInUrl), 'no token in any URL');
			assert.equal(await deactivate(), true);
			assert.equal(meta.subscriptions.apps.get(APP_ID)?.get('instagram'), undefined);
			// A second deactivation has no record left: nothing to remove.
			const calls = meta.requests.length;
			assert.equal(await deactivate(), true);
			assert.equal(meta.requests.length, calls);
		});

		it("subscribes the app by its ID as pasted with blanks around it", async () => {
			const { url, activate, deactivate } = await start({ options: { autoSubscribe: true } }, { ...credentialsFor(meta.url), appId: ` ${APP_ID}\n` });
			assert.equal(await activate(), true);
			assert.equal(meta.subscriptions.apps.get(APP_ID)?.get('instagram')?.callbackUrl, url);
			assert.equal(await deactivate(), true);
		});

		it("keeps the record of what it subscribed in the workflow's static data, and removes that after a restart", async () => {
			const first = await startTrigger({
				params: { events: ['message'], verifyToken: VERIFY_TOKEN, options: { autoSubscribe: true } },
				credentials: { ...credentialsFor(meta.url), appId: APP_ID },
				workflowId: 'wf-trigger-before-restart',
			});
			trigger = first;
			assert.equal(await first.activate(), true);
			// The record's key is stored with the workflow: written out here so a rename fails.
			const saved = first.staticData['node:Instagram Trigger'] as IDataObject;
			assert.deepEqual(Object.keys(saved), ['subscription']);
			await first.close();
			// After a restart (n8n 2.x saved the static data), the process holds no record of its
			// own: here, a trigger of another workflow ID, given the saved static data.
			trigger = await startTrigger({
				params: { events: ['message'], verifyToken: VERIFY_TOKEN, options: { autoSubscribe: true } },
				credentials: { ...credentialsFor(meta.url), webhookSecret: WEBHOOK_SECRET, appId: APP_ID },
				workflowId: 'wf-trigger-restarted',
				staticData: first.staticData,
			});
			assert.ok(meta.subscriptions.apps.get(APP_ID)?.get('instagram'));
			assert.equal(await trigger.deactivate(), true);
			assert.equal(meta.subscriptions.apps.get(APP_ID)?.get('instagram'), undefined, 'the subscription was removed');
			assert.deepEqual(trigger.staticData['node:Instagram Trigger'], {}, 'and its record forgotten');
			assert.deepEqual(trigger.logs.filter((line) => line.level === 'warn'), []);
		});

		it('removes on deactivation what activation subscribed in this process when n8n 1.x did not save the static data, and only for that workflow', async () => {
			const first = await start({ options: { autoSubscribe: true } }, { ...credentialsFor(meta.url), appId: APP_ID });
			assert.equal(await first.activate(), true);
			await first.close();
			// Another workflow whose trigger has the same node ID: it subscribed nothing.
			const other = await startTrigger({
				params: { events: ['message'], verifyToken: VERIFY_TOKEN, options: { autoSubscribe: true } },
				credentials: { ...credentialsFor(meta.url), appId: APP_ID },
				workflowId: 'wf-trigger-never-activated',
			});
			assert.equal(await other.deactivate(), true);
			await other.close();
			assert.ok(meta.subscriptions.apps.get(APP_ID)?.get('instagram'), "the other workflow's deactivation left the subscription in place");
			assert.deepEqual(other.logs.map((line) => line.message), ['Instagram Trigger: no record of what activation subscribed, so nothing was unsubscribed']);
			// The same workflow, its static data lost (n8n 1.x), deactivated in the same process.
			trigger = await startTrigger({ params: { events: ['message'], verifyToken: VERIFY_TOKEN, options: { autoSubscribe: true } }, credentials: { ...credentialsFor(meta.url), appId: APP_ID } });
			assert.equal(await trigger.deactivate(), true);
			assert.equal(meta.subscriptions.apps.get(APP_ID)?.get('instagram'), undefined, 'the subscription was removed');
		});

		it('warns when it has no record of what activation subscribed, and when Meta refuses the removal', async () => {
			const unknown = await start({ options: { autoSubscribe: true } });
			assert.equal(await unknown.deactivate(), true);
			assert.deepEqual(unknown.logs.map((line) => [line.level, line.message]), [['warn', 'Instagram Trigger: no record of what activation subscribed, so nothing was unsubscribed']]);
			assert.equal(meta.requests.length, 0);
			await unknown.close();

			const subscribed = await start({ options: { autoSubscribe: true } }, { ...credentialsFor(meta.url), appId: APP_ID, appSecret: APP_SECRET });
			assert.equal(await subscribed.activate(), true);
			// Meta stops answering before the workflow is deactivated.
			await meta.close();
			assert.equal(await subscribed.deactivate(), false, 'n8n is told the removal failed');
			assert.ok(subscribed.logs.some((line) => line.level === 'warn' && line.message.startsWith('Instagram Trigger: ')), JSON.stringify(subscribed.logs));
			meta = await startMetaImitation({ apps: [{ accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, appId: APP_ID }] });
		});

		it('fails activation naming the network error when Meta cannot be reached', async () => {
			const { activate } = await start({ options: { autoSubscribe: true } }, { ...credentialsFor('http://127.0.0.1:9'), appId: APP_ID });
			// n8n shows its own words for a refused connection; the trigger's are the error's cause.
			await assert.rejects(activate(), (error: Error & { cause?: Error }) => /^Instagram Trigger could not subscribe: .*ECONNREFUSED/.test(error.cause?.message ?? error.message));
		});

		it('fails activation with what Meta answered when subscribing is refused', async () => {
			const { activate } = await start({ options: { autoSubscribe: true } }, { ...credentialsFor(meta.url), appId: '999' });
			// Meta's own words, from the body of its 400 answer.
			await assert.rejects(activate(), (error: Error & { cause?: Error }) => {
				const message = error.cause?.message ?? error.message;
				return /^Instagram Trigger could not subscribe: /.test(message) && message.includes('Invalid OAuth access token');
			});
		});
	});
});
