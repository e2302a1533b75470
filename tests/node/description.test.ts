// The node description n8n shows, against what the core declares (its catalog): the
// resources and operations, every field's name, label, rules and defaults, the credential
// defaults, the retry default and cap, the text limit, and the option labels that the
// core's messages quote. Names that workflows store are also written out here, so a rename
// fails even if description and core were renamed together.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';

import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { Catalog, FieldSpec } from '../../js-wrapper/bridge/types';
import { loadCredential, loadNode } from '../support/nodeHarness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CATALOG } = require(path.resolve('dist/js-wrapper/bridge/generated/catalog.js')) as { CATALOG: Catalog };

function optionValues(property: INodeProperties | undefined): unknown[] {
	return ((property?.options ?? []) as INodePropertyOptions[]).map((option) => option.value);
}

/** Whether `displayOptions.show` makes the property visible for this resource and operation. */
function shownFor(property: INodeProperties, resource: string, operation: string): boolean {
	const show = property.displayOptions?.show ?? {};
	const resources = show.resource ?? show['/resource'];
	const operations = show.operation ?? show['/operation'];
	return (!resources || resources.includes(resource)) && (!operations || operations.includes(operation));
}

describe('Instagram node description', () => {
	const { description } = loadNode();
	const properties = description.properties;

	it('is the Instagram node, usable as an AI tool', () => {
		assert.equal(description.displayName, 'Instagram');
		assert.equal(description.name, 'instagram');
		assert.equal(description.usableAsTool, true);
	});

	it('offers the resources the core declares, message the default', () => {
		const resource = properties.find((p) => p.name === 'resource')!;
		assert.deepEqual(optionValues(resource), ['conversation', 'message', 'user']);
		assert.deepEqual(CATALOG.resources, ['message', 'conversation', 'user']);
		assert.equal(resource.default, CATALOG.resources[0]);
		assert.equal(resource.default, 'message');
	});

	it('offers exactly the operations the core declares, under their resources', () => {
		const offered: string[] = [];
		for (const resource of CATALOG.resources) {
			const operation = properties.find((p) => p.name === 'operation' && shownFor(p, resource, ''))!;
			assert.ok(operation, `an operation list for ${resource}`);
			for (const value of optionValues(operation)) {
				offered.push(String(value));
				const spec = CATALOG.operations.find((op) => op.name === value);
				assert.ok(spec, `${String(value)} is not in the core's registry`);
				assert.equal(spec.resource, resource, `${String(value)} sits under ${resource}`);
			}
		}
		assert.deepEqual(offered.sort(), CATALOG.operations.map((op) => op.name).sort());
		assert.deepEqual(offered.sort(), [
			'getConversations',
			'getMessages',
			'getProfile',
			'react',
			'sendAction',
			'sendButtonTemplate',
			'sendGenericTemplate',
			'sendHeartSticker',
			'sendImages',
			'sendMedia',
			'sendMessage',
			'sendPrivateReply',
			'sendQuickReplies',
			'sharePost',
			'unreact',
			'uploadAttachment',
		]);
		const messageOperation = properties.find((p) => p.name === 'operation' && shownFor(p, 'message', ''))!;
		assert.equal(messageOperation.default, 'sendMessage', 'a workflow saved before resources existed still sends messages');
	});

	/** Checks one property against the core's field; throws what disagrees. */
	function agrees(property: INodeProperties, field: FieldSpec): void {
		assert.equal(property.displayName, field.label, `${field.parameter}: label`);
		if (field.required) assert.equal(property.required, true, `${field.parameter}: required`);
		if (property.required && !field.required) {
			// Required only where it is shown: for one choice of another parameter.
			const conditions = Object.keys(property.displayOptions?.show ?? {}).filter((key) => !['resource', 'operation'].includes(key));
			assert.ok(conditions.length > 0, `${field.parameter}: marked required but the core does not require it`);
		}
		const rule = field.rule;
		if (rule.kind === 'choice') {
			assert.deepEqual([...optionValues(property)].sort(), [...rule.values].sort(), `${field.parameter}: choices`);
		}
		if ('default' in rule) assert.equal(property.default, rule.default, `${field.parameter}: default`);
		if (rule.kind === 'text') {
			assert.match(String(property.description), new RegExp(`\\b${rule.maxBytes} bytes\\b`));
			if (rule.maxChars !== null) assert.match(String(property.description), new RegExp(`\\b${rule.maxChars} characters\\b`));
		}
		if (rule.kind === 'integer') {
			assert.equal(property.typeOptions?.minValue, rule.min, `${field.parameter}: min`);
			assert.equal(property.typeOptions?.maxValue, rule.max, `${field.parameter}: max`);
		}
		if (rule.kind === 'quickReplies') assert.equal(property.typeOptions?.maxAllowedFields, rule.maxCount);
		if (rule.kind === 'elements') assert.equal(property.typeOptions?.maxAllowedFields, rule.maxCount);
		if (rule.kind === 'buttons') assert.equal(property.typeOptions?.maxAllowedFields, rule.max);
	}

	for (const spec of CATALOG.operations) {
		it(`shows every field ${spec.name} reads, with the core's name, label and rule`, () => {
			for (const field of spec.fields) {
				const [topName, optionName] = field.parameter.split('.');
				const tops = properties.filter((p) => p.name === topName && shownFor(p, spec.resource, spec.name));
				assert.ok(tops.length > 0, `${spec.name}: no parameter ${topName} is shown`);
				// Fields that share a parameter (Media Type for a URL or a file) have one property each.
				const candidates = optionName
					? tops.flatMap((top) => (top.options as INodeProperties[]).filter((o) => o.name === optionName && shownFor(o, spec.resource, spec.name)))
					: tops;
				assert.ok(candidates.length > 0, `${spec.name}: no option ${field.parameter}`);
				const problems: string[] = [];
				for (const property of candidates) {
					try {
						agrees(property, field);
						break;
					} catch (error) {
						problems.push((error as Error).message);
					}
				}
				assert.ok(problems.length < candidates.length, `${spec.name}.${field.name}: ${problems.join(' | ')}`);
			}
		});
	}

	it('states the text limit Meta enforces, 1000 bytes', () => {
		assert.equal(CATALOG.limits.textBytes, 1000);
		const messageText = properties.find((p) => p.name === 'messageText')!;
		assert.match(String(messageText.description), /1000 bytes/);
	});

	it('offers the options with safe defaults and the retry default and cap of the core', () => {
		const options = properties.find((p) => p.name === 'options')!;
		const byName = Object.fromEntries((options.options as INodeProperties[]).map((option) => [option.name, option]));
		assert.deepEqual(
			Object.fromEntries(
				Object.entries(byName)
					.filter(([name]) => !['fields', 'messagingType', 'replyToMessageId', 'tag'].includes(name))
					.map(([name, o]) => [name, o.default]),
			),
			{ concurrency: 25, maxRetries: 3, messagesPerSecond: 100, retryUnknownDelivery: false, sentKey: '', timeout: 30000, workers: 1 },
		);
		assert.equal(byName.maxRetries.default, CATALOG.retry.defaultMaxRetries);
		assert.equal(byName.maxRetries.typeOptions?.maxValue, CATALOG.retry.maxMaxRetries);
		assert.equal(CATALOG.retry.maxMaxRetries, 10);
	});

	it("labels the options exactly as the core's messages quote them", () => {
		const options = properties.find((p) => p.name === 'options')!;
		const label = (name: string) => (options.options as INodeProperties[]).find((o) => o.name === name)?.displayName;
		assert.equal(label('retryUnknownDelivery'), CATALOG.optionLabels.retryUnknownDelivery);
		assert.equal(label('messagesPerSecond'), CATALOG.optionLabels.messagesPerSecond);
		assert.equal(label('maxRetries'), CATALOG.optionLabels.maxRetries);
	});

	it("gives the credential the core's defaults for API version, base URL and login type", () => {
		const credential = loadCredential();
		const byName = Object.fromEntries(credential.properties.map((p) => [p.name, p]));
		assert.equal(byName.apiVersion.default, CATALOG.credentialDefaults.apiVersion);
		assert.equal(byName.baseUrl.default, CATALOG.credentialDefaults.baseUrl);
		assert.equal(byName.loginType.default, CATALOG.credentialDefaults.loginType);
		assert.deepEqual(optionValues(byName.loginType), CATALOG.loginTypes);
		assert.equal(CATALOG.credentialDefaults.apiVersion, 'v18.0');
	});

	it('gathers for each operation exactly the parameters the core reads', async () => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { operationParameters } = require(path.resolve('dist/js-wrapper/nodes/Instagram/gather.js'));
		assert.deepEqual(
			operationParameters('sendMessage').map((f: { parameter: string }) => f.parameter),
			['userId', 'messageText', 'options.replyToMessageId', 'options.messagingType', 'options.tag'],
		);
		assert.deepEqual(
			operationParameters('sendMedia').map((f: { parameter: string }) => f.parameter),
			[
				'userId',
				'mediaSource',
				'mediaType',
				'mediaType',
				'mediaUrl',
				'binaryPropertyName',
				'attachmentId',
				'options.replyToMessageId',
				'options.messagingType',
				'options.tag',
			],
		);
		assert.deepEqual(
			operationParameters('getConversations').map((f: { parameter: string }) => f.parameter),
			['userId', 'returnAll', 'limit'],
		);
		assert.deepEqual(
			operationParameters('getProfile').map((f: { parameter: string }) => f.parameter),
			['userId', 'options.fields'],
		);
		assert.deepEqual(operationParameters('noSuchOperation'), []);
	});
});

