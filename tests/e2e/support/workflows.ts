// Workflow and credential JSON for n8n's import commands.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { PACKAGE_NAME } from './n8n';

export const NODE_TYPE = `${PACKAGE_NAME}.instagram`;

export interface Node {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	onError?: string;
}

let counter = 0;

export function manualTrigger(name = 'Start'): Node {
	return { id: `n${++counter}`, name, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
}

/** A Code node that emits the given items. */
export function codeItems(name: string, items: Array<Record<string, unknown>>): Node {
	return {
		id: `n${++counter}`,
		name,
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [200, 0],
		parameters: { jsCode: `return ${JSON.stringify(items.map((json) => ({ json })))};` },
	};
}

export function instagram(
	name: string,
	credential: { id: string; name: string },
	parameters: { userId: string; messageText: string; options?: Record<string, unknown> },
	continueOnFail = true,
): Node {
	return {
		id: `n${++counter}`,
		name,
		type: NODE_TYPE,
		typeVersion: 1,
		position: [400, 0],
		parameters: { operation: 'sendMessage', options: {}, ...parameters },
		credentials: { instagramMessagingApi: credential },
		...(continueOnFail ? { onError: 'continueRegularOutput' } : {}),
	};
}

/** An Instagram node for any resource and operation, parameters as a workflow stores them. */
export function instagramOperation(
	name: string,
	credential: { id: string; name: string },
	parameters: Record<string, unknown>,
	continueOnFail = true,
): Node {
	return {
		id: `n${++counter}`,
		name,
		type: NODE_TYPE,
		typeVersion: 1,
		position: [400, 0],
		parameters,
		credentials: { instagramMessagingApi: credential },
		...(continueOnFail ? { onError: 'continueRegularOutput' } : {}),
	};
}

/** A workflow: a manual trigger feeding `chains`, each a list of nodes connected in order. */
export function workflow(id: string, name: string, chains: Node[][]): Record<string, unknown> {
	const trigger = manualTrigger();
	const nodes: Node[] = [trigger];
	const connections: Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }> = {};
	const link = (from: string, to: string) => {
		connections[from] ??= { main: [[]] };
		const targets = connections[from].main[0];
		if (!targets.some((t) => t.node === to)) targets.push({ node: to, type: 'main', index: 0 });
	};
	for (const chain of chains) {
		chain.forEach((node, i) => {
			if (!nodes.includes(node)) nodes.push(node);
			link(i === 0 ? trigger.name : chain[i - 1].name, node.name);
		});
	}
	return { id, name, active: false, settings: { executionOrder: 'v1' }, nodes, connections };
}

/** Any n8n node, positioned after the others. */
export function genericNode(name: string, type: string, typeVersion: number, parameters: Record<string, unknown>, credentials?: Node['credentials']): Node {
	return { id: `n${++counter}`, name, type, typeVersion, position: [600, 0], parameters, ...(credentials ? { credentials } : {}) };
}

export function credential(id: string, name: string, data: Record<string, string>) {
	return { id, name, type: 'instagramMessagingApi', data };
}

/** The first JSON code block after `heading` in the README: the examples users copy are the ones tested. */
export function readmeWorkflow(heading: string): Record<string, unknown> {
	const readme = readFileSync('README.md', 'utf8');
	const at = readme.indexOf(`\n${heading}\n`);
	if (at < 0) throw new Error(`README has no "${heading}"`);
	const block = /```json\n([\s\S]*?)\n```/.exec(readme.slice(at));
	if (!block) throw new Error(`README has no JSON block after "${heading}"`);
	return JSON.parse(block[1]) as Record<string, unknown>;
}

/**
 * The README's workflow under `heading`, as a user pastes it into the editor: the editor
 * gives each node an ID and each webhook a webhook ID; the user picks their credentials
 * (by type) and sets the trigger's Verify Token.
 */
export function pastedReadmeWorkflow(
	heading: string,
	id: string,
	set: { webhookId: string; verifyToken: string; credentials: Record<string, { id: string; name: string }> },
): Record<string, unknown> {
	const pasted = readmeWorkflow(heading);
	Object.assign(pasted, { id, active: false });
	for (const node of pasted.nodes as Array<Record<string, any>>) {
		node.id = `${id}-${String(node.name).replace(/\W+/g, '-')}`;
		for (const type of Object.keys(node.credentials ?? {})) {
			if (set.credentials[type]) node.credentials[type] = set.credentials[type];
		}
		if (String(node.type).endsWith('.instagramTrigger')) {
			node.webhookId = set.webhookId;
			node.parameters.verifyToken = set.verifyToken;
		}
	}
	return pasted;
}

/**
 * A campaign as people run one at scale: a production webhook (POST `{campaign, from,
 * count}` to `/webhook/<path>`) starts it, a Code node makes one item per recipient
 * (`<prefix>` and the number, 17 digits), and the Instagram node sends each the campaign's
 * message with `options`. Started by a webhook, it runs on a worker in queue mode.
 */
export function campaignWorkflow(id: string, hookPath: string, prefix: string, cred: { id: string; name: string }, options: Record<string, unknown>): Record<string, unknown> {
	const hook = { ...genericNode('Start campaign', 'n8n-nodes-base.webhook', 2, { httpMethod: 'POST', path: hookPath, responseMode: 'onReceived', options: {} }), webhookId: randomUUID() };
	const recipients = genericNode('Recipients', 'n8n-nodes-base.code', 2, {
		jsCode: `const { campaign, from, count } = $json.body;\nreturn Array.from({ length: count }, (_, i) => ({ json: { campaign, id: '${prefix}' + String(from + i).padStart(${17 - prefix.length}, '0') } }));`,
	});
	const send = {
		...genericNode(
			'Send campaign',
			NODE_TYPE,
			1,
			{ resource: 'message', operation: 'sendMessage', userId: '={{ $json.id }}', messageText: '={{ $json.campaign }}: 20% off this week', options },
			{ instagramMessagingApi: cred },
		),
		onError: 'continueRegularOutput',
	};
	return {
		id,
		name: id,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [hook, { ...recipients, position: [200, 0] }, { ...send, position: [400, 0] }],
		connections: {
			'Start campaign': { main: [[{ node: 'Recipients', type: 'main', index: 0 }]] },
			Recipients: { main: [[{ node: 'Send campaign', type: 'main', index: 0 }]] },
		},
	};
}
