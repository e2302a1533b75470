import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { CATALOG } from '../../bridge/generated/catalog';
import { loadCore } from '../../bridge/loader';
import type { WebhookRequest } from '../../bridge/types';
import { INSTAGRAM_CREDENTIAL_TYPE } from '../../credentials/InstagramMessagingApi.credentials';
import { SEEN_KEY, savedWindow, windowFor } from './deduplication';
import { triggerProperties } from './description';
import { forgetRecord, keepRecord, recordOf, runSubscription } from './subscription';

/** The webhook path; Meta's Callback URL is `{WEBHOOK_URL}webhook/{webhookId}/webhook`. */
const PATH = 'webhook';

export class InstagramTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Instagram Trigger',
		name: 'instagramTrigger',
		icon: { light: 'file:../Instagram/instagram.svg', dark: 'file:../Instagram/instagram.dark.svg' },
		group: ['trigger'],
		version: 1,
		// The chosen events by their labels, as the editor lists them.
		subtitle: `={{ ($parameter["events"] || []).map((event) => (${JSON.stringify(Object.fromEntries(CATALOG.trigger.events.map((event) => [event.value, event.label])))})[event] || event).join(", ") }}`,
		description: 'Starts the workflow when someone messages, comments, reacts or mentions your Instagram account',
		defaults: { name: 'Instagram Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: INSTAGRAM_CREDENTIAL_TYPE, required: true}],
		webhooks: [
			// The GET is named apart from the POST so n8n runs the activation hooks once.
			{ name: 'setup', httpMethod: 'GET', responseMode: 'onReceived', path: PATH },
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: PATH },
		],
		properties: triggerProperties,
	};

	webhookMethods = {
		default: {
			// Activation always runs create(), which checks the set-up and is idempotent.
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const credentials = await this.getCredentials(INSTAGRAM_CREDENTIAL_TYPE);
				if (!String(credentials.appSecret ?? '').trim() && !String(credentials.webhookSecret ?? '').trim()) {
					throw new NodeOperationError(
						this.getNode(),
						"Instagram Trigger needs a secret to check Meta's signatures: enter the Meta app's App Secret (or the Webhook Secret) in the credential",
					);
				}
				const verifyToken = String(this.getNodeParameter('verifyToken', '') ?? '');
				if (!verifyToken) throw new NodeOperationError(this.getNode(), 'Instagram Trigger needs a Verify Token');
				const options = this.getNodeParameter('options', {}) as IDataObject;
				if (options.autoSubscribe !== true) return true;
				const staticData = this.getWorkflowStaticData('node');
				const id = recordId(this);
				const next = await runSubscription(
					this,
					false,
					{
						appId: String(credentials.appId ?? '').trim(),
						callbackUrl: this.getNodeWebhookUrl('default') ?? '',
						verifyToken,
						fields: metaFields(this.getNodeParameter('events', []) as string[]),
						record: recordOf(staticData, id),
					},
					credentials,
				);
				if (next.next === 'failed') throw new NodeOperationError(this.getNode(), `Instagram Trigger could not subscribe: ${next.message}`);
				if (next.next === 'subscribed') keepRecord(staticData, id, next.record);
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const staticData = this.getWorkflowStaticData('node');
				const id = recordId(this);
				const record = recordOf(staticData, id);
				if (!record) {
					const options = this.getNodeParameter('options', {}) as IDataObject;
					if (options.autoSubscribe === true) {
						this.logger.warn('Instagram Trigger: no record of what activation subscribed, so nothing was unsubscribed');
					}
					return true;
				}
				const credentials = await this.getCredentials(INSTAGRAM_CREDENTIAL_TYPE);
				const next = await runSubscription(
					this,
					true,
					{ appId: record.appId, callbackUrl: '', verifyToken: '', fields: [], record },
					credentials,
				);
				if (next.next === 'failed') {
					this.logger.warn(`Instagram Trigger: ${next.message}`);
					return false;
				}
				forgetRecord(staticData, id);
				return true;
			},
		},
	};

	/**
	 * Every request: the core decides (handshake, signature over the raw bytes, events to
	 * items); the trigger answers Meta itself, at once, and starts the workflow only with
	 * new events. It never throws: a throw would make n8n start a failed execution.
	 */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const res = this.getResponseObject();
		try {
			const req = this.getRequestObject();
			const isPost = this.getWebhookName() === 'default';
			if (isPost && !req.rawBody) await req.readRawBody?.();
			const body = isPost && Buffer.isBuffer(req.rawBody) ? req.rawBody : undefined;
			let credentials: IDataObject = {};
			try {
				credentials = await this.getCredentials(INSTAGRAM_CREDENTIAL_TYPE);
			} catch {
				// No credential: no secret, so every delivery is refused.
			}
			const options = this.getNodeParameter('options', {}) as IDataObject;
			const head: WebhookRequest = {
				method: isPost ? 'POST' : 'GET',
				query: plainQuery(req.query as IDataObject),
				signatures: headerValues(req.headersDistinct?.['x-hub-signature-256'] ?? req.headers['x-hub-signature-256']),
				hasBody: body !== undefined,
				secrets: [
					{ name: 'appSecret', value: String(credentials.appSecret ?? '').trim() },
					{ name: 'webhookSecret', value: String(credentials.webhookSecret ?? '').trim() },
				],
				verifyToken: String(this.getNodeParameter('verifyToken', '') ?? ''),
				settings: {
					events: (this.getNodeParameter('events', []) as string[]) ?? [],
					includeRawEvent: options.includeRawEvent === true,
				},
				nowMs: Date.now(),
			};
			const decision = (await loadCore()).receiveWebhook(head, body ?? new Uint8Array());
			if (decision.status !== 200) {
				this.logger.warn(`Instagram Trigger refused a ${head.method} with ${decision.status}: ${decision.reason ?? ''}`);
			} else if (decision.reason) {
				this.logger.info(`Instagram Trigger started nothing: ${decision.reason}`);
			}
			if (decision.matchedSecret) this.logger.debug(`Instagram Trigger: the signature matched the credential's ${decision.matchedSecret}`);

			const fresh = admitNew(this, decision.items, decision.keys, options);
			res.status(decision.status).type('text/plain').send(decision.body);
			if (fresh.length === 0) return { noWebhookResponse: true };
			return { noWebhookResponse: true, workflowData: [fresh.map((json) => ({ json }))] };
		} catch (error) {
			this.logger.error(`Instagram Trigger failed on a request: ${(error as Error).message}`);
			if (!res.headersSent) res.status(500).type('text/plain').send('Error');
			return { noWebhookResponse: true };
		}
	}
}

