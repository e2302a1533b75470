import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { CATALOG } from '../../../bridge/generated/catalog';
import { rule } from '../descriptions/coreFields';

/**
 * The node as an AI Agent's tool (`instagramTool`): the operations an agent can use, a
 * description of each written for a model, `$fromAI` defaults for the parameters a model
 * fills, and the guard rail that keeps replies in the conversation that started the run.
 */

const textBytes = CATALOG.limits.textBytes;
const quickReplies = rule('sendQuickReplies', 'quickReplies', 'quickReplies');

/** The IGSID trap, spelled out for a model. */
const IGSID =
	"the person's Instagram-scoped ID (IGSID): the digits in userId of the incoming message, for example 17841400000000000. Never an @username, a name or a profile link: those are refused";

const RETURNS_SENT = 'Returns {success: true, messageId} when Instagram accepted it';
const RETURNS_ERROR = `or {success: false, error, reason, hint} saying why nothing was sent (reason "outside_window": the person last wrote more than 24 hours ago; "recipient_not_allowed": not the person this conversation is with; "duplicate_call" is not an error: the same call was already made in this run and was not repeated)`;

/** What a model fills, per parameter: `$fromAI` key, what to put there, and its type. */
interface FromAi {
	key: string;
	hint: string;
	type: 'string' | 'json' | 'number' | 'boolean';
	/** A default makes the argument optional. */
	fallback?: string;
}

interface ToolOperation {
	resource: string;
	/** For the model: what it does, what each argument means, what comes back. */
	description: string;
	/** Whether it writes to a person, so the guard rail applies. */
	sends: boolean;
}

/** The operations an agent can use; the others (uploads, templates built from nested lists) stay out. */
export const TOOL_OPERATIONS: Record<string, ToolOperation> = {
	sendMessage: {
		resource: 'message',
		sends: true,
		description: `Send a text message on Instagram to the person who wrote to us. Arguments: userId, ${IGSID}; messageText, plain text of at most ${textBytes} bytes in UTF-8 (emoji count 4). Instagram accepts replies only within 24 hours of the person's last message. ${RETURNS_SENT}, ${RETURNS_ERROR}.`,
	},
	sendQuickReplies: {
		resource: 'message',
		sends: true,
		description: `Send a text with 1 to ${quickReplies.maxCount} buttons the person can tap; their tap comes back as a new message whose text is the button's title. Arguments: userId, ${IGSID}; messageText, the question (at most ${textBytes} bytes); quickReplies, a JSON list of {"title": at most ${quickReplies.maxTitleChars} characters, "payload": a short code you choose}. ${RETURNS_SENT}, ${RETURNS_ERROR}.`,
	},
	sendMedia: {
		resource: 'message',
		sends: true,
		description: `Send an image, video, audio clip or file that is online at a public https URL. Arguments: userId, ${IGSID}; mediaType, one of image, video, audio, file; mediaUrl, the https address. ${RETURNS_SENT}, ${RETURNS_ERROR}.`,
	},
	sendHeartSticker: {
		resource: 'message',
		sends: true,
		description: `Send Instagram's heart sticker, a friendly acknowledgement. Argument: userId, ${IGSID}. ${RETURNS_SENT}, ${RETURNS_ERROR}.`,
	},
	react: {
		resource: 'message',
		sends: true,
		description: `React with a heart to one of the person's messages. Arguments: userId, ${IGSID}; messageId, the messageId of the incoming message. Returns {success: true} (no messageId), ${RETURNS_ERROR}.`,
	},
	sendAction: {
		resource: 'message',
		sends: true,
		description: `Show the person that we are typing (typing_on) while you look something up, hide it (typing_off), or mark their messages as seen (mark_seen). Arguments: userId, ${IGSID}; action, one of typing_on, typing_off, mark_seen. Returns {success: true}, ${RETURNS_ERROR}.`,
	},
	sendPrivateReply: {
		resource: 'message',
		sends: true,
		description: `Answer a comment on one of our posts with a private direct message to its author. Arguments: commentId, the commentId of the incoming comment event; messageText, at most ${textBytes} bytes. Instagram allows one private reply per comment, within 7 days. Returns {success: true, userId, messageId}, ${RETURNS_ERROR}.`,
	},
	getProfile: {
		resource: 'user',
		sends: false,
		description: `Look up the name, username and profile picture of a person who wrote to us. Argument: userId, ${IGSID}. Returns {success: true, userId, name, username, profile_pic}, or {success: false, error, reason, hint}.`,
	},
	getConversations: {
		resource: 'conversation',
		sends: false,
		description: `Find our Instagram conversation with a person. Argument: userId, ${IGSID}. Returns one item per conversation: {conversationId, updated_time, participants}; pass conversationId to the tool that reads messages.`,
	},
	getMessages: {
		resource: 'conversation',
		sends: false,
		description: `Read the latest messages of a conversation, newest first, to see what was said before. Argument: conversationId, from the tool that finds conversations. Returns one item per message: {messageId, created_time, from, to, message}. Instagram gives the text of the 20 newest messages only.`,
	},
};

