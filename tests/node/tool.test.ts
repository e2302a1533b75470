// The node as an AI Agent's tool: its variant built by n8n's own converter, run inside
// n8n's execution context against the Meta imitation. What a model is offered (operations,
// descriptions, the arguments it fills, named as the core reads them), what it gets back
// (never a throw, never a secret), the guard rail, and one send per identical call.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';

import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { Catalog } from '../../js-wrapper/bridge/types';
import type { MetaImitation } from '../../sandbox/metaImitation';
import { startMetaImitation } from '../../sandbox/metaImitation';
import { ACCESS_TOKEN, APP_SECRET, META_UUID, USER_A, USER_B, USER_C, credentialsFor, secretsOf } from '../support/fixtures';
import type { RunOptions, RunResult } from '../support/nodeHarness';
import { loadNode, runNode } from '../support/nodeHarness';
import { requireFromRuntime } from '../support/n8nRuntime';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CATALOG } = require(`${process.cwd()}/dist/js-wrapper/bridge/generated/catalog.js`) as { CATALOG: Catalog };

let meta: MetaImitation;
let execution = 0;

function tool(params: RunOptions['params'], overrides: Partial<RunOptions> = {}): Promise<RunResult> {
	return runNode({
		items: [{}],
		params: { resource: 'message', operation: 'sendMessage', triggeringUsers: USER_A, ...params },
		credentials: credentialsFor(meta.url),
		asTool: true,
		executionId: overrides.executionId ?? `agent-run-${++execution}`,
		...overrides,
	});
}

function raise(message: string): never {
	throw new Error(message);
}

function only(result: RunResult): Record<string, unknown> {
	assert.ok(result.output, `a tool never throws, got: ${result.error?.message}`);
	assert.equal(result.output[0].length, 1);
	return result.output[0][0].json as Record<string, unknown>;
}

/** The tool variant's properties as n8n shows and evaluates them. */
function toolDescription() {
	const { NodeHelpers } = requireFromRuntime('n8n-workflow');
	const { convertNodeToAiTool } = requireFromRuntime('n8n/dist/tool-generation');
	const node = loadNode();
	const description = Object.create(node.description, { properties: { value: Object.create(node.description.properties) } });
	const converted = convertNodeToAiTool(Object.create(node, { description: { value: description } })).description;
	/** The node's parameters with defaults, for one resource and operation, as n8n fills them in. */
	const parameters = (resource: string, operation: string) =>
		NodeHelpers.getNodeParameters(converted.properties, { resource, operation }, true, false, { typeVersion: 1 }, converted) as Record<string, unknown>;
	return { converted, parameters };
}

describe('the Instagram tool, as an AI Agent sees it', () => {
	const { converted, parameters } = toolDescription();

	it('offers the operations an agent can use, each with a description written for a model', () => {
		assert.equal(converted.name, 'instagramTool');
		const offered = converted.properties
			.filter((p: INodeProperties) => p.name === 'operation' && p.displayOptions?.show?.['@tool']?.[0] !== false)
			.flatMap((p: INodeProperties) => (p.options as INodePropertyOptions[]).map((o) => o.value));
		assert.deepEqual(offered.sort(), [
			'getConversations',
			'getMessages',
			'getProfile',
			'react',
			'sendAction',
			'sendHeartSticker',
			'sendMedia',
			'sendMessage',
			'sendPrivateReply',
			'sendQuickReplies',
		]);
		const send = parameters('message', 'sendMessage');
		assert.match(String(send.toolDescription), /IGSID/);
		assert.match(String(send.toolDescription), /@username/);
		assert.match(String(send.toolDescription), new RegExp(`${CATALOG.limits.textBytes} bytes`));
		assert.match(String(send.toolDescription), /success: false, error, reason, hint/);
		assert.equal(send[`onlyReplyToTriggeringUser`], true, 'the guard rail is on by default');
	});

	it('asks the model only for arguments the core reads, under the names it reads them', () => {
		const fromAi = /\$fromAI\('([^']+)'/g;
		for (const [operation, resource] of [
			['sendMessage', 'message'],
			['sendQuickReplies', 'message'],
			['sendMedia', 'message'],
			['react', 'message'],
			['sendAction', 'message'],
			['sendPrivateReply', 'message'],
			['getProfile', 'user'],
			['getMessages', 'conversation'],
		]) {
			const values = JSON.stringify(parameters(resource, operation));
			const keys = [...values.matchAll(fromAi)].map((m) => m[1]);
			assert.ok(keys.length > 0, `${operation} asks the model for something`);
			const fields = CATALOG.operations.find((op) => op.name === operation)!.fields.map((f) => f.name);
			for (const key of keys) assert.ok(fields.includes(key), `${operation}: the core reads no ${key}`);
		}
	});

	it('leaves the node itself as it was: no model arguments, no guard rail', () => {
		const { NodeHelpers } = requireFromRuntime('n8n-workflow');
		const node = loadNode();
		const values = NodeHelpers.getNodeParameters(node.description.properties, { operation: 'sendMessage' }, true, false, { typeVersion: 1 }, node.description);
		assert.equal(values.userId, '');
		assert.equal(values.onlyReplyToTriggeringUser, undefined);
		assert.equal(values.toolDescription, undefined);
	});
});

