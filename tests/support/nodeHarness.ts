// Runs the built node's `execute` inside n8n's own execution context (n8n-core's
// ExecuteContext from the installed n8n runtime), outside a running n8n, for fast tests of
// its behaviour. Everything n8n does for a node is n8n's: filling parameter defaults,
// evaluating expressions per item, Continue On Fail, the HTTP helper (axios, with its
// handling of ignoreHttpStatusErrors, returnFullResponse, json, encoding, timeouts), the
// binary-data helpers and the cancel signal. Only the credential store is a stand-in: it
// hands over the credential's data and calls the credential's own `authenticate`, as n8n's
// CredentialsHelper does. Requests go over real HTTP to a loopback server.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type {
	INodeProperties,
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestOptions,
	INodeExecutionData,
	INodeType,
} from 'n8n-workflow';

import { requireFromRuntime, useRuntimeWorkflowPackage } from './n8nRuntime';

const defaultPackageRoot = process.cwd();
export const NODE_TYPE = 'n8n-nodes-instagram-dm.instagram';
export const CREDENTIAL_TYPE = 'instagramMessagingApi';

function prepareRuntime(): void {
	// n8n-core's instance settings live in a user folder of their own.
	process.env.N8N_USER_FOLDER ??= mkdtempSync(path.join(tmpdir(), 'ig-harness-'));
	useRuntimeWorkflowPackage();
}

/** `packageRoot`: a folder holding `dist/` (the repository, or an unpacked tarball). */
export function loadNode(packageRoot = defaultPackageRoot): INodeType {
	prepareRuntime();
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { Instagram } = require(path.join(packageRoot, 'dist', 'js-wrapper', 'nodes', 'Instagram', 'Instagram.node.js'));
	return new Instagram() as INodeType;
}

/** The Instagram Trigger, built, from `packageRoot`'s `dist/`. */
export function loadTrigger(packageRoot = defaultPackageRoot): INodeType {
	prepareRuntime();
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { InstagramTrigger } = require(path.join(packageRoot, 'dist', 'js-wrapper', 'nodes', 'InstagramTrigger', 'InstagramTrigger.node.js'));
	return new InstagramTrigger() as INodeType;
}

export interface CredentialUnderTest {
	preAuthentication?: (this: { helpers: { httpRequest: (options: IHttpRequestOptions) => Promise<unknown> } }, credentials: ICredentialDataDecryptedObject) => Promise<IDataObject>;
	authenticate: (c: ICredentialDataDecryptedObject, o: IHttpRequestOptions) => Promise<IHttpRequestOptions>;
	test: { request: IHttpRequestOptions; rules?: Array<{ type: string; properties: { key: string; value: unknown; message: string } }> };
	name: string;
	properties: INodeProperties[];
}

export function loadCredential(packageRoot = defaultPackageRoot): CredentialUnderTest {
	prepareRuntime();
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { InstagramMessagingApi } = require(
		path.join(packageRoot, 'dist', 'js-wrapper', 'credentials', 'InstagramMessagingApi.credentials.js'),
	);
	return new InstagramMessagingApi();
}

/** A parameter value, or a function of the item index (throw to imitate a failing expression). */
export type Param = unknown | ((itemIndex: number) => unknown);

export interface RunOptions {
	items: IDataObject[];
	params: Record<string, Param>;
	credentials: ICredentialDataDecryptedObject;
	continueOnFail?: boolean;
	packageRoot?: string;
	/** Aborts the execution, as n8n's Stop button does. */
	signal?: AbortSignal;
	/** Runs the node as an AI Agent's tool (`instagramTool`), converted by n8n's own code. */
	asTool?: boolean;
	/** The execution's ID (an agent run's tool calls share one). */
	executionId?: string;
	/** Binary data per item: property name to `{data (base64), mimeType, fileName}`. */
	binary?: Array<Record<string, { data: string; mimeType: string; fileName?: string }>>;
}

export interface HttpExchange {
	url: string;
	method: string;
	headers: Record<string, string>;
}

export interface RunResult {
	output?: INodeExecutionData[][];
	error?: Error & { description?: string; httpCode?: string; context?: IDataObject };
	exchanges: HttpExchange[];
	/** What the node added to n8n's output pane besides its items. */
	hints: Array<{ message: string; type?: string; location?: string }>;
}

/**
 * Parameters as a workflow stores them. A per-item function becomes an n8n expression
 * reading the item's value from the item itself; an item whose function throws gets an
 * expression that fails in n8n's expression engine for that item only.
 */