/** The parameters a model fills, with what Meta and the core expect of each. */
const FROM_AI: Record<string, FromAi> = {
	userId: { key: 'userId', hint: `The person: ${IGSID}`, type: 'string' },
	messageText: { key: 'messageText', hint: `The message, plain text, at most ${textBytes} bytes of UTF-8`, type: 'string' },
	quickReplies: {
		key: 'quickReplies',
		hint: `A JSON list of 1 to ${quickReplies.maxCount} buttons: [{"title": "at most ${quickReplies.maxTitleChars} characters", "payload": "a short code"}]`,
		type: 'json',
	},
	mediaType: { key: 'mediaType', hint: 'One of image, video, audio, file', type: 'string' },
	mediaUrl: { key: 'mediaUrl', hint: 'The public https URL of the media', type: 'string' },
	messageId: { key: 'messageId', hint: "The messageId of the person's message", type: 'string' },
	action: { key: 'action', hint: 'One of typing_on, typing_off, mark_seen', type: 'string' },
	commentId: { key: 'commentId', hint: 'The commentId of the incoming comment event', type: 'string' },
	conversationId: { key: 'conversationId', hint: 'The conversationId the conversation search returned', type: 'string' },
};

function fromAi({ key, hint, type, fallback }: FromAi): string {
	const quote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
	return `={{ $fromAI(${[quote(key), quote(hint), quote(type), ...(fallback === undefined ? [] : [quote(fallback)])].join(', ')}) }}`;
}

/** The sending operations the guard rail covers. */
export const GUARDED_OPERATIONS = Object.entries(TOOL_OPERATIONS)
	.filter(([, spec]) => spec.sends)
	.map(([name]) => name);

/** Parameter names of the guard rail; read by the node in tool mode. */
export const GUARD_PARAMETER = 'onlyReplyToTriggeringUser';
export const TRIGGERING_USERS_PARAMETER = 'triggeringUsers';

/** Every userId and commentId the Instagram Trigger gave this run. */
const TRIGGERING_USERS_DEFAULT = "={{ $('Instagram Trigger').all().flatMap(item => [item.json.userId, item.json.commentId]).filter(Boolean) }}";

function isOperationList(property: INodeProperties): boolean {
	return property.name === 'operation' && property.type === 'options';
}

/** `property`, shown only in the node (`tool: false`) or only in its tool variant (`tool: true`). */
function onlyAs(property: INodeProperties, tool: boolean): INodeProperties {
	return { ...property, displayOptions: { ...property.displayOptions, show: { ...property.displayOptions?.show, '@tool': [tool] } } };
}

/** The tool variant's version of a property, or undefined when it is the same in both. */
function asTool(property: INodeProperties): INodeProperties | undefined {
	if (isOperationList(property)) {
		const options = (property.options as INodePropertyOptions[]).filter((option) => String(option.value) in TOOL_OPERATIONS);
		if (options.length === (property.options ?? []).length) return undefined;
		return { ...property, options, default: options.some((o) => o.value === property.default) ? property.default : (options[0]?.value ?? '') };
	}
	const shownFor = property.displayOptions?.show?.operation as string[] | undefined;
	const ai = FROM_AI[property.name];
	if (!ai || (shownFor && !shownFor.some((operation) => operation in TOOL_OPERATIONS))) return undefined;
	// Finding a conversation by person is optional: without a userId, the newest conversations.
	const tool: INodeProperties = {
		...property,
		default: fromAi(property.name === 'userId' && shownFor?.includes('getConversations') ? { ...ai, fallback: '' } : ai),
	};
	if (ai.type === 'json') {
		tool.type = 'json';
		delete tool.typeOptions;
		delete tool.options;
		delete tool.placeholder;
	}
	return tool;
}

/**
 * The node's properties with its AI Agent tool variant (`instagramTool`) beside them, told
 * apart by n8n's `@tool` display option: in the tool, only the operations an agent can use,
 * `$fromAI` defaults for what a model fills, a description per operation written for a
 * model, and the guard rail.
 */
export function withToolVariant(base: INodeProperties[]): INodeProperties[] {
	const properties: INodeProperties[] = [];
	for (const property of base) {
		const tool = asTool(property);
		if (tool) properties.push(onlyAs(property, false), onlyAs(tool, true));
		else properties.push(property);
	}
	const sending = { show: { '@tool': [true], operation: GUARDED_OPERATIONS } };
	return [
		...properties,
		...Object.entries(TOOL_OPERATIONS).map(
			// The default is each operation's description; the lint rule only recognises literal defaults.
			// eslint-disable-next-line n8n-nodes-base/node-param-default-missing
			([operation, spec]): INodeProperties => ({
				displayName: 'Tool Description',
				name: 'toolDescription',
				type: 'string',
				typeOptions: { rows: 4 },
				default: spec.description,
				description: 'What the AI Agent reads about this tool: what it does, its arguments and what it returns',
				displayOptions: { show: { '@tool': [true], resource: [spec.resource], operation: [operation] } },
			}),
		),
		{
			displayName: 'Only Reply To The Triggering User',
			name: GUARD_PARAMETER,
			type: 'boolean',
			default: true,
			description:
				'Whether to refuse any recipient other than the people (or comments) whose events started this run, whatever the model asks for',
			displayOptions: sending,
		},
		{
			displayName: 'Triggering Users',
			name: TRIGGERING_USERS_PARAMETER,
			type: 'string',
			default: TRIGGERING_USERS_DEFAULT,
			hint: 'If your trigger node has another name than Instagram Trigger, change it in this expression',
			description: 'The IGSIDs and comment IDs this tool may send to: by default every userId and commentId the Instagram Trigger gave this run',
			displayOptions: { show: { ...sending.show, [GUARD_PARAMETER]: [true] } },
		},
	];
}
