// The node description n8n shows: names, defaults, and agreement with the core.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';

import type { INodeProperties } from 'n8n-workflow';

import { loadNode } from '../support/nodeHarness';

describe('Instagram node description', () => {
	const { description } = loadNode();

	it('is the Instagram node with a Send Message operation', () => {
		assert.equal(description.displayName, 'Instagram');
		assert.equal(description.name, 'instagram');
		assert.equal(description.usableAsTool, true);
		const operation = description.properties.find((p) => p.name === 'operation')!;
		assert.equal(operation.default, 'sendMessage');
		assert.deepEqual(
			operation.options?.map((o) => ('value' in o ? [o.name, o.value] : [])),
			[['Send Message', 'sendMessage']],
		);
	});

	it('asks for User ID and Message Text with those internal names', () => {
		const fields = Object.fromEntries(description.properties.map((p) => [p.name, p]));
		assert.equal(fields.userId.displayName, 'User ID');
		assert.equal(fields.messageText.displayName, 'Message Text');
		assert.equal(fields.userId.required, true);
		assert.equal(fields.messageText.required, true);
	});

	it('gathers the parameters userId and messageText for sendMessage', async () => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { operationParameters } = require(path.resolve('dist/js-wrapper/nodes/Instagram/gather.js'));
		assert.deepEqual(operationParameters(description.properties as INodeProperties[], 'sendMessage'), [
			'userId',
			'messageText',
		]);
	});

	it('offers the send options with safe defaults', () => {
		const options = description.properties.find((p) => p.name === 'options')!;
		const defaults = Object.fromEntries(
			(options.options as INodeProperties[]).map((option) => [option.name, option.default]),
		);
		assert.deepEqual(defaults, {
			concurrency: 25,
			maxRetries: 3,
			messagesPerSecond: 100,
			retryUnknownDelivery: false,
			timeout: 30000,
		});
	});
});