function workflowParameters(params: Record<string, Param>, items: IDataObject[]): { parameters: IDataObject; items: IDataObject[] } {
	const parameters: IDataObject = {};
	const itemsOut = items.map((json) => ({ ...json }));
	for (const [name, value] of Object.entries(params)) {
		if (typeof value !== 'function') {
			parameters[name] = value as IDataObject[string];
			continue;
		}
		const key = `__param_${name}`;
		const failed = `__fail_${name}`;
		itemsOut.forEach((json, index) => {
			try {
				json[key] = (value as (i: number) => unknown)(index) as IDataObject[string];
			} catch {
				json[failed] = {};
			}
		});
		// A reference to a node that does not exist fails in n8n's expression engine.
		parameters[name] = `={{ $json.${failed} !== undefined ? $('Node ${name} never had').item.json.id : $json.${key} }}`;
	}
	return { parameters, items: itemsOut };
}

/** The node's tool variant, as n8n builds it when a workflow asks for `…instagramTool`. */
function asTool(nodeType: INodeType): INodeType {
	const { convertNodeToAiTool } = requireFromRuntime('n8n/dist/tool-generation');
	const description = Object.create(nodeType.description, { properties: { value: Object.create(nodeType.description.properties) } });
	return convertNodeToAiTool(Object.create(nodeType, { description: { value: description } })) as INodeType;
}

export async function runNode(options: RunOptions): Promise<RunResult> {
	const nodeType = options.asTool ? asTool(loadNode(options.packageRoot)) : loadNode(options.packageRoot);
	const credential = loadCredential(options.packageRoot);
	const { ExecuteContext } = requireFromRuntime('n8n-core');
	const { Workflow, createEmptyRunExecutionData } = requireFromRuntime('n8n-workflow');
	const exchanges: HttpExchange[] = [];

	const { parameters, items } = workflowParameters(options.params, options.items);
	const node = {
		id: 'node-under-test',
		name: 'Instagram',
		type: options.asTool ? `${NODE_TYPE}Tool` : NODE_TYPE,
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters,
		credentials: { [CREDENTIAL_TYPE]: { id: 'cred-1', name: 'Instagram test' } },
		...(options.continueOnFail ? { onError: 'continueRegularOutput' } : {}),
	};
	const nodeTypes = {
		getByName: () => nodeType,
		getByNameAndVersion: () => nodeType,
		getKnownTypes: () => ({}),
	};
	// n8n fills in parameter defaults when it loads a workflow, as here.
	const workflow = new Workflow({ id: 'wf-under-test', nodes: [node], connections: {}, active: false, nodeTypes });
	const credentialsHelper = {
		getParentTypes: () => [],
		isCredentialUsableByNode: () => true,
		// n8n fills in each credential field's default, the hidden ones included.
		getDecrypted: async () => ({ ...Object.fromEntries(credential.properties.map((p) => [p.name, p.default])), ...options.credentials }),
		getCredentialsProperties: () => credential.properties,
		// As n8n's CredentialsHelper does: run the credential's preAuthentication when its
		// expirable field is empty (or after a refused request), and store what it returns:
		// here into the test's credential object, which the next run reads again.
		async preAuthentication(helpers: { helpers: { httpRequest: (o: IHttpRequestOptions) => Promise<unknown> } }, data: ICredentialDataDecryptedObject, _type: string, _node: unknown, expired: boolean) {
			const expirable = credential.properties.find((p) => p.type === 'hidden' && p.typeOptions?.expirable === true)?.name;
			if (!expirable || !credential.preAuthentication) return undefined;
			if (data[expirable] !== '' && !expired) return undefined;
			const output = await credential.preAuthentication.call(helpers, data);
			if (output[expirable] === undefined) return undefined;
			Object.assign(options.credentials, output);
			return Object.assign(data, output);
		},
		async authenticate(data: ICredentialDataDecryptedObject, _type: string, requestOptions: IHttpRequestOptions) {
			const authenticated = await credential.authenticate(data, requestOptions);
			const base = authenticated.baseURL && !/^https?:/i.test(authenticated.url) ? authenticated.baseURL.replace(/\/$/, '') : '';
			const url = new URL(base + authenticated.url);
			for (const [key, value] of Object.entries((authenticated.qs ?? {}) as IDataObject)) url.searchParams.set(key, String(value));
			exchanges.push({ url: url.toString(), method: authenticated.method ?? 'GET', headers: authenticated.headers as Record<string, string> });
			return authenticated;
		},
	};
	const additionalData = { executionId: options.executionId ?? 'execution-under-test', credentialsHelper, variables: {}, restApiUrl: '', webhookBaseUrl: '', webhookTestBaseUrl: '' };
	const inputItems: INodeExecutionData[] = items.map((json, index) => ({
		json,
		...(options.binary?.[index] ? { binary: options.binary[index] } : {}),
	}));
	const inputData = { main: [inputItems] };
	const abort = new AbortController();
	options.signal?.addEventListener('abort', () => abort.abort());
	const context = new ExecuteContext(
		workflow,
		workflow.getNode(node.name),
		additionalData,
		'manual',
		createEmptyRunExecutionData(),
		0,
		inputItems,
		inputData,
		{ node: workflow.getNode(node.name), data: inputData, source: null },
		[],
		abort.signal,
	);
	try {
		const output = await nodeType.execute!.call(context);
		return { output: output as INodeExecutionData[][], exchanges, hints: context.hints };
	} catch (error) {
		return { error: error as RunResult['error'], exchanges, hints: context.hints };
	}
}

