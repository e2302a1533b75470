import type { INodeProperties } from 'n8n-workflow';

/** Execution-wide settings, read from the first item. Defaults suit Meta's limits. */
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
				description: 'How many messages may be in flight at once',
			},
			{
				displayName: 'Max Retries',
				name: 'maxRetries',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 10 },
				default: 3,
				description:
					'How often to resend a message Meta did not accept (rate limits, temporary errors, connections that failed before sending)',
			},
			{
				displayName: 'Messages Per Second',
				name: 'messagesPerSecond',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 2 },
				default: 100,
				description:
					'Upper limit on sends per second (0 for no limit). Meta allows about 100 per second with Instagram Login and 300 with Facebook Login; the node also slows down when Meta reports high usage.',
			},
			{
				displayName: 'Retry When Delivery Is Unknown',
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
