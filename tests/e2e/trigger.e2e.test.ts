// The Instagram Trigger inside a real, running n8n: the auto-reply workflow
// (Instagram Trigger → Instagram Send Message) activated headlessly, Meta's deliveries
// POSTed to its production URL signed here with node:crypto (not by the core), replies
// counted at the Meta imitation, executions counted through n8n's own REST API.
import assert from 'node:assert/strict';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { MetaImitation } from '../../sandbox/metaImitation';
import { startMetaImitation } from '../../sandbox/metaImitation';
import { ACCESS_TOKEN, APP_SECRET, META_UUID, messageDelivery, secretsOf } from '../support/fixtures';
import type { N8nRuntime, RunningN8n } from './support/n8n';
import { N8nInstance, ensureRuntime, freePort, packTarball, transcript } from './support/n8n';
import { credential, genericNode, pastedReadmeWorkflow, workflow } from './support/workflows';

const majors = (process.env.E2E_N8N_MAJORS ?? '2,1').split(',').map(Number).filter(Boolean);
const VERIFY_TOKEN = `verify-${randomBytes(12).toString('hex')}`;
/** The credential's Webhook Secret (an Instagram app's secret), beside its App Secret. */
const WEBHOOK_SECRET = `webhook-secret-${randomBytes(12).toString('hex')}`;
const APP_ID = '1234567890123';
const ACCOUNT = '17841400000000999';
const GOOD = { id: 'igTriggerCred001', name: 'Instagram (trigger)' };
const SUBSCRIBING = { id: 'igTriggerCred002', name: 'Instagram (auto-subscribe)' };

const tmp = mkdtempSync(path.join(tmpdir(), 'ig-trigger-e2e-'));
let tarball: string;
let meta: MetaImitation;

before(async () => {
	tarball = packTarball(tmp);
	meta = await startMetaImitation({ apps: [{ accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, appId: APP_ID }] });
});

after(async () => {
	await meta?.close();
	rmSync(tmp, { recursive: true, force: true });
});

/** The README workflow's reply to `text`. */
const REPLY = (text: string) => `Thanks for your message! We got: ${text}`;

/** Text only rejected bodies carry: it must never reach a log. */
const BODY_MARKER = `body-${randomBytes(8).toString('hex')}`;
/** Text an accepted body carries: it must never reach a log either. */
const ACCEPTED_MARKER = `accepted-${randomBytes(8).toString('hex')}`;

/** Every signature sent, to look for in the logs (also without its `sha256=`). */
const signatures: string[] = [];
const sign = (body: string, secret = APP_SECRET) => {
	const hex = createHmac('sha256', secret).update(body).digest('hex');
	signatures.push(hex);
	return `sha256=${hex}`;
};

const delivery = (events: Parameters<typeof messageDelivery>[1]) => messageDelivery(ACCOUNT, events);

/** The text replies the imitation got for `recipient`. */
const repliesTo = (recipient: string) => meta.requests.filter((r) => r.call === 'text' && r.recipientId === recipient && r.status === 200);

