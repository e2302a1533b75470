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
import { ACCESS_TOKEN, APP_SECRET, META_UUID, USER_A, USER_B, credentialsFor, secretsOf } from '../support/fixtures';
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
		for (const key of ['appSecretProofUsed', 'nodeVersion', 'timestamp']) assert.ok(!(key in item), key);
		assert.ok(!JSON.stringify(item).includes(secretsOf()[2].slice(0, 8)), 'no part of the proof');
	});

	it('refuses a recipient the run did not start from, sending nothing', async () => {
		const item = only(await tool({ userId: USER_B, messageText: 'Buy now' }));
		assert.deepEqual([item.success, item.reason, item.errorField], [false, 'recipient_not_allowed', 'userId']);
		assert.match(String(item.error), new RegExp(USER_A));
		assert.equal(meta.requests.length, 0);
	});

	it('sends to anyone when the workflow turns the guard rail off', async () => {
		const item = only(await tool({ userId: USER_B, messageText: 'Hi', onlyReplyToTriggeringUser: false }));
		assert.equal(item.success, true);
		assert.equal(meta.requests.length, 1);
	});

	it('refuses to send when it cannot tell who started the run', async () => {
		const item = only(await tool({ userId: USER_A, messageText: 'Hi', triggeringUsers: () => { throw new Error('no trigger'); } }));
		assert.deepEqual([item.success, item.reason], [false, 'guard_unavailable']);
		assert.equal(meta.requests.length, 0);
	});

	it('sends an identical call once per agent run, and again in another run', async () => {
		const run = 'agent-run-identical';
		const first = only(await tool({ userId: USER_A, messageText: 'Same words' }, { executionId: run }));
		const again = only(await tool({ userId: USER_A, messageText: 'Same words' }, { executionId: run }));
		const other = only(await tool({ userId: USER_A, messageText: 'Other words' }, { executionId: run }));
		assert.equal(first.success, true);
		assert.deepEqual([again.success, again.reason, again.messageId], [true, 'duplicate_call', first.messageId]);
		assert.equal(other.reason, undefined);
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
