// The AI-agent loop inside a real, running n8n, with no internet: Instagram Trigger → AI
// Agent (n8n's OpenAI Chat Model pointed at a loopback chat-completions imitation) with
// Instagram tools. The workflow is the README's agent example, as a user pastes it. A DM is
// POSTed signed (node:crypto, here); the chat-model imitation answers with scripted tool
// calls, then a final message; the Meta imitation counts what was sent.
import assert from 'node:assert/strict';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { ChatModelImitation, ChatRequest } from '../../sandbox/chatModelImitation';
import { startChatModelImitation } from '../../sandbox/chatModelImitation';
import type { MetaImitation } from '../../sandbox/metaImitation';
import { startMetaImitation } from '../../sandbox/metaImitation';
import { ACCESS_TOKEN, APP_SECRET, META_UUID, secretsOf } from '../support/fixtures';
import type { RunningN8n } from './support/n8n';
import { N8nInstance, ensureRuntime, freePort, packTarball } from './support/n8n';
import { credential, pastedReadmeWorkflow } from './support/workflows';

const majors = (process.env.E2E_N8N_MAJORS ?? '2,1').split(',').map(Number).filter(Boolean);
const VERIFY_TOKEN = `verify-${randomBytes(12).toString('hex')}`;
const OPENAI_KEY = `sk-test-${randomBytes(12).toString('hex')}`;
const ACCOUNT = '17841400000000888';
const INSTAGRAM = { id: 'igAgentCred00001', name: 'Instagram account' };
const OPENAI = { id: 'oaAgentCred00001', name: 'OpenAI account' };
/** The AI Agent's newest version in each n8n major. */
const AGENT_VERSION: Record<number, number> = { 2: 3.1, 1: 3 };

const tmp = mkdtempSync(path.join(tmpdir(), 'ig-agent-e2e-'));
let tarball: string;
let meta: MetaImitation;
let chat: ChatModelImitation;

before(async () => {
	tarball = packTarball(tmp);
	meta = await startMetaImitation({ apps: [{ accessToken: ACCESS_TOKEN, appSecret: APP_SECRET }] });
	chat = await startChatModelImitation(OPENAI_KEY);
});

after(async () => {
	await meta?.close();
	await chat?.close();
	rmSync(tmp, { recursive: true, force: true });
});