describe('the Instagram tool, run by an agent', () => {
	before(async () => {
		meta = await startMetaImitation({ apps: [{ accessToken: ACCESS_TOKEN, appSecret: APP_SECRET }] });
	});
	after(async () => meta.close());
	beforeEach(() => {
		meta.reset();
		process.env.N8N_META_UUID = META_UUID;
	});

	it('sends to the triggering user and answers with what a model needs, nothing derived from a secret', async () => {
		const item = only(await tool({ userId: USER_A, messageText: 'Hello from the agent' }));
		assert.equal(item.success, true);
		assert.equal(item.messageId, meta.requests[0].messageId);
		for (const key of ['appSecretProofUsed', 'nodeVersion', 'timestamp', 'sentAt']) assert.ok(!(key in item), key);
		assert.ok(!JSON.stringify(item).includes(secretsOf()[2].slice(0, 8)), 'no part of the proof');
	});

	it('refuses a recipient the run did not start from, sending nothing', async () => {
		const item = only(await tool({ userId: USER_B, messageText: 'Buy now' }));
		assert.deepEqual([item.success, item.reason, item.errorField], [false, 'recipient_not_allowed', 'userId']);
		assert.match(String(item.error), new RegExp(USER_A));
		assert.match(String(item.hint), /userId of the incoming message.*turning off Only Reply To The Triggering User/);
		assert.equal(meta.requests.length, 0);
	});

	it('reads Triggering Users as a comma-separated list or a list, ignoring blanks and spaces, and names them when it refuses', async () => {
		// A workflow may type the IDs by hand ("A, B") or map them from the trigger (a list).
		const typed = only(await tool({ userId: USER_A, messageText: 'Hi', triggeringUsers: ` ${USER_B} , ${USER_A} ` }));
		assert.equal(typed.success, true);
		const listed = only(await tool({ userId: USER_A, messageText: 'Hi', triggeringUsers: `={{ [' ${USER_B}', null, '${USER_A} '] }}` }));
		assert.equal(listed.success, true);
		assert.equal(meta.requests.length, 2);
		const refused = only(await tool({ userId: USER_C, messageText: 'Hi', triggeringUsers: `${USER_A},${USER_B}` }));
		assert.equal(refused.error, `${USER_C} is not the person this conversation is with: this tool only sends to ${USER_A}, ${USER_B}`);
		assert.equal(meta.requests.length, 2);
	});

	it('refuses every recipient when Triggering Users holds no ID, and says the triggering user instead of a blank list', async () => {
		// An expression over a trigger that gave no userId yields empty, undefined or null entries
		// (or their text): none of them lets a message through, or shows up as an ID.
		for (const triggeringUsers of ["={{ [null, undefined, '', '  ', 'undefined', 'null'] }}", '={{ null }}', '']) {
			const item = only(await tool({ userId: USER_B, messageText: 'Hi', triggeringUsers }));
			assert.equal(item.error, `${USER_B} is not the person this conversation is with: this tool only sends to the triggering user`, triggeringUsers);
		}
		assert.equal(meta.requests.length, 0);
	});

	it('compares the recipient the model gave without its surrounding spaces, as the core sends it', async () => {
		const item = only(await tool({ userId: ` ${USER_A} `, messageText: 'Hi' }));
		assert.equal(item.success, true);
		assert.deepEqual(meta.requests.map((r) => r.recipientId), [USER_A]);
	});

	it('guards a private reply by its comment: the comment of the trigger is answered, another one is refused', async () => {
		const comment = '17858000000000001';
		const other = '17858000000000002';
		const replied = only(await tool({ operation: 'sendPrivateReply', commentId: comment, messageText: 'Thanks!', triggeringUsers: `${USER_A},${comment}` }));
		assert.equal(replied.success, true);
		const refused = only(await tool({ operation: 'sendPrivateReply', commentId: other, messageText: 'Thanks!', triggeringUsers: `${USER_A},${comment}` }));
		assert.deepEqual([refused.success, refused.reason, refused.errorField], [false, 'recipient_not_allowed', 'commentId']);
		assert.deepEqual(meta.requests.map((r) => [r.call, r.commentId]), [['privateReply', comment]]);
	});

	it('looks up anyone, as often as asked: the guard rail and the one-send rule cover only what writes to a person', async () => {
		const run = 'agent-run-reads';
		const profile = () => tool({ resource: 'user', operation: 'getProfile', userId: USER_B }, { executionId: run });
		const first = only(await profile());
		const again = only(await profile());
		assert.deepEqual([first.success, first.username], [true, 'person_0002']);
		assert.deepEqual([again.success, again.reason], [true, undefined]);
		assert.deepEqual(meta.requests.map((r) => [r.call, r.recipientId]), [['profile', USER_B], ['profile', USER_B]]);
	});

	it('sends to anyone when the workflow turns the guard rail off', async () => {
		const item = only(await tool({ userId: USER_B, messageText: 'Hi', onlyReplyToTriggeringUser: false }));
		assert.equal(item.success, true);
		assert.equal(meta.requests.length, 1);
	});

	it('refuses to send when it cannot tell who started the run', async () => {
		const item = only(await tool({ userId: USER_A, messageText: 'Hi', triggeringUsers: () => { throw new Error('no trigger'); } }));
		assert.deepEqual([item.success, item.reason], [false, 'guard_unavailable']);
		assert.match(String(item.error), /^The Triggering Users parameter could not be read \(.+\), so nothing was sent$/);
		assert.match(String(item.hint), /^Point Triggering Users at your trigger node, for example \{\{ \$\('My Trigger'\)/);
		assert.equal(meta.requests.length, 0);
	});

	it('sends an identical call once per agent run, and again in another run', async () => {
		const run = 'agent-run-identical';
		const first = only(await tool({ userId: USER_A, messageText: 'Same words' }, { executionId: run }));
		const again = only(await tool({ userId: USER_A, messageText: 'Same words' }, { executionId: run }));
		const other = only(await tool({ userId: USER_A, messageText: 'Other words' }, { executionId: run }));
		assert.equal(first.success, true);
		assert.deepEqual([again.success, again.reason, again.messageId], [true, 'duplicate_call', first.messageId]);
		assert.match(String(again.note), /not sent again\. Do not repeat it\.$/);
		assert.equal(other.reason, undefined);
		assert.equal(meta.requests.length, 2);
		// The run remembers every call it made, not only its last one.
		const afterOther = only(await tool({ userId: USER_A, messageText: 'Same words' }, { executionId: run }));
		assert.deepEqual([afterOther.reason, afterOther.messageId], ['duplicate_call', first.messageId]);
		assert.equal(meta.requests.length, 2);
		only(await tool({ userId: USER_A, messageText: 'Same words' }, { executionId: 'another-run' }));
		assert.equal(meta.requests.length, 3, 'another run sends it');
	});

	it('sends once when the agent makes the same call twice at the same moment', async () => {
		const run = 'agent-run-parallel';
		// The first answer is slow, so the second call arrives while the first is being sent.
		meta.script(USER_A, [{ kind: 'slow', delayMs: 300 }]);
		const [first, second] = (
			await Promise.all([
				tool({ userId: USER_A, messageText: 'At once' }, { executionId: run }),
				tool({ userId: USER_A, messageText: 'At once' }, { executionId: run }),
			])
		).map(only);
		assert.equal(meta.requests.length, 1);
		assert.deepEqual([first.success, second.success], [true, true]);
		assert.deepEqual([first.reason, second.reason], [undefined, 'duplicate_call']);
		assert.equal(second.messageId, first.messageId);
	});

	it('sends a simultaneous repeat after all when the first call sent nothing', async () => {
		const run = 'agent-run-parallel-refused';
		meta.script(USER_A, [{ kind: 'slow', delayMs: 300, then: { kind: 'graphError', status: 400, code: 100, subcode: 2018001, message: 'No matching user found' } }]);
		const [first, second] = (
			await Promise.all([
				tool({ userId: USER_A, messageText: 'Refused once' }, { executionId: run }),
				tool({ userId: USER_A, messageText: 'Refused once' }, { executionId: run }),
			])
		).map(only);
		assert.deepEqual([first.success, first.reason], [false, 'no_matching_user']);
		assert.notEqual(second.reason, 'duplicate_call', 'a refused call is not an answer to repeat');
		assert.equal(meta.requests.length, 2);
	});

	it('says when a message may have been delivered, and answers its repeat from it rather than risk a second copy', async () => {
		const run = 'agent-run-unknown';
		// Meta takes the message, then the connection drops before its answer arrives.
		meta.script(USER_A, [{ kind: 'acceptThenDrop' }, { kind: 'accept' }]);
		const first = only(await tool({ userId: USER_A, messageText: 'Maybe sent' }, { executionId: run }));
		assert.deepEqual([first.success, first.reason, first.deliveryUnknown], [false, 'delivery_unknown', true]);
		const again = only(await tool({ userId: USER_A, messageText: 'Maybe sent' }, { executionId: run }));
		assert.deepEqual([again.reason, again.deliveryUnknown], ['duplicate_call', true]);
		assert.equal(meta.requests.length, 1);
		// A refusal is certain: nothing reached the person, and the model is not told otherwise.
		meta.script(USER_A, [{ kind: 'graphError', status: 400, code: 551, message: 'Unavailable' }]);
		const refused = only(await tool({ userId: USER_A, messageText: 'Refused' }, { executionId: run }));
		assert.deepEqual([refused.reason, refused.deliveryUnknown], ['person_unavailable', undefined]);
	});

	it('sends the same call once when one execution carries it twice, and answers each item with its own call', { timeout: 10_000 }, async () => {
		// Three calls in one batch; the third repeats the second, not the first. (A repeat that
		// waited for its own batch's first call would hang: the timeout makes that a failure.)
		const texts = ['First words', 'Second words', 'Second words'];
		const result = await tool({ userId: USER_A, messageText: (i: number) => texts[i] }, { items: [{}, {}, {}] });
		assert.ok(result.output, result.error?.message);
		const items = result.output[0];
		assert.deepEqual(items.map((i) => i.pairedItem), [{ item: 0 }, { item: 1 }, { item: 2 }]);
		const [first, second, third] = items.map((i) => i.json);
		assert.deepEqual(meta.requests.map((r) => r.text), ['First words', 'Second words']);
		assert.deepEqual([first.reason, second.reason, third.reason], [undefined, undefined, 'duplicate_call']);
		assert.deepEqual([third.success, third.messageText, third.messageId], [true, 'Second words', second.messageId]);
	});

	it('forgets the calls of a run that stopped before sending them, so they can be made again', { timeout: 10_000 }, async () => {
		const run = 'agent-run-stopped';
		// The first item is claimed, then the second item's guard-rail setting fails to evaluate
		// and stops the run before anything is sent.
		const stopped = await tool(
			{ userId: USER_A, messageText: 'Never sent', onlyReplyToTriggeringUser: (i: number) => (i === 0 ? true : raise('broken expression')) },
			{ executionId: run, items: [{}, {}] },
		);
		assert.ok(stopped.error);
		assert.equal(meta.requests.length, 0);
		// Without the release, this call would wait for the stopped one forever.
		const retried = only(await tool({ userId: USER_A, messageText: 'Never sent' }, { executionId: run }));
		assert.deepEqual([retried.success, retried.reason], [true, undefined]);
		assert.equal(meta.requests.length, 1);
	});

	it('lets a call that sent nothing be made again once corrected', async () => {
		const run = 'agent-run-corrected';
		const tooLong = only(await tool({ userId: USER_A, messageText: 'é'.repeat(750) }, { executionId: run }));
		assert.deepEqual([tooLong.success, tooLong.errorField], [false, 'messageText']);
		assert.match(String(tooLong.error), /1500 bytes/);
		assert.match(String(tooLong.error), /1000/);
		assert.equal(meta.requests.length, 0);
		const username = only(await tool({ userId: '@ada', messageText: 'Hi' }, { executionId: run }));
		assert.deepEqual([username.success, username.errorField], [false, 'userId']);
		const retried = only(await tool({ userId: '@ada', messageText: 'Hi' }, { executionId: run }));
		assert.notEqual(retried.reason, 'duplicate_call', 'an invalid call is refused again, not remembered');
	});

	it("names Meta's refusals by what a model can do about them", async () => {
		const cases: Array<[number, number | undefined, string]> = [
			[10, 2534022, 'outside_window'],
			[551, undefined, 'person_unavailable'],
			[100, 2018001, 'no_matching_user'],
		];
		for (const [code, subcode, reason] of cases) {
			meta.script(USER_A, [{ kind: 'graphError', status: 400, code, subcode, message: `Meta error ${code}` }]);
			const item = only(await tool({ userId: USER_A, messageText: `case ${code}` }));
			assert.deepEqual([item.success, item.reason, item.errorCode], [false, reason, code]);
			assert.equal(typeof item.hint, 'string');
			assert.ok(!('fbtraceId' in item) && !('stack' in item));
			meta.reset();
		}
	});

	it('never throws, even when the set-up is wrong, so the agent hears why', async () => {
		delete process.env.N8N_META_UUID;
		const item = only(await tool({ userId: USER_A, messageText: 'Hi' }));
		assert.equal(item.success, false);
		assert.match(String(item.error), /N8N_META_UUID/);
		assert.equal(meta.requests.length, 0);
	});
});
