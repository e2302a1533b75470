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
			"The person's Instagram-scoped ID (IGSID), digits only. The Instagram Trigger gives it as userId, Meta's webhooks as sender.id and the Conversations API as the participant's ID; it is not the public Instagram user ID or the @username.",
		hint: 'The IGSID (digits, e.g. from {{ $json.userId }} of the Instagram Trigger), not the @username',
		displayOptions,
	};
}

/** The canvas subtitle: the resource's and the operation's labels, as the editor shows them. */
export function subtitleOf(resources: INodeProperties, operationLists: INodeProperties[]): string {
	const labels = (list: INodeProperties) =>
		Object.fromEntries(((list.options ?? []) as Array<{ name: string; value: string }>).map((option) => [option.value, option.name]));
	const operations: Record<string, string> = { __CUSTOM_API_CALL__: 'Custom API Call' };
	for (const list of operationLists) Object.assign(operations, labels(list));
	const resourceLabels = JSON.stringify(labels(resources));
	const operationLabels = JSON.stringify(operations);
	return `={{ $parameter["operation"] === "__CUSTOM_API_CALL__" ? "Custom API Call" : (${resourceLabels}[$parameter["resource"]] || $parameter["resource"]) + ": " + (${operationLabels}[$parameter["operation"]] || $parameter["operation"]) }}`;
}