async function eventually<T>(what: string, probe: () => T | undefined | false, timeoutMs = 60_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/** What n8n returned to the model for each tool call of a conversation, parsed. */
function toolResults(requests: ChatRequest[]): Array<Array<Record<string, unknown>>> {
	const last = requests[requests.length - 1];
	return last.messages.filter((m) => m.role === 'tool').map((m) => JSON.parse(String(m.content)) as Array<Record<string, unknown>>);
}

for (const major of majors) {
	describe(`the AI-agent loop in a real, running n8n ${major}.x`, () => {
		let n8n: N8nInstance;
		let server: RunningN8n;
		let hook: string;
		const workflowId = `wfAgent${major}000000001`;
		const webhookId = randomUUID();
		const person = (n: number) => `17841466${String(major * 1000 + n).padStart(9, '0')}`;
		let mid = 0;

		/** A signed DM from `sender`, delivered to the trigger. */
		async function dm(sender: string, text: string): Promise<void> {
			const body = JSON.stringify({
				object: 'instagram',
				entry: [
					{
						id: ACCOUNT,
						time: Date.now(),
						messaging: [{ sender: { id: sender }, recipient: { id: ACCOUNT }, timestamp: Date.now(), message: { mid: `mid.agent.${major}.${++mid}`, text } }],
					},
				],
			});
			const signature = `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}`;
			for (let tries = 0; ; tries++) {
				const response = await fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body });
				// 404 until n8n has registered the webhook (activation is asynchronous).
				if (response.status === 200) return;
				if (response.status !== 404 || tries > 150) throw new Error(`the trigger answered ${response.status}: ${await response.text()}`);
				await new Promise((resolve) => setTimeout(resolve, 200));
			}
		}

		/** Waits for the agent's final model call of `marker`'s conversation. */
		async function finished(marker: string, turns: number): Promise<ChatRequest[]> {
			return await eventually(`${marker}: ${turns} model calls`, () => {
				const requests = chat.requestsFor(marker);
				return requests.length >= turns && requests;
			});
		}

		const sentTo = (recipient: string) => meta.requests.filter((r) => r.recipientId === recipient && r.call === 'text' && r.status === 200);

		before(async () => {
			n8n = N8nInstance.create(ensureRuntime(major), tarball);
			await n8n.importCredentials([
				credential(INSTAGRAM.id, INSTAGRAM.name, { accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, baseUrl: meta.url }),
				{ id: OPENAI.id, name: OPENAI.name, type: 'openAiApi', data: { apiKey: OPENAI_KEY, url: chat.url } },
			]);
			// The README's example as a user pastes it, with the agent at this n8n's version.
			const agent = pastedReadmeWorkflow('### The AI-agent example', workflowId, {
				webhookId,
				verifyToken: VERIFY_TOKEN,
				credentials: { instagramMessagingApi: INSTAGRAM, openAiApi: OPENAI },
			});
			for (const node of agent.nodes as Array<Record<string, any>>) {
				if (node.type === '@n8n/n8n-nodes-langchain.agent') node.typeVersion = AGENT_VERSION[major];
			}
			await n8n.importWorkflows([agent]);
			await n8n.activate(workflowId);
			const port = await freePort();
			server = await n8n.start(port, { N8N_META_UUID: META_UUID, WEBHOOK_URL: `http://127.0.0.1:${port}/` });
			await server.setupOwner();
			hook = `${server.url}/webhook/${webhookId}/webhook`;
		});

		after(async () => {
			await server?.stop();
			n8n?.remove();
		});

		it("gives the model the person's text and the Instagram tools, and its reply reaches the sender exactly once", async () => {
			const marker = `[happy ${major}]`;
			const sender = person(1);
			chat.script(marker, [
				{ toolCalls: [{ name: 'Get_profile', arguments: { userId: sender } }] },
				{ toolCalls: [{ name: 'Send_message', arguments: { userId: sender, messageText: 'Hi Ada! Your order ships tomorrow.' } }] },
				{ text: 'Replied.' },
			]);
			await dm(sender, `${marker} Where is my order?`);
			const requests = await finished(marker, 3);
			const [first] = requests;
			assert.ok(first.messages.some((m) => m.role === 'user' && String(m.content).includes('Where is my order?')), "the person's text");
			assert.ok(first.messages.some((m) => m.role === 'system' && String(m.content).includes('Instagram')), 'the system prompt');
			const tools = Object.fromEntries(first.tools.map((t) => [t.function.name, t.function]));
			assert.deepEqual(Object.keys(tools).sort(), ['Get_profile', 'Send_message', 'Send_quick_replies']);
			assert.deepEqual(tools.Send_message.parameters?.required?.sort(), ['messageText', 'userId']);
			assert.match(String((tools.Send_message.parameters?.properties?.userId as { description?: string }).description), /IGSID[\s\S]*@username/);
			assert.match(String(tools.Send_message.description), /1000 bytes/);
			assert.ok(tools.Send_quick_replies.parameters?.properties?.quickReplies, 'quick replies as a list the model fills');

			await eventually('the reply at Meta', () => sentTo(sender).length === 1);
			assert.equal(sentTo(sender)[0].text, 'Hi Ada! Your order ships tomorrow.');
			const [profile, sent] = toolResults(requests);
			assert.equal(profile[0].success, true);
			assert.equal(typeof profile[0].name, 'string', 'the profile reached the model');
			assert.equal(sent[0].success, true);
			assert.equal(sent[0].messageId, sentTo(sender)[0].messageId);
			assert.equal(sent[0].appSecretProofUsed, undefined, 'nothing derived from a secret goes to the model');
		});

		it('answers a bad argument with an error the model can act on, and sends nothing', async () => {
			const marker = `[bad ${major}]`;
			const sender = person(2);
			chat.script(marker, [
				{ toolCalls: [{ name: 'Send_message', arguments: { userId: '@ada.lovelace', messageText: 'Hello' } }] },
				{ toolCalls: [{ name: 'Send_message', arguments: { userId: sender, messageText: 'é'.repeat(750) } }] },
				{ text: 'I could not send it.' },
			]);
			await dm(sender, `${marker} Please write me a long poem`);
			const requests = await finished(marker, 3);
			const [username, tooLong] = toolResults(requests);
			assert.equal(username[0].success, false);
			assert.equal(username[0].errorField, 'userId');
			assert.match(String(username[0].error), /IGSID/);
			assert.equal(tooLong[0].success, false);
			assert.equal(tooLong[0].errorField, 'messageText');
			assert.match(String(tooLong[0].error), /1500 bytes[\s\S]*1000/);
			for (const result of [username[0], tooLong[0]]) assert.ok(!JSON.stringify(result).includes('stack'), 'no stack trace');
			assert.equal(sentTo(sender).length, 0, 'nothing was sent');
		});

		it('refuses a recipient outside the conversation that started the run', async () => {
			const marker = `[other ${major}]`;
			const sender = person(3);
			const stranger = person(4);
			chat.script(marker, [
				{ toolCalls: [{ name: 'Send_message', arguments: { userId: stranger, messageText: 'Buy now!' } }] },
				{ text: 'Done.' },
			]);
			await dm(sender, `${marker} Tell my friend ${stranger} about your sale`);
			const requests = await finished(marker, 2);
			const [refused] = toolResults(requests);
			assert.equal(refused[0].success, false);
			assert.equal(refused[0].reason, 'recipient_not_allowed');
			assert.match(String(refused[0].error), new RegExp(sender));
			assert.equal(sentTo(stranger).length, 0);
			assert.equal(sentTo(sender).length, 0);
		});

		it('sends once when the model repeats the same call in one run', async () => {
			const marker = `[twice ${major}]`;
			const sender = person(5);
			const call = { name: 'Send_message', arguments: { userId: sender, messageText: 'Thanks, we are on it.' } };
			chat.script(marker, [{ toolCalls: [call, call] }, { toolCalls: [call] }, { text: 'Done.' }]);
			await dm(sender, `${marker} Help!`);
			const requests = await finished(marker, 3);
			const results = toolResults(requests).map((result) => result[0]);
			assert.equal(results.length, 3);
			assert.deepEqual(results.map((r) => r.success), [true, true, true]);
			// Which of the two parallel calls ran first is n8n's choice; one sent, the others did not.
			assert.deepEqual(results.map((r) => r.reason ?? 'sent').sort(), ['duplicate_call', 'duplicate_call', 'sent']);
			await new Promise((resolve) => setTimeout(resolve, 1000));
			assert.equal(sentTo(sender).length, 1, 'one message, however often the model asked');
		});

		it('never lets a secret reach the chat model', () => {
			const everything = chat.requests.map((r) => r.raw).join('\n');
			assert.ok(everything.length > 0);
			for (const secret of [...secretsOf(), VERIFY_TOKEN]) assert.ok(!everything.includes(secret), 'a secret reached the chat model');
		});
	});
}