/** How n8n's Test button judged a credential: `OK`, or `Error` with the message it shows. */
export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

/**
 * The credential's Test button, as n8n 2.41.1's CredentialsTester runs a credential's
 * `test` request: n8n-core's RoutingNode sends it (through the credential's
 * `authenticate`) from a node whose one property routes it, and the rules are read from
 * the answer's body the way the tester reads them (its `runRequestTest`: the first
 * `responseSuccessBody` rule whose key holds its value fails the test with its message).
 * n8n's preAuthentication is not run here (see `runNode` for that).
 */
export async function testCredential(credentials: ICredentialDataDecryptedObject, packageRoot = defaultPackageRoot): Promise<CredentialTestResult> {
	prepareRuntime();
	const credential = loadCredential(packageRoot);
	const { ExecuteContext, RoutingNode } = requireFromRuntime('n8n-core');
	const { Workflow, createEmptyRunExecutionData } = requireFromRuntime('n8n-workflow');
	const nodeType = {
		description: {
			displayName: 'Temp',
			name: 'temp',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: { name: 'Temp' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: CREDENTIAL_TYPE, required: true }],
			properties: [{ displayName: 'Temp', name: 'temp', type: 'string', routing: { request: credential.test.request }, default: '' }],
		},
	};
	const node = {
		id: 'temp',
		name: 'Temp-Node',
		type: 'temp',
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters: {},
		credentials: { [CREDENTIAL_TYPE]: { id: 'cred-1', name: 'Instagram test' } },
	};
	const nodeTypes = { getByName: () => nodeType, getByNameAndVersion: () => nodeType, getKnownTypes: () => ({}) };
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const data = { ...Object.fromEntries(credential.properties.map((p) => [p.name, p.default])), ...credentials };
	const credentialsHelper = {
		getParentTypes: () => [],
		isCredentialUsableByNode: () => true,
		getDecrypted: async () => data,
		getCredentialsProperties: () => credential.properties,
		preAuthentication: async () => undefined,
		authenticate: async (decrypted: ICredentialDataDecryptedObject, _type: string, requestOptions: IHttpRequestOptions) => await credential.authenticate(decrypted, requestOptions),
	};
	const additionalData = { executionId: 'credential-test', credentialsHelper, variables: {}, restApiUrl: '', webhookBaseUrl: '', webhookTestBaseUrl: '' };
	const inputData = { main: [[{ json: {} }]] };
	const context = new ExecuteContext(workflow, workflow.getNode(node.name), additionalData, 'internal', createEmptyRunExecutionData(), 0, [], inputData, { node: workflow.getNode(node.name), data: {}, source: null }, []);
	const routingNode = new RoutingNode(context, nodeType, { id: 'cred-1', name: 'Instagram test', type: CREDENTIAL_TYPE, data });
	let response: INodeExecutionData[][];
	try {
		response = await routingNode.runNode();
	} catch (error) {
		return { status: 'Error', message: String((error as Error).message) };
	}
	// The tester reads the rules with lodash's `get`, as here.
	const get = requireFromRuntime<(object: unknown, path: string) => unknown>('lodash/get');
	for (const rule of credential.test.rules ?? []) {
		if (rule.type === 'responseSuccessBody' && get(response[0][0].json, rule.properties.key) === rule.properties.value) {
			return { status: 'Error', message: rule.properties.message };
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}