/** Which trigger a subscription record belongs to. */
function recordId(ctx: IHookFunctions): string {
	return `${ctx.getWorkflow().id ?? ''}:${ctx.getNode().id}`;
}

/** Meta's webhook fields for the chosen events. */
function metaFields(events: string[]): string[] {
	const fields = CATALOG.trigger.events.filter((event) => events.includes(event.value)).map((event) => event.metaField);
	return [...new Set(fields)];
}

/** The items whose keys this trigger has not seen within its window. */
function admitNew(ctx: IWebhookFunctions, items: IDataObject[], keys: string[], options: IDataObject): IDataObject[] {
	const hours = options.deduplicationWindow === undefined ? CATALOG.trigger.dedupDefaultHours : Number(options.deduplicationWindow);
	const node = ctx.getNode();
	const window = windowFor(`${ctx.getWorkflow().id ?? ''}:${node.id}`, CATALOG.trigger.dedupMaxKeys, hours);
	if (!window || items.length === 0) return items;
	const staticData = ctx.getWorkflowStaticData('node');
	const now = Date.now();
	window.merge(savedWindow(staticData), now);
	const fresh = items.filter((_, index) => window.admit(keys[index], now));
	if (fresh.length > 0) staticData[SEEN_KEY] = window.save();
	return fresh;
}

function plainQuery(query: IDataObject | undefined): Record<string, string> {
	const plain: Record<string, string> = {};
	for (const [key, value] of Object.entries(query ?? {})) {
		// A repeated parameter arrives as a list: it matches nothing.
		if (typeof value === 'string') plain[key] = value;
	}
	return plain;
}

function headerValues(value: string | string[] | undefined): string[] {
	if (value === undefined) return [];
	return Array.isArray(value) ? value : [value];
}
