import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

/** The person an operation is about: an Instagram-scoped ID, never a username. */
export function userIdField(displayOptions: IDisplayOptions): INodeProperties {
	return {
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '17841400000000000',
		// Meta's field is `sender.id`, in lower case: the lint rule would make it `sender.ID`,
		// which users copy into expressions and get undefined.
		// eslint-disable-next-line n8n-nodes-base/node-param-description-miscased-id
		description:
			"The person's Instagram-scoped ID (IGSID), digits only. Webhooks give it as sender.id and the Conversations API as the participant's ID; it is not the public Instagram user ID or the @username.",
		displayOptions,
	};
}
