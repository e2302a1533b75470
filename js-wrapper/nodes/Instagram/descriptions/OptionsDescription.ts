import type { INodeProperties } from 'n8n-workflow';

import { CATALOG } from '../../../bridge/generated/catalog';

const profileFields = CATALOG.operations
	.find((operation) => operation.name === 'getProfile')!
	.fields.find((field) => field.name === 'fields')!;
const profileFieldsDefault = profileFields.rule.kind === 'fieldList' ? profileFields.rule.default : '';

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
				description: 'How many requests may be in flight at once',
			},
			{
				displayName: profileFields.label,
				name: 'fields',
				type: 'string',
				default: profileFieldsDefault,
				description: `Comma-separated profile fields to return (default ${profileFieldsDefault}); also available: follower_count, is_user_follow_business, is_business_follow_user, is_verified_user`,
				displayOptions: { show: { '/operation': ['getProfile'] } },
			},
			// The core's default; the lint rule only recognises literal defaults.
			// eslint-disable-next-line n8n-nodes-base/node-param-default-missing
			{
				displayName: CATALOG.optionLabels.maxRetries,
				name: 'maxRetries',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: CATALOG.retry.maxMaxRetries },
				default: CATALOG.retry.defaultMaxRetries,
				description:
					'How often to resend a request Meta did not accept (rate limits, temporary errors, connections that failed before sending)',
			},
			{
				displayName: CATALOG.optionLabels.messagesPerSecond,
				name: 'messagesPerSecond',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 2 },
				default: 100,
				description:
					'Upper limit on requests per second (0 for no limit). Meta allows about 100 per second with Instagram Login and 300 with Facebook Login; the node also slows down when Meta reports high usage.',
			},
			{
				displayName: CATALOG.optionLabels.retryUnknownDelivery,
				name: 'retryUnknownDelivery',
				type: 'boolean',
				default: false,
				description:
					'Whether to resend after a server error or timeout that leaves delivery unknown. This may deliver a message twice (at-least-once).',
			},
			{
				displayName: 'Timeout (Ms)',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 1000 },
				default: 30000,
				description: 'How long to wait for Meta to answer one request, in milliseconds',
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
}

/** The options as the description defines their defaults. */
export const DEFAULT_OPTIONS = Object.fromEntries(
	(optionsFields[0].options as INodeProperties[]).map((option) => [option.name, option.default]),
) as unknown as SendOptions;
