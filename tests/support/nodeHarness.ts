// Runs the built node's `execute` outside n8n, for fast tests of its behaviour. The HTTP
// side is real: requests go through the credential's own `authenticate` and out over
// node:http to a loopback server. The n8n-facing methods are the few the node calls;
// the end-to-end suite (tests/e2e) proves the same behaviour inside a real n8n.
import { request as httpRequest } from 'node:http';
import path from 'node:path';

import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INodeExecutionData,
	INodeType,
} from 'n8n-workflow';

const defaultPackageRoot = process.cwd();

/** `packageRoot`: a folder holding `dist/` (the repository, or an unpacked tarball). */
export function loadNode(packageRoot = defaultPackageRoot): INodeType {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { Instagram } = require(path.join(packageRoot, 'dist', 'js-wrapper', 'nodes', 'Instagram', 'Instagram.node.js'));
	return new Instagram() as INodeType;
}

export function loadCredential(packageRoot = defaultPackageRoot): {
	authenticate: (c: ICredentialDataDecryptedObject, o: IHttpRequestOptions) => Promise<IHttpRequestOptions>;
	test: { request: IHttpRequestOptions };
	name: string;
	properties: Array<{ name: string; default: unknown; typeOptions?: { password?: boolean } }>;
} {
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
}

async function perform(options: IHttpRequestOptions): Promise<{ body: string; headers: IDataObject; statusCode: number }> {
	const base = options.baseURL && !/^https?:/i.test(options.url) ? options.baseURL.replace(/\/$/, '') + options.url : options.url;
	const url = new URL(base);
	for (const [key, value] of Object.entries((options.qs ?? {}) as IDataObject)) {
		url.searchParams.set(key, String(value));
	}
	return await new Promise((resolve, reject) => {
		const req = httpRequest(
			url,
			{ method: options.method ?? 'GET', headers: options.headers as Record<string, string>, timeout: options.timeout },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () =>
					resolve({ body: Buffer.concat(chunks).toString('utf8'), headers: res.headers as IDataObject, statusCode: res.statusCode ?? 0 }),
				);
				res.on('error', reject);
			},
		);
		req.on('timeout', () => req.destroy(Object.assign(new Error(`timeout of ${options.timeout}ms exceeded`), { code: 'ECONNABORTED' })));
		req.on('error', reject);
		if (options.body !== undefined) req.write(options.body as string);
		req.end();
	});
}

export async function runNode(options: RunOptions): Promise<RunResult> {
	const node = loadNode(options.packageRoot);
	const credential = loadCredential(options.packageRoot);
	const exchanges: HttpExchange[] = [];
	const nodeInfo = {
		id: 'node-under-test',
		name: 'Instagram',
		type: 'n8n-nodes-instagram-dm.instagram',
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters: {},
		credentials: { instagramMessagingApi: { id: 'cred-1', name: 'Instagram test' } },
	};
	const context = {
		getInputData: () => options.items.map((json) => ({ json })),
		getNodeParameter: (name: string, itemIndex: number, fallback?: unknown) => {
			if (!(name in options.params)) return fallback;
			const value = options.params[name];
			return typeof value === 'function' ? (value as (i: number) => unknown)(itemIndex) : value;
		},
		continueOnFail: () => options.continueOnFail ?? false,
		getNode: () => nodeInfo,
		getCredentials: async () => options.credentials,
		getExecutionCancelSignal: () => undefined,
		helpers: {
			async httpRequestWithAuthentication(
				this: unknown,
				_type: string,
				requestOptions: IHttpRequestOptions,
				extra?: { credentialsDecrypted?: { data: ICredentialDataDecryptedObject } },
			) {
				const data = extra?.credentialsDecrypted?.data ?? options.credentials;
				const authenticated = await credential.authenticate(data, { ...requestOptions });
				const fullUrl = new URL(authenticated.url);
				for (const [key, value] of Object.entries((authenticated.qs ?? {}) as IDataObject)) {
					fullUrl.searchParams.set(key, String(value));
				}
				exchanges.push({
					url: fullUrl.toString(),
					method: authenticated.method ?? 'GET',
					headers: authenticated.headers as Record<string, string>,
				});
				return await perform(authenticated);
			},
		},
	} as unknown as IExecuteFunctions;
	try {
		const output = await node.execute!.call(context);
		return { output: output as INodeExecutionData[][], exchanges };
	} catch (error) {
		return { error: error as RunResult['error'], exchanges };
	}
}
