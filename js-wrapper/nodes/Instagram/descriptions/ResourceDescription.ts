import type { INodeProperties } from 'n8n-workflow';

/** The node's resources. A workflow saved before resources existed has none: it gets the default. */
export const resourceProperty: INodeProperties = {
	displayName: 'Resource',
	name: 'resource',
	type: 'options',
	noDataExpression: true,
	options: [
		{ name: 'Conversation', value: 'conversation' },
		{ name: 'Message', value: 'message' },
		{ name: 'User', value: 'user' },
	],
	default: 'message',
};