describe('the AI tool variant of a property list (withToolVariant)', () => {
	// The node's own list exercises only the shapes it has today; these are the shapes a new
	// resource or field would bring.
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { withToolVariant } = require(path.resolve('dist/js-wrapper/nodes/Instagram/tool/toolDescription.js')) as {
		withToolVariant: (base: INodeProperties[]) => INodeProperties[];
	};
	const toolSide = (list: INodeProperties[], name: string) =>
		list.find((p) => p.name === name && (p.displayOptions?.show?.['@tool'] as boolean[] | undefined)?.[0] === true);

	it("an operation list whose default the tool does not offer defaults to the tool's first operation there", () => {
		const operation: INodeProperties = {
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Upload Attachment', value: 'uploadAttachment' },
				{ name: 'Send Message', value: 'sendMessage' },
			],
			default: 'uploadAttachment',
			displayOptions: { show: { resource: ['message'] } },
		};
		const tool = toolSide(withToolVariant([operation]), 'operation');
		assert.deepEqual(optionValues(tool), ['sendMessage'], 'uploads are not offered to a model');
		assert.equal(tool?.default, 'sendMessage');
		// No operation of the list offered at all: an empty default rather than one the list lacks.
		const none = toolSide(withToolVariant([{ ...operation, options: [{ name: 'Upload Attachment', value: 'uploadAttachment' }] }]), 'operation');
		assert.deepEqual(optionValues(none), []);
		assert.equal(none?.default, '');
	});

	it('a field a model fills gets its $fromAI default even when it is shown for every operation', () => {
		const messageText: INodeProperties = { displayName: 'Message Text', name: 'messageText', type: 'string', default: '' };
		const list = withToolVariant([messageText]);
		assert.match(String(toolSide(list, 'messageText')?.default), /^=\{\{ \$fromAI\('messageText', /);
		// Only the user ID of a conversation search is optional for a model; a text never is.
		assert.doesNotMatch(String(toolSide(list, 'messageText')?.default), /, ''\) \}\}$/);
		const onConversations = withToolVariant([{ ...messageText, displayOptions: { show: { operation: ['getConversations'] } } }]);
		assert.match(String(toolSide(onConversations, 'messageText')?.default), /'string'\) \}\}$/);
		// A user ID shown for every operation is required: only the conversation search's is optional.
		const userId = withToolVariant([{ displayName: 'User ID', name: 'userId', type: 'string', default: '' }]);
		assert.match(String(toolSide(userId, 'userId')?.default), /^=\{\{ \$fromAI\('userId', .*'string'\) \}\}$/);
	});
});
