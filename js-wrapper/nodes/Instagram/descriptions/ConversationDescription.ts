import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

import { fieldProperty, rule } from './coreFields';

export const conversationOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['conversation'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getConversations',
				description: "Get your account's conversations, newest first, one item each",
				action: 'Get many conversations',
			},
			{
				name: 'Get Messages',
				value: 'getMessages',
				description: 'Get the messages of a conversation, newest first, one item each',
				action: 'Get messages of a conversation',
			},
		],
		default: 'getConversations',
	},
];

const show = (...operation: string[]): IDisplayOptions => ({ show: { resource: ['conversation'], operation } });

function paging(operation: string): INodeProperties[] {
	const limit = rule(operation, 'limit', 'integer');
	return [
		fieldProperty(operation, 'returnAll', show(operation), {
			type: 'boolean',
			description: 'Whether to return all results or only up to a given limit',
		}),
		fieldProperty(operation, 'limit', { show: { resource: ['conversation'], operation: [operation], returnAll: [false] } }, {
			type: 'number',
			typeOptions: { minValue: limit.min, maxValue: limit.max },
			description: 'Max number of results to return',
		}),
	];
}

export const conversationFields: INodeProperties[] = [
	fieldProperty('getConversations', 'userId', show('getConversations'), {
		placeholder: '17841400000000000',
		description: "Only the conversation with this person (their Instagram-scoped ID); leave empty for all",
	}),
	...paging('getConversations'),
	fieldProperty('getMessages', 'conversationId', show('getMessages'), {
		placeholder: 'aWdfZAG06MTpJR01lc3NhZA...',
		description: 'The ID Get Many returns as conversationId. Meta gives the details of the 20 newest messages only.',
	}),
	...paging('getMessages'),
];
