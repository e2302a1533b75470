import type { INodeProperties } from 'n8n-workflow';

import { CATALOG } from '../../../bridge/generated/catalog';
import { fieldProperty, rule } from './coreFields';

const profileFields = rule('getProfile', 'fields', 'fieldList');

/** The operations that send a message to a person, which take the message options. */
const messageSends = CATALOG.operations
	.filter((operation) => operation.fields.some((field) => field.parameter === 'options.messagingType'))
	.map((operation) => operation.name);
const onMessageSends = { show: { '/operation': messageSends } };
/** The operations that change something at Meta (sends, reactions, actions). */
const onSends = { show: { '/operation': CATALOG.operations.filter((operation) => operation.changes).map((operation) => operation.name) } };

/** Skip If Sent Before, read per item. */
export const SENT_KEY_OPTION = 'options.sentKey';

/** Execution-wide settings, read from the first item, and per-operation options. */
export const optionsFields: INodeProperties[] = [
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Concurrent Requests',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 200 },
				default: 25,
				description: 'How many requests may be in flight at once, 1 to 200',
			},
			fieldProperty('getProfile', 'fields', { show: { '/operation': ['getProfile'] } }, {
				description: `Comma-separated profile fields to return (default ${profileFields.default}); also available: follower_count, is_user_follow_business, is_business_follow_user, is_verified_user`,
			}),
			// The core's default; the lint rule only recognises literal defaults.
			// eslint-disable-next-line n8n-nodes-base/node-param-default-missing
			{
				displayName: CATALOG.optionLabels.maxRetries,
				name: 'maxRetries',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: CATALOG.retry.maxMaxRetries },
				default: CATALOG.retry.defaultMaxRetries,
				description: `How often to resend a request Meta did not accept (rate limits, temporary errors, connections that failed before sending), 0 to ${CATALOG.retry.maxMaxRetries}`,
			},
			{
				displayName: CATALOG.optionLabels.messagesPerSecond,
				name: 'messagesPerSecond',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 1000 },
				default: 100,
				description:
					'Upper limit on requests per second, 0 (no limit) to 1000; fractions such as 0.5 work too. Meta allows about 100 per second with Instagram Login and 300 with Facebook Login; the node also slows down when Meta reports high usage.',
			},
			fieldProperty('sendMessage', 'messagingType', onMessageSends, {
				type: 'options',
				options: [
					{ name: 'Message Tag', value: 'MESSAGE_TAG', description: 'Outside the 24-hour window, with the Tag below' },
					{ name: 'Response', value: 'RESPONSE', description: 'An answer to a message the person sent' },
					{ name: 'Update', value: 'UPDATE', description: 'A message you send first, within the 24-hour window' },
				],
				description: "Meta's messaging_type. Sender actions and reactions never carry it.",
			}),
			fieldProperty('sendMessage', 'replyToMessageId', onMessageSends, {
				placeholder: 'aWdfZAG1faWQ...',
				description: 'Quote this message of the conversation (message.mid in the webhook)',
			}),
			{
				displayName: CATALOG.optionLabels.retryUnknownDelivery,
				name: 'retryUnknownDelivery',
				type: 'boolean',
				default: false,
				description:
					'Whether to resend a message after a server error or timeout that leaves it unknown whether Meta delivered it. This may deliver a message twice (at-least-once).',
			},
			{
				displayName: 'Skip If Sent Before',
				name: 'sentKey',
				type: 'string',
				default: '',
				placeholder: "e.g. {{ 'spring-sale:' + $json.userId }}",
				displayOptions: onSends,
				description:
					"A key per item, such as the campaign and the recipient, kept in n8n's database once the item is sent. An item whose key is already there is not sent again, so re-running a campaign that stopped reaches only those it missed. Empty: every item is sent.",
			},
			fieldProperty('sendMessage', 'tag', onMessageSends, {
				type: 'options',
				options: [
					{
						name: 'Human Agent',
						value: 'HUMAN_AGENT',
						description: "A person's reply up to 7 days after the customer's last message",
					},
				],
				description:
					'HUMAN_AGENT is the only tag Instagram accepts: it lets a person on your team answer up to 7 days after the customer wrote, and needs the Human Agent feature approved in App Review. Setting it sends the message with Messaging Type Message Tag.',
			}),
			{
				displayName: 'Timeout',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 100, maxValue: 300000 },
				default: 30000,
				description: 'How long to wait for Meta to answer one request, in milliseconds: 100 to 300000 (5 minutes)',
			},
			{
				displayName: 'Workers Sharing Limit',
				name: 'workers',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 64 },
				default: 1,
				description:
					"In queue mode: how many n8n workers send for this Instagram account at the same time, 1 to 64. Each keeps to Messages Per Second and Meta's per-class limits divided by this number. Executions in one n8n process always share one limit per account.",
			},
		],
	},
];

export interface SendOptions {
	concurrency: number;
	messagesPerSecond: number;
	maxRetries: number;
	timeout: number;
	retryUnknownDelivery: boolean;
	workers: number;
}

/** A number option's range, as its description declares it. */
export function optionRange(name: keyof SendOptions): { label: string; min: number; max: number } {
	const option = (optionsFields[0].options as INodeProperties[]).find((o) => o.name === name)!;
	return {
		label: option.displayName,
		min: option.typeOptions?.minValue ?? Number.NEGATIVE_INFINITY,
		max: option.typeOptions?.maxValue ?? Number.POSITIVE_INFINITY,
	};
}

/** The options as the description defines their defaults. */
export const DEFAULT_OPTIONS = Object.fromEntries(
	(optionsFields[0].options as INodeProperties[]).map((option) => [option.name, option.default]),
) as unknown as SendOptions;
