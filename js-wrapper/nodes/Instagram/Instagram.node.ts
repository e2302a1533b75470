import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { INSTAGRAM_CREDENTIAL_TYPE } from '../../credentials/InstagramMessagingApi.credentials';
import { conversationFields, conversationOperations } from './descriptions/ConversationDescription';
import { messageFields, messageOperations } from './descriptions/MessageDescription';
import { optionsFields } from './descriptions/OptionsDescription';
import { resourceProperty } from './descriptions/ResourceDescription';
import { subtitleOf } from './descriptions/shared';
import { userFields, userOperations } from './descriptions/UserDescription';
import { executeNode } from './execute';
import { withToolVariant } from './tool/toolDescription';

/** The node's properties, and beside them its AI Agent tool variant's (n8n's `@tool` display option). */
const properties: INodeProperties[] = withToolVariant([
	resourceProperty,
	...messageOperations,
	...conversationOperations,
	...userOperations,
	...messageFields,
	...conversationFields,
	...userFields,
	...optionsFields,
]);

export class Instagram implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Instagram',
		name: 'instagram',
		icon: { light: 'file:instagram.svg', dark: 'file:instagram.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: subtitleOf(resourceProperty, [...messageOperations, ...conversationOperations, ...userOperations]),
		description: "Send Instagram direct messages, media and templates, and read conversations and profiles through Meta's Graph API",
		defaults: {
			name: 'Instagram',
		},
		usableAsTool: true,
		// The only output derived from the app secret (and only a prefix of the proof), marked
		// for n8n's execution-data redaction where a redaction policy applies it.
		sensitiveOutputFields: ['appSecretProofUsed'],
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: INSTAGRAM_CREDENTIAL_TYPE,
				required: true,
			},
		],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await executeNode(this)];
	}
}
