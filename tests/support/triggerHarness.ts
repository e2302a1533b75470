// Runs the built Instagram Trigger the way n8n's webhook server does, outside a running
// n8n, for fast tests: a real express app (n8n's own copy) on loopback receives Meta's
// requests as bytes, keeps the raw body as n8n does, and calls the trigger's `webhook()`
// inside n8n-core's WebhookContext; activation and deactivation run its webhook methods in
// n8n-core's HookContext. Static data lives on one n8n Workflow for the whole server, as
// for an active workflow. Only the credential store is a stand-in (as in nodeHarness.ts),
// and the logger records what the trigger logs.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestOptions, INodeExecutionData, IWebhookResponseData } from 'n8n-workflow';

import { requireFromRuntime } from './n8nRuntime';
import { loadCredential, loadTrigger } from './nodeHarness';

export const TRIGGER_TYPE = 'n8n-nodes-instagram-dm.instagramTrigger';

export interface LogLine {
	level: 'debug' | 'info' | 'warn' | 'error';
	message: string;
}

export interface TriggerServer {
	/** The trigger's webhook URL (GET for the handshake, POST for deliveries). */
	url: string;
	/** The items of each workflow execution the trigger started. */
	runs: IDataObject[][];
	/** Requests after which the trigger left the answer to n8n (it must always answer Meta itself). */
	leftToN8n: number;
	/** Requests the trigger left unanswered (n8n would leave Meta waiting; the harness then ends them with 599). */
	unanswered: number;
	/** The workflow's static data, as n8n would save it. */
	staticData: IDataObject;
	logs: LogLine[];
	/** Runs the activation hooks (`checkExists`, then `create`) as n8n does on activation. */
	activate(): Promise<boolean>;
	/** Runs the deactivation hook (`delete`). */
	deactivate(): Promise<boolean>;
	close(): Promise<void>;
}

export interface TriggerOptions {
	params: IDataObject;
	/** The credential's data; `null`: the trigger has none. */
	credentials: ICredentialDataDecryptedObject | null;
	/** The workflow's ID (default `wf-trigger`); the trigger node's ID is always `trigger-under-test`. */
	workflowId?: string;
	/** The static data the workflow starts with, as n8n loads it from its database. */
	staticData?: IDataObject;
}

export async function startTrigger(options: TriggerOptions): Promise<TriggerServer> {
	const trigger = loadTrigger();
	const credential = loadCredential();
	const express = requireFromRuntime('express');
	const { WebhookContext, HookContext } = requireFromRuntime('n8n-core');
	const { Workflow } = requireFromRuntime('n8n-workflow');

	const node = {
		id: 'trigger-under-test',
		name: 'Instagram Trigger',
		type: TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters: options.params,
		webhookId: 'hook-under-test',
		credentials: { instagramMessagingApi: { id: 'cred-1', name: 'Instagram test' } },
	};
	const nodeTypes = { getByName: () => trigger, getByNameAndVersion: () => trigger, getKnownTypes: () => ({}) };
	const workflow = new Workflow({
		id: options.workflowId ?? 'wf-trigger',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
		staticData: JSON.parse(JSON.stringify(options.staticData ?? {})) as IDataObject,
	});
	const runs: IDataObject[][] = [];
	const logs: LogLine[] = [];
	const logger = Object.fromEntries((['debug', 'info', 'warn', 'error'] as const).map((level) => [level, (message: string) => logs.push({ level, message })]));

	let url = '';
	const additionalData = (extra: IDataObject = {}) => ({
		executionId: 'trigger-execution',
		variables: {},
		restApiUrl: '',
		// As n8n builds them: the instance URL, then its webhook endpoints.
		instanceBaseUrl: `${url.replace(/\/webhook\/.*$/, '')}/`,
		webhookBaseUrl: `${url.replace(/\/webhook\/.*$/, '')}/webhook`,
		webhookTestBaseUrl: `${url.replace(/\/webhook\/.*$/, '')}/webhook-test`,
		formWaitingBaseUrl: '',
		webhookWaitingBaseUrl: '',
		credentialsHelper: {
			getParentTypes: () => [],
			isCredentialUsableByNode: () => true,
			getDecrypted: async () => {
				if (options.credentials === null) throw new Error('Node does not have any credentials set for "instagramMessagingApi"');
				// n8n fills in each credential field's default.
				return { ...Object.fromEntries(credential.properties.map((p) => [p.name, p.default])), ...options.credentials };
			},
			// As n8n's CredentialsHelper: the credential's own authenticate signs the request.
			authenticate: async (data: ICredentialDataDecryptedObject, _type: string, requestOptions: IHttpRequestOptions) => await credential.authenticate(data, requestOptions),
			preAuthentication: async () => undefined,
		},
		...extra,
	});
	const description = (name: string) => trigger.description.webhooks!.find((webhook) => webhook.name === name)!;
	const withLogger = <T extends object>(context: T): T => Object.defineProperty(context, 'logger', { value: logger });

	const app = express();
	// n8n keeps every webhook request's raw bytes (`rawBody`) beside the parsed body.
	app.use(express.raw({ type: () => true, limit: '16mb' }));
	app.all('/webhook/hook-under-test/webhook', async (req: IDataObject & { method: string; body: unknown; rawBody?: Buffer }, res: unknown) => {
		const name = req.method === 'GET' ? 'setup' : 'default';
		if (Buffer.isBuffer(req.body)) req.rawBody = req.body;
		const webhookData = { webhookDescription: description(name), httpMethod: req.method, node: node.name, workflowId: workflow.id, path: 'webhook', isTest: false };
		const context = withLogger(new WebhookContext(workflow, workflow.getNode(node.name), additionalData({ httpRequest: req, httpResponse: res as IDataObject }), 'webhook', webhookData, [], null));
		const response = (await trigger.webhook!.call(context)) as IWebhookResponseData;
		if (response.noWebhookResponse !== true) server.leftToN8n++;
		const answer = res as { headersSent: boolean; status(code: number): { end(): void } };
		if (!answer.headersSent) {
			server.unanswered++;
			answer.status(599).end();
		}
		const started = response.workflowData?.[0] as INodeExecutionData[] | undefined;
		if (started) runs.push(started.map((item) => item.json));
	});
	const http: Server = await new Promise((resolve) => {
		const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
	});
	url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/webhook/hook-under-test/webhook`;

	const hook = async (method: 'checkExists' | 'create' | 'delete', activation: string): Promise<boolean> => {
		const webhookData = { webhookDescription: description('default'), httpMethod: 'POST', node: node.name, workflowId: workflow.id, path: 'webhook', isTest: false, webhookId: node.webhookId };
		const context = withLogger(new HookContext(workflow, workflow.getNode(node.name), additionalData(), 'trigger', activation, webhookData));
		return await (trigger.webhookMethods!.default as Record<string, (this: unknown) => Promise<boolean>>)[method].call(context);
	};

	const server = {
		url,
		runs,
		logs,
		leftToN8n: 0,
		unanswered: 0,
		get staticData() {
			return workflow.staticData as IDataObject;
		},
		async activate() {
			if (await hook('checkExists', 'activate')) return true;
			return await hook('create', 'activate');
		},
		async deactivate() {
			return await hook('delete', 'activate');
		},
		async close() {
			await new Promise<void>((resolve) => http.close(() => resolve()));
		},
	};
	return server;
}
