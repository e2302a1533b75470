import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

import { CATALOG } from '../../../bridge/generated/catalog';
import type { FieldSpec } from '../../../bridge/types';
import { coreField, fieldProperty, rule } from './coreFields';
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
				name: 'React',
				value: 'react',
				description: 'React to a message the person sent (a heart, or an emoji with Instagram Login)',
				action: 'React to a message',
			},
			{
				name: 'Send Action',
				value: 'sendAction',
				description: 'Show or hide the typing indicator, or mark the conversation as seen',
				action: 'Send a typing indicator or mark as seen',
			},
			{
				name: 'Send Button Template',
				value: 'sendButtonTemplate',
				description: 'Send a text with up to three buttons that open a link or send a postback',
				action: 'Send a button template',
			},
			{
				name: 'Send Generic Template',
				value: 'sendGenericTemplate',
				description: 'Send up to ten cards with a title, picture, link and buttons',
				action: 'Send a generic template',
			},
			{
				name: 'Send Heart Sticker',
				value: 'sendHeartSticker',
				description: "Send Instagram's heart sticker",
				action: 'Send a heart sticker',
			},
			{
				name: 'Send Images',
				value: 'sendImages',
				description: 'Send two to ten images in one message',
				action: 'Send images',
			},
			{
				name: 'Send Media',
				value: 'sendMedia',
				description: "Send an image, video, audio clip or file: from a URL, from the item's binary data, or by attachment ID",
				action: 'Send media',
			},
			{
				name: 'Send Message',
				value: 'sendMessage',
				description: 'Send a text message to an Instagram user',
				action: 'Send a message',
			},
			{
				name: 'Send Private Reply',
				value: 'sendPrivateReply',
				description: 'Answer a comment on your post or reel with a direct message to its author',
				action: 'Send a private reply to a comment',
			},
			{
				name: 'Send Quick Replies',
				value: 'sendQuickReplies',
				description: 'Send a text with up to 13 tappable replies',
				action: 'Send quick replies',
			},
			{
				name: 'Share Post',
				value: 'sharePost',
				description: "Share one of your account's posts in the conversation",
				action: 'Share a post',
			},
			{
				name: 'Unreact',
				value: 'unreact',
				description: 'Take back your reaction to a message',
				action: 'Remove a reaction from a message',
			},
			{
				name: 'Upload Attachment',
				value: 'uploadAttachment',
				description: 'Upload media once and send it many times by its attachment ID (Facebook Login)',
				action: 'Upload an attachment',
			},
		],
		default: 'sendMessage',
	},
];

const show = (...operation: string[]): IDisplayOptions => ({ show: { resource: ['message'], operation } });

const textBytes = CATALOG.limits.textBytes;
const buttonText = rule('sendButtonTemplate', 'messageText', 'text');
const quickReplies = rule('sendQuickReplies', 'quickReplies', 'quickReplies');
const elements = rule('sendGenericTemplate', 'elements', 'elements');
const buttons = rule('sendButtonTemplate', 'buttons', 'buttons');
const imageUrls = rule('sendImages', 'imageUrls', 'urlList');
const binaryFormats = CATALOG.binaryFormats;
const megabytes = (mediaType: string) =>
	Math.max(...binaryFormats.filter((f) => f.mediaType === mediaType).map((f) => f.maxBytes)) / (1024 * 1024);
const formatsText = `images up to ${megabytes('image')} MB (PNG, JPEG, GIF), audio up to ${megabytes('audio')} MB (AAC, M4A, WAV, MP4), video up to ${megabytes('video')} MB (MP4, OGG, AVI, MOV, WEBM) and PDF files up to ${megabytes('file')} MB`;

const messageText = (operation: string, displayOptions: IDisplayOptions, extra = ''): INodeProperties =>
	fieldProperty(operation, 'messageText', displayOptions, {
		placeholder: 'Hello! Thanks for your message.',
		description: `The text to send, up to ${textBytes} bytes in UTF-8${extra}`,
		hint: `Up to ${textBytes} bytes (an emoji takes 4)`,
		typeOptions: { rows: 4 },
	});

/** The rule that costs people the most messages, shown where they send. */
const windowNotice: INodeProperties = {
	displayName:
		"Instagram delivers a message only within 24 hours of the person's last message to your account (up to 7 days with the Human Agent tag in Options). Outside that window Meta refuses it and nothing is sent.",
	name: 'replyWindowNotice',
	type: 'notice',
	default: '',
	displayOptions: {
		show: {
			resource: ['message'],
			operation: CATALOG.operations
				.filter((op) => op.resource === 'message' && op.fields.some((field) => field.parameter === 'options.messagingType'))
				.map((op) => op.name),
		},
	},
};

/** The Media Type a file takes: it may be Auto. */
const isFileMediaType = (field: FieldSpec) => field.rule.kind === 'choice' && field.rule.values.includes('auto');

