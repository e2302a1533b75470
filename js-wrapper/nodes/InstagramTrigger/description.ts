import type { INodeProperties } from 'n8n-workflow';

import { CATALOG } from '../../bridge/generated/catalog';

const trigger = CATALOG.trigger;

/** The trigger's parameters; event choices and defaults come from the core. */
export const triggerProperties: INodeProperties[] = [
	{
		displayName:
			"In Meta's App Dashboard (Webhooks, object Instagram), set the Callback URL to this trigger's Production URL and the Verify Token to the one below, then subscribe the fields of the events you chose. Or turn on Auto-Subscribe in Options.",
		name: 'setupNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		required: true,
		options: trigger.events.map((event) => ({
			name: event.label,
			value: event.value,
			description: `Meta's ${event.metaField} webhook field${event.value === 'echo' ? '. Your own replies come back as echoes: a workflow that answers echoes would answer itself.' : ''}`,
		})),
		// The core's defaults; the lint rule only recognises literal defaults.
		// eslint-disable-next-line n8n-nodes-base/node-param-default-wrong-for-multi-options
		default: trigger.events.filter((event) => event.default).map((event) => event.value),
		description: 'Which events start the workflow; one item per event',
	},
	{
		displayName: 'Verify Token',
		name: 'verifyToken',
		type: 'string',
		typeOptions: { password: true },
		required: true,
		default: '',
		description:
			"A secret you choose; enter the same in Meta's App Dashboard. Meta sends it when it checks the Callback URL, and the trigger answers only when it matches.",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Auto-Subscribe',
				name: 'autoSubscribe',
				type: 'boolean',
				default: false,
				description:
					"Whether to point the Meta app's instagram webhook at this trigger and subscribe the account when the workflow is activated (needs the credential's App ID; n8n must be reachable over public HTTPS). Deactivating removes only what activation added.",
			},
			// The core's default; the lint rule only recognises literal defaults.
			// eslint-disable-next-line n8n-nodes-base/node-param-default-missing
			{
				displayName: 'Deduplication Window (Hours)',
				name: 'deduplicationWindow',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: trigger.dedupDefaultHours,
				description: `How long a delivered event is remembered, so Meta's repeat deliveries start nothing (at most ${trigger.dedupMaxKeys} events; 0 turns it off)`,
			},
			{
				displayName: 'Include Raw Event',
				name: 'includeRawEvent',
				type: 'boolean',
				default: false,
				description: 'Whether each item also carries the event exactly as Meta sent it, as raw',
			},
		],
	},
];
