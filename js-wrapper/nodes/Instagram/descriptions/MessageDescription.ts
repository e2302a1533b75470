import type { INodeProperties } from 'n8n-workflow';

import { CATALOG } from '../../../bridge/generated/catalog';
import { userIdField } from './shared';

export const messageOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{
				name: 'Send Action',
				value: 'sendAction',
				description: 'Show or hide the typing indicator, or mark the conversation as seen',
				action: 'Send a typing indicator or mark as seen',
			},
			{
				name: 'Send Media',
				value: 'sendMedia',
				description: 'Send an image, video, audio clip or file that Meta fetches from a URL',
				action: 'Send media',
			},
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

const show = (...operation: string[]) => ({ show: { resource: ['message'], operation } });

export const messageFields: INodeProperties[] = [
	userIdField(show('sendMessage', 'sendMedia', 'sendAction')),
	{
		displayName: 'Message Text',
		name: 'messageText',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'Hello! Thanks for your message.',
		description: `The text to send, up to ${CATALOG.limits.textBytes} bytes in UTF-8`,
		typeOptions: { rows: 4 },
		displayOptions: show('sendMessage'),
	},
	{
		displayName: 'Media Type',
		name: 'mediaType',
		type: 'options',
		required: true,
		options: [
			{ name: 'Audio', value: 'audio' },
			{ name: 'File', value: 'file' },
			{ name: 'Image', value: 'image' },
			{ name: 'Video', value: 'video' },
		],
		default: 'image',
		description: 'What the URL points to. Meta accepts PNG, JPEG and GIF images up to 8 MB, and audio, video and PDF files up to 25 MB.',
		displayOptions: show('sendMedia'),
	},
	{
		displayName: 'Media URL',
		name: 'mediaUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'https://example.com/picture.jpg',
		description: "An absolute https address Meta's servers can fetch",
		displayOptions: show('sendMedia'),
	},
	{
		displayName: 'Action',
		name: 'action',
		type: 'options',
		required: true,
		// A sender action, not an n8n operation: the lint rule reads any parameter named
		// `action` as an operation list.
		/* eslint-disable n8n-nodes-base/node-param-operation-option-without-action */
		options: [
			{ name: 'Mark Seen', value: 'mark_seen', description: 'Mark the last message as seen' },
			{ name: 'Typing Off', value: 'typing_off', description: 'Hide the typing indicator' },
			{ name: 'Typing On', value: 'typing_on', description: 'Show the typing indicator (for up to 20 seconds)' },
		],
		/* eslint-enable n8n-nodes-base/node-param-operation-option-without-action */
		default: 'typing_on',
		displayOptions: show('sendAction'),
	},
];