const mediaTypeOptions = [
	{ name: 'Audio', value: 'audio' },
	{ name: 'File', value: 'file' },
	{ name: 'Image', value: 'image' },
	{ name: 'Video', value: 'video' },
];

/**
 * Where media comes from, and the fields of each source. `operation`'s sources are the
 * core's; `when` narrows the display (a private reply shows media only when it replies with
 * media).
 */
function mediaFields(operation: string, when: Record<string, string[]> = {}): INodeProperties[] {
	const display = (source?: string[]): IDisplayOptions => ({
		show: { resource: ['message'], operation: [operation], ...when, ...(source ? { mediaSource: source } : {}) },
	});
	const sources = rule(operation, 'mediaSource', 'choice').values;
	const sourceNames: Record<string, { name: string; description: string }> = {
		url: { name: 'URL', description: "An https address Meta's servers fetch" },
		binary: { name: 'Binary File', description: "A file in the input item's binary data, uploaded first (Facebook Login)" },
		attachmentId: { name: 'Attachment ID', description: 'Media uploaded earlier with Upload Attachment' },
	};
	const byUrlOrId = sources.filter((source) => source !== 'binary');
	return [
		fieldProperty(operation, 'mediaSource', display(), {
			type: 'options',
			options: sources.map((value) => ({ value, ...sourceNames[value] })),
			description: 'Where the media comes from',
		}),
		fieldProperty(operation, 'mediaType', display(byUrlOrId), {
			type: 'options',
			options: mediaTypeOptions,
			description: `What the media is. Meta accepts ${formatsText}.`,
		}),
		...(sources.includes('binary')
			? [
					fieldProperty(coreField(operation, 'mediaType', isFileMediaType), 'mediaType', display(['binary']), {
						type: 'options',
						options: [{ name: 'Auto (From the MIME Type)', value: 'auto' }, ...mediaTypeOptions],
						description: "What the file is; Auto takes it from the file's MIME type. A type you choose must agree with the file.",
					}),
				]
			: []),
		fieldProperty(operation, 'mediaUrl', display(['url']), {
			required: true,
			placeholder: 'https://example.com/picture.jpg',
			description: "An absolute https address Meta's servers can fetch",
		}),
		fieldProperty(operation, 'binaryPropertyName', display(['binary']), {
			required: true,
			hint: 'The name of the input binary field holding the file',
			description: `The file's type comes from its MIME type. Meta accepts ${formatsText}; a larger file is refused before anything is uploaded. Identical files are uploaded once per execution.`,
		}),
		...(sources.includes('attachmentId')
			? [
					fieldProperty(operation, 'attachmentId', display(['attachmentId']), {
						required: true,
						placeholder: '1857777774821032',
						description: 'The ID Upload Attachment returned; Meta keeps reusable attachments for 90 days',
					}),
				]
			: []),
	];
}

function buttonValues(titleChars: number): INodeProperties[] {
	return [
		{
			displayName: 'Type',
			name: 'type',
			type: 'options',
			options: [
				{ name: 'Open URL', value: 'web_url' },
				{ name: 'Postback', value: 'postback', description: 'Sends the payload to your webhook when tapped' },
			],
			default: 'web_url',
		},
		{
			displayName: 'Title',
			name: 'title',
			type: 'string',
			default: '',
			description: `The button's label, up to ${titleChars} characters`,
		},
		{
			displayName: 'URL',
			name: 'url',
			type: 'string',
			default: '',
			placeholder: 'https://example.com',
			displayOptions: { show: { type: ['web_url'] } },
		},
		{
			displayName: 'Payload',
			name: 'payload',
			type: 'string',
			default: '',
			description: 'What the postback webhook carries when the person taps',
			displayOptions: { show: { type: ['postback'] } },
		},
	];
}

