import type { INodeProperties } from 'n8n-workflow';

export const messageOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Send Message',
				value: 'sendMessage',
				description: 'Send a text message to an Instagram user',
				action: 'Send a message',
			},
		],
		default: 'sendMessage',
	},
];

const sendMessage = { show: { operation: ['sendMessage'] } };

export const messageFields: INodeProperties[] = [
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '17841400000000000',
		description:
			"The recipient's Instagram-scoped ID (IGSID), digits only. Webhooks and the Conversations API give it as sender.ID; it is not the public Instagram user ID or username.",
		displayOptions: sendMessage,
	},
	{
		displayName: 'Message Text',
		name: 'messageText',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'Hello! Thanks for your message.',
		description: 'The text to send, up to 1000 bytes in UTF-8',
		typeOptions: { rows: 4 },
		displayOptions: sendMessage,
	},
];