async function eventually<T>(what: string, probe: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

for (const major of majors) {
	describe(`the Instagram Trigger in a real, running n8n ${major}.x`, () => {
		let runtime: N8nRuntime;
		let n8n: N8nInstance;
		let server: RunningN8n;
		let hook: string;
		const workflowId = `wfTrigger${major}0000001`;
		const subscribingId = `wfTriggerSub${major}00001`;
		const webhookId = randomUUID();
		const subscribingWebhookId = randomUUID();
		const person = (n: number) => `17841477${String(major * 1000 + n).padStart(9, '0')}`;

		async function executions(): Promise<number> {
			const filter = encodeURIComponent(JSON.stringify({ workflowId }));
			const { status, json } = await server.rest('GET', `/rest/executions?filter=${filter}&limit=100`);
			assert.equal(status, 200, JSON.stringify(json).slice(0, 500));
			return json.data.count as number;
		}

		/** The execution count once it has stopped changing: earlier deliveries' executions are all in. */
		async function settledExecutions(): Promise<number> {
			let last = await executions();
			for (;;) {
				await new Promise((resolve) => setTimeout(resolve, 1000));
				const now = await executions();
				if (now === last) return now;
				last = now;
			}
		}

		async function post(body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
			const response = await fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
			return { status: response.status, text: await response.text() };
		}

		before(async () => {
			runtime = ensureRuntime(major);
			n8n = N8nInstance.create(runtime, tarball);
			const data = { accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, apiVersion: 'v18.0', baseUrl: meta.url };
			await n8n.importCredentials([credential(GOOD.id, GOOD.name, { ...data, webhookSecret: WEBHOOK_SECRET }), credential(SUBSCRIBING.id, SUBSCRIBING.name, { ...data, appId: APP_ID, pageId: '104000000000001' })]);
			const trigger = (id: string, name: string, cred: { id: string; name: string }, options: Record<string, unknown> = {}) => ({
				...genericNode(name, 'n8n-nodes-instagram-dm.instagramTrigger', 1, { events: ['message'], verifyToken: VERIFY_TOKEN, options }, { instagramMessagingApi: cred }),
				webhookId: id,
			});
			// The README's auto-reply workflow, as a user pastes it.
			const auto = pastedReadmeWorkflow('### The auto-reply workflow', workflowId, {
				webhookId,
				verifyToken: VERIFY_TOKEN,
				credentials: { instagramMessagingApi: GOOD },
			});
			const subscribing = workflow(subscribingId, 'Auto-subscribe', []);
			Object.assign(subscribing, {
				nodes: [trigger(subscribingWebhookId, 'Subscribing Trigger', SUBSCRIBING, { autoSubscribe: true })],
				connections: {},
			});
			await n8n.importWorkflows([auto, subscribing]);
			await n8n.activate(workflowId);
			const port = await freePort();
			// At debug level, so the line naming the matched secret is written, and checked.
			server = await n8n.start(port, { N8N_META_UUID: META_UUID, WEBHOOK_URL: `http://127.0.0.1:${port}/`, N8N_LOG_LEVEL: 'debug' });
			await server.setupOwner();
			hook = `${server.url}/webhook/${webhookId}/webhook`;
		});

		after(async () => {
			await server?.stop();
			n8n?.remove();
		});

		it("answers Meta's handshake with the challenge for the right token only, starting nothing", async () => {
			const challenge = async (token: string) => {
				const url = `${hook}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=1158201444`;
				for (let tries = 0; ; tries++) {
					const response = await fetch(url);
					// 404 until 2.x has registered the webhook (activation is asynchronous).
					if (response.status !== 404 || tries > 150) return { status: response.status, text: await response.text(), type: response.headers.get('content-type') };
					await new Promise((resolve) => setTimeout(resolve, 200));
				}
			};
			const good = await challenge(VERIFY_TOKEN);
			assert.deepEqual([good.status, good.text], [200, '1158201444']);
			assert.match(String(good.type), /^text\/plain/);
			const bad = await challenge(`${VERIFY_TOKEN}x`);
			assert.equal(bad.status, 403);
			assert.equal(await executions(), 0);
		});

		it('replies once to one message, and once to the same event delivered twice, also at the same moment', async () => {
			const first = delivery([{ sender: person(1), mid: `mid.${major}.one`, text: 'hello' }]);
			assert.deepEqual(await post(first, { 'x-hub-signature-256': sign(first) }), { status: 200, text: 'EVENT_RECEIVED' });
			await eventually('the reply', () => repliesTo(person(1)).length === 1);
			assert.equal(repliesTo(person(1))[0].text, REPLY('hello'));
			assert.equal((await post(first, { 'x-hub-signature-256': sign(first) })).status, 200, 'Meta retries: still 200');

			const twice = delivery([{ sender: person(2), mid: `mid.${major}.twice`, text: 'again' }]);
			const answers = await Promise.all([1, 2, 3].map(async () => await post(twice, { 'x-hub-signature-256': sign(twice) })));
			assert.deepEqual(answers.map((a) => a.status), [200, 200, 200]);
			await eventually('the reply', () => repliesTo(person(2)).length === 1);
			await new Promise((resolve) => setTimeout(resolve, 1500));
			assert.equal(repliesTo(person(1)).length, 1, 'one reply to the repeated delivery');
			assert.equal(repliesTo(person(2)).length, 1, 'one reply to three concurrent deliveries');
			assert.equal(await executions(), 2);
		});

		it('replies six times to a delivery of two entries of three events each, each to its sender', async () => {
			const entry = (base: number) => ({
				id: ACCOUNT,
				time: Date.now(),
				messaging: [0, 1, 2].map((i) => ({
					sender: { id: person(10 + base + i) },
					recipient: { id: ACCOUNT },
					timestamp: Date.now() + base + i,
					message: { mid: `mid.${major}.batch.${base + i}`, text: `event ${base + i}` },
				})),
			});
			const body = JSON.stringify({ object: 'instagram', entry: [entry(0), entry(3)] });
			assert.equal((await post(body, { 'x-hub-signature-256': sign(body) })).status, 200);
			for (let i = 0; i < 6; i++) await eventually(`reply ${i}`, () => repliesTo(person(10 + i)).length === 1);
			assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => repliesTo(person(10 + i))[0].text), [0, 1, 2, 3, 4, 5].map((i) => REPLY(`event ${i}`)));
		});

		it('verifies an escaped-unicode body as n8n received it, and the text comes back intact', async () => {
			const raw = `{"object":"instagram","entry":[{"id":"${ACCOUNT}","time":1767225614100,"messaging":[{"sender":{"id":"${person(30)}"},"recipient":{"id":"${ACCOUNT}"},"timestamp":1767225614000,"message":{"mid":"mid.${major}.unicode","text":"Caf\\u00e9 \\ud83d\\ude00 https:\\/\\/shop.example\\/caf\\u00e9"}}]}]}`;
			assert.notEqual(JSON.stringify(JSON.parse(raw)), raw, 'the body would change if re-serialised');
			assert.equal((await post(raw, { 'x-hub-signature-256': sign(raw) })).status, 200);
			await eventually('the reply', () => repliesTo(person(30)).length === 1);
			assert.equal(repliesTo(person(30))[0].text, REPLY('Café 😀 https://shop.example/café'));
		});

		it("starts nothing for the echo of the workflow's own reply", async () => {
			const before = await settledExecutions();
			const echo = delivery([{ sender: person(1), mid: `mid.${major}.echo`, text: REPLY('hello'), echo: true }]);
			assert.equal((await post(echo, { 'x-hub-signature-256': sign(echo) })).status, 200);
			await new Promise((resolve) => setTimeout(resolve, 1500));
			assert.equal(await executions(), before);
			assert.equal(repliesTo(person(1)).length, 1);
		});

		it('refuses forged, missing and tampered signatures with 401 or 403, and starts no execution', async () => {
			const before = await settledExecutions();
			const body = delivery([{ sender: person(40), mid: `mid.${major}.forged`, text: `forged ${BODY_MARKER}` }]);
			const cases: Array<[Record<string, string>, string, number]> = [
				[{ 'x-hub-signature-256': sign(body, 'not-the-app-secret') }, body, 403],
				[{}, body, 401],
				[{ 'x-hub-signature-256': sign(body) }, body.replace('forged', 'forgeD'), 403],
				[{ 'x-hub-signature-256': sign(body).replace('sha256=', 'sha1=') }, body, 401],
				[{ 'x-hub-signature-256': sign(body).slice(0, -1) }, body, 401],
			];
			for (const [headers, sent, status] of cases) {
				assert.equal((await post(sent, headers)).status, status, JSON.stringify(headers));
			}
			await new Promise((resolve) => setTimeout(resolve, 1000));
			assert.equal(await executions(), before, 'no execution for a rejected request');
			assert.equal(repliesTo(person(40)).length, 0);
		});

		it("accepts a delivery signed with the credential's Webhook Secret as well as its App Secret", async () => {
			const body = delivery([{ sender: person(50), mid: `mid.${major}.webhook-secret`, text: `by the webhook secret ${ACCEPTED_MARKER}` }]);
			assert.equal((await post(body, { 'x-hub-signature-256': sign(body, WEBHOOK_SECRET) })).status, 200);
			await eventually('the reply', () => repliesTo(person(50)).length === 1);
			const other = delivery([{ sender: person(51), mid: `mid.${major}.app-secret`, text: `by the app secret ${ACCEPTED_MARKER}` }]);
			assert.equal((await post(other, { 'x-hub-signature-256': sign(other) })).status, 200);
			await eventually('the reply', () => repliesTo(person(51)).length === 1);
		});

		it('auto-subscribes on activation (Meta checks the callback with the handshake) and removes only that on deactivation', async () => {
			const { json } = await server.rest('GET', `/rest/workflows/${subscribingId}`);
			const versionId = json.data.versionId as string;
			const activated = await server.rest('POST', `/rest/workflows/${subscribingId}/activate`, { versionId });
			assert.equal(activated.status, 200, JSON.stringify(activated.json).slice(0, 500));
			const callback = `${server.url}/webhook/${subscribingWebhookId}/webhook`;
			await eventually('the app subscription', () => meta.subscriptions.apps.get(APP_ID)?.get('instagram')?.callbackUrl === callback);
			assert.deepEqual(meta.subscriptions.apps.get(APP_ID)?.get('instagram')?.fields, ['messages']);
			assert.ok(meta.subscriptions.handshakes.some((h) => h.callbackUrl === callback && h.status === 200 && h.echoed), 'Meta checked the callback');
			await eventually('the account subscription', () => meta.subscriptions.accounts.get('104000000000001')?.get(APP_ID));
			assert.ok(meta.requests.filter((r) => r.call === 'appSubscriptions').every((r) => !r.tokenInUrl));

			const deactivated = await server.rest('POST', `/rest/workflows/${subscribingId}/deactivate`, {});
			assert.equal(deactivated.status, 200, JSON.stringify(deactivated.json).slice(0, 500));
			await eventually('the app unsubscribed', () => !meta.subscriptions.apps.get(APP_ID)?.get('instagram'));
			// The account's subscription is removed after the app's.
			await eventually('the account unsubscribed', () => meta.subscriptions.accounts.get('104000000000001')?.get(APP_ID) === undefined);
		});

		it('logs no secret, verify token or signature', async () => {
			await server.stop();
			const everything = transcript.join('\n');
			assert.match(everything, /Instagram Trigger refused a POST with 403/, "the refusals' reasons are logged");
			assert.match(everything, /the signature matched the credential's appSecret/, 'the debug log names the matching secret');
			assert.match(everything, /the signature matched the credential's webhookSecret/, 'the debug log names the matching secret');
			for (const secret of [...secretsOf(), VERIFY_TOKEN, WEBHOOK_SECRET]) assert.ok(!everything.includes(secret), 'a secret appeared in n8n output or logs');
			assert.ok(!/sha256=[0-9a-f]{64}/.test(everything), 'a signature appeared in the logs');
			assert.ok(signatures.length > 10 && !signatures.some((hex) => everything.includes(hex)), 'a signature appeared in the logs');
			assert.ok(!everything.includes(BODY_MARKER), "a refused request's body appeared in the logs");
			assert.ok(!everything.includes(ACCEPTED_MARKER), "an accepted request's body appeared in the logs");
		});
	});
}