export const messageFields: INodeProperties[] = [
	windowNotice,
	userIdField(
		show(
			'react',
			'sendAction',
			'sendButtonTemplate',
			'sendGenericTemplate',
			'sendHeartSticker',
			'sendImages',
			'sendMedia',
			'sendMessage',
			'sendQuickReplies',
			'sharePost',
			'unreact',
		),
	),
	messageText('sendMessage', show('sendMessage')),
	messageText('sendQuickReplies', show('sendQuickReplies')),
	messageText(
		'sendButtonTemplate',
		show('sendButtonTemplate'),
		`, at most ${buttonText.maxChars} characters (shown above the buttons)`,
	),

	// Send Media, Upload Attachment
	...mediaFields('sendMedia'),
	...mediaFields('uploadAttachment'),

	// Send Images
	fieldProperty('sendImages', 'imageUrls', show('sendImages'), {
		placeholder: 'https://example.com/1.jpg\nhttps://example.com/2.jpg',
		description: `${imageUrls.min} to ${imageUrls.max} https image URLs, one per line (or a list from an expression)`,
		typeOptions: { rows: 4 },
	}),

	// Share Post
	fieldProperty('sharePost', 'postId', show('sharePost'), {
		placeholder: '17900000000000000',
		description: "The ID of one of your account's posts (the media ID from the Graph API or a webhook)",
	}),

	// Send Quick Replies
	fieldProperty('sendQuickReplies', 'quickReplies', show('sendQuickReplies'), {
		type: 'fixedCollection',
		default: {},
		placeholder: 'Add Quick Reply',
		typeOptions: { multipleValues: true, maxAllowedFields: quickReplies.maxCount },
		description: `1 to ${quickReplies.maxCount} replies the person can tap; the tap comes back as a message webhook with the payload`,
		options: [
			{
				displayName: 'Quick Reply',
				name: 'values',
				values: [
					{
						displayName: 'Title',
						name: 'title',
						type: 'string',
						default: '',
						description: `What the button says, up to ${quickReplies.maxTitleChars} characters`,
					},
					{
						displayName: 'Payload',
						name: 'payload',
						type: 'string',
						default: '',
						description: `What the webhook carries when tapped, up to ${quickReplies.maxPayloadChars} characters`,
					},
				],
			},
		],
	}),

	// Send Generic Template
	fieldProperty('sendGenericTemplate', 'elements', show('sendGenericTemplate'), {
		type: 'fixedCollection',
		default: {},
		placeholder: 'Add Element',
		typeOptions: { multipleValues: true, maxAllowedFields: elements.maxCount },
		description: `1 to ${elements.maxCount} cards, shown side by side`,
		options: [
			{
				displayName: 'Element',
				name: 'values',
				values: [
					{
						displayName: 'Buttons',
						name: 'buttons',
						type: 'fixedCollection',
						default: {},
						placeholder: 'Add Button',
						typeOptions: { multipleValues: true, maxAllowedFields: elements.maxButtons },
						description: `Up to ${elements.maxButtons} buttons`,
						options: [{ displayName: 'Button', name: 'values', values: buttonValues(buttons.maxTitleChars) }],
					},
					{
						displayName: 'Default Action URL',
						name: 'defaultActionUrl',
						type: 'string',
						default: '',
						description: 'The page that opens when the card itself is tapped',
					},
					{
						displayName: 'Image URL',
						name: 'imageUrl',
						type: 'string',
						default: '',
						placeholder: 'https://example.com/product.jpg',
					},
					{
						displayName: 'Subtitle',
						name: 'subtitle',
						type: 'string',
						default: '',
						description: `Up to ${elements.maxSubtitleChars} characters`,
					},
					{
						displayName: 'Title',
						name: 'title',
						type: 'string',
						default: '',
						description: `Required, up to ${elements.maxTitleChars} characters`,
					},
				],
			},
		],
	}),

	// Send Button Template
	fieldProperty('sendButtonTemplate', 'buttons', show('sendButtonTemplate'), {
		type: 'fixedCollection',
		default: {},
		placeholder: 'Add Button',
		typeOptions: { multipleValues: true, maxAllowedFields: buttons.max },
		description: `${buttons.min} to ${buttons.max} buttons`,
		options: [{ displayName: 'Button', name: 'values', values: buttonValues(buttons.maxTitleChars) }],
	}),

	// React, Unreact
	fieldProperty('react', 'messageId', show('react', 'unreact'), {
		placeholder: 'aWdfZAG1faWQ...',
		description: "The ID of the person's message (message.mid in the webhook)",
	}),
	fieldProperty('react', 'reaction', show('react'), {
		description:
			'Love (the heart) works with both login types; Instagram Login also takes any emoji, such as 😂. Reacting again replaces the reaction.',
	}),

	// Send Action
	fieldProperty('sendAction', 'action', show('sendAction'), {
		type: 'options',
		options: [
			{ name: 'Mark Seen', value: 'mark_seen', description: 'Mark the last message as seen' },
			{ name: 'Typing Off', value: 'typing_off', description: 'Hide the typing indicator' },
			{ name: 'Typing On', value: 'typing_on', description: 'Show the typing indicator (for up to 20 seconds)' },
		],
		description: 'What the person sees',
	}),

	// Send Private Reply
	fieldProperty('sendPrivateReply', 'commentId', show('sendPrivateReply'), {
		placeholder: '17858893269000000',
		description:
			'The comment to answer (the ID from the comments webhook). Meta allows one private reply per comment, within 7 days, up to 750 an hour.',
	}),
	fieldProperty('sendPrivateReply', 'replyWith', show('sendPrivateReply'), {
		type: 'options',
		options: [
			{ name: 'Text', value: 'text' },
			{ name: 'Media', value: 'media', description: "Meta's documentation shows text only; media may be refused" },
		],
		description: 'What the reply carries',
	}),
	messageText('sendPrivateReply', { show: { resource: ['message'], operation: ['sendPrivateReply'], replyWith: ['text'] } }),
	...mediaFields('sendPrivateReply', { replyWith: ['media'] }),
];
